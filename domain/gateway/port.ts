/**
 * The payment gateway port: charge a tokenised card. The real processor is out of scope; the
 * adapter shipped is a deterministic simulator (simulator.ts). The idempotency key makes a
 * repeated request the same charge: a caller that got no answer retries with the SAME key, never
 * a new one, so a timeout can never become a second charge.
 */
export interface ChargeRequest {
  readonly token: string;
  readonly amount: number;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly description: string;
}

export type GatewayAnswer = { readonly kind: 'approved'; readonly gatewayRef: string } | { readonly kind: 'declined'; readonly code: string };

/** Thrown when the gateway did not answer in time: the outcome is unknown. */
export class GatewayTimeout extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`the payment gateway did not answer for ${idempotencyKey}`);
  }
}

export interface PaymentGateway {
  /** Resolves with the answer, or rejects with GatewayTimeout when the outcome is unknown. */
  charge(request: ChargeRequest): Promise<GatewayAnswer>;
}

export type ChargeOutcome = GatewayAnswer | { readonly kind: 'timeout'; readonly tries: number };

/** Charges, retrying a timeout up to `tries` times with the same idempotency key. */
export async function chargeWithRetries(gateway: PaymentGateway, request: ChargeRequest, tries = 3): Promise<ChargeOutcome> {
  for (let i = 1; ; i++) {
    try {
      return await gateway.charge(request);
    } catch (e) {
      if (!(e instanceof GatewayTimeout)) throw e;
      if (i >= tries) return { kind: 'timeout', tries: i };
    }
  }
}
