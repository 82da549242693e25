/**
 * Invoice totals, exact in integer minor units (BigInt inside, so no product overflows unseen).
 *
 * The rounding rule, stated once:
 * - a line's net amount is quantity × unit amount (exact);
 * - a line's tax is net × rate, rounded to the minor unit HALF UP (a half is rounded away from
 *   zero: 2.5 cents → 3 cents), per line;
 * - the invoice's tax is the sum of the lines' rounded taxes, its subtotal the sum of the nets,
 *   its total subtotal + tax. So the lines printed always add up to the totals printed.
 *
 * Tax rates are basis points (1/100 of a percent): 19 % = 1900, 7.7 % = 770.
 */
export interface LineInput {
  readonly description: string;
  readonly quantity: number;
  /** Minor units per unit. */
  readonly unitAmount: number;
  /** Basis points; 0 when the line carries no tax. */
  readonly taxRateBp: number;
}

export interface InvoiceLine extends LineInput {
  readonly net: number;
  readonly tax: number;
  readonly total: number;
}

export interface Totals {
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
}

export class AmountTooLarge extends Error {}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const safe = (n: bigint): number => {
  if (n > MAX || n < -MAX) throw new AmountTooLarge('the amounts are too large to add up exactly');
  return Number(n);
};

/** n / d rounded half up (away from zero), for n ≥ 0 and d > 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return r * 2n >= d ? q + 1n : q;
}

export function lineTax(net: number, taxRateBp: number): number {
  return safe(divideHalfUp(BigInt(net) * BigInt(taxRateBp), 10_000n));
}

export function computeTotals(inputs: readonly LineInput[]): Totals {
  let subtotal = 0n;
  let tax = 0n;
  const lines = inputs.map((l) => {
    const net = BigInt(l.quantity) * BigInt(l.unitAmount);
    const t = divideHalfUp(net * BigInt(l.taxRateBp), 10_000n);
    subtotal += net;
    tax += t;
    return { ...l, net: safe(net), tax: safe(t), total: safe(net + t) };
  });
  return { lines, subtotal: safe(subtotal), tax: safe(tax), total: safe(subtotal + tax) };
}

/** 1900 → "19%", 770 → "7.7%", 5 → "0.05%". */
export function formatRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}
