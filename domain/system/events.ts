/** The store's own stream: when it was created, and whether it holds demo data. */
export const SYSTEM_STREAM = 'system';

export type SystemEvent =
  | { readonly type: 'StoreInitialized'; readonly data: { readonly adminOperatorId: string } }
  | { readonly type: 'DemoDataSeeded'; readonly data: { readonly accounts: number; readonly seed: number } };

export const SYSTEM_EVENT_TYPES: readonly SystemEvent['type'][] = ['StoreInitialized', 'DemoDataSeeded'];
