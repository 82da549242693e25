/** The desktop carrier: the preload's `window.cardops`, which talks to the backend host over a MessagePort. */
import type { Carrier } from './carrier.js';
import type { ApiMethod, CardOpsBridge, Params } from './types.js';

export function electronCarrier(bridge: CardOpsBridge): Carrier {
  return {
    kind: 'electron',
    call: (method, params) => bridge.call(method as ApiMethod, params as Params<ApiMethod>),
    onPush: (l) => bridge.onPush(l),
    onState: (l) => bridge.onState(l),
    retryNow: () => undefined,
  };
}
