/**
 * The deterministic gateway simulator. What it does is set per token, by the token's name or by
 * `configure` (tests, the CLI's `--gateway` file):
 *
 *   tok_…                    approve
 *   tok_decline_<code>[-…]   decline with <code> (e.g. tok_decline_insufficient_funds-7)
 *   tok_timeout_…            never answer (every call times out)
 *   tok_timeout1_…           the first call for a key charges but its answer is lost (a
 *                            timeout); a retry with the same key gets the approval
 *
 * Like a real processor it remembers idempotency keys: the same key is the same charge, so
 * `charges()` lists each charge once however often it was asked.
 */
import { GatewayTimeout, type ChargeRequest, type GatewayAnswer, type PaymentGateway } from './port.js';

export type Behaviour = { readonly kind: 'approve' } | { readonly kind: 'decline'; readonly code: string } | { readonly kind: 'timeout' } | { readonly kind: 'timeout_once' };

export function behaviourOf(token: string): Behaviour {
  if (token.startsWith('tok_decline_')) return { kind: 'decline', code: token.slice('tok_decline_'.length).split('-')[0] || 'do_not_honor' };
  if (token.startsWith('tok_timeout1')) return { kind: 'timeout_once' };
  if (token.startsWith('tok_timeout')) return { kind: 'timeout' };
  return { kind: 'approve' };
}

export interface SimulatedCharge {
  readonly idempotencyKey: string;
  readonly token: string;
  readonly amount: number;
  readonly currency: string;
  readonly gatewayRef: string;
}

export class GatewaySimulator implements PaymentGateway {
  private readonly overrides = new Map<string, Behaviour>();
  private readonly answered = new Map<string, GatewayAnswer>();
  private readonly captured = new Map<string, SimulatedCharge>();
  /** Every request, in order, as (token, idempotency key): what tests check for retries. */
  readonly requests: { readonly token: string; readonly idempotencyKey: string }[] = [];

  configure(token: string, behaviour: Behaviour): this {
    this.overrides.set(token, behaviour);
    return this;
  }

  async charge(r: ChargeRequest): Promise<GatewayAnswer> {
    this.requests.push({ token: r.token, idempotencyKey: r.idempotencyKey });
    const known = this.answered.get(r.idempotencyKey);
    if (known) return known;
    const b = this.overrides.get(r.token) ?? behaviourOf(r.token);
    switch (b.kind) {
      case 'timeout':
        throw new GatewayTimeout(r.idempotencyKey);
      case 'decline': {
        const a: GatewayAnswer = { kind: 'declined', code: b.code };
        this.answered.set(r.idempotencyKey, a);
        return a;
      }
      case 'approve':
      case 'timeout_once': {
        const a: GatewayAnswer = { kind: 'approved', gatewayRef: `sim-${r.idempotencyKey}` };
        this.answered.set(r.idempotencyKey, a);
        this.captured.set(r.idempotencyKey, { idempotencyKey: r.idempotencyKey, token: r.token, amount: r.amount, currency: r.currency, gatewayRef: a.gatewayRef });
        // Charged, but the answer is lost: the caller sees a timeout and must retry with this key.
        if (b.kind === 'timeout_once') throw new GatewayTimeout(r.idempotencyKey);
        return a;
      }
    }
  }

  /** The charges actually made, once each. */
  charges(): SimulatedCharge[] {
    return [...this.captured.values()];
  }
}

const perStore = new WeakMap<object, GatewaySimulator>();
/** The simulator a store's processes share (the renewal timer and the API's `plans.run`), so it remembers idempotency keys across both. */
export function simulatorFor(store: object): GatewaySimulator {
  let g = perStore.get(store);
  if (!g) perStore.set(store, (g = new GatewaySimulator()));
  return g;
}
