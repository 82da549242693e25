/**
 * Currency conversion with exact decimals (decimal.js, never floats): the rate is recorded as
 * given, and the base-currency amount is rounded half-even (banker's rounding) to minor units.
 */
import { Decimal } from 'decimal.js';
import { minorDigits } from '../shared/money.js';

const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

/** A rate as people type it: digits with at most one point, e.g. "1.0853". */
export const FX_RATE_RE = /^\d{1,9}(\.\d{1,12})?$/;

export interface Conversion {
  /** The rate as recorded: the decimal as given, without a trailing point or leading zeros. */
  readonly fxRate: string;
  /** Minor units of the base currency before rounding, exact. */
  readonly exactBaseAmount: string;
  /** Rounded half-even to whole minor units. */
  readonly baseAmount: number;
}

/** `amount` minor units of `from` at `rate` (1 `from` = rate `to`) in minor units of `to`. */
export function convert(amount: number, from: string, to: string, rate: string): Conversion {
  const r = new D(rate);
  const exact = new D(amount).times(r).times(new D(10).pow(minorDigits(to) - minorDigits(from)));
  return { fxRate: r.toFixed(), exactBaseAmount: exact.toFixed(), baseAmount: exact.toDecimalPlaces(0, D.ROUND_HALF_EVEN).toNumber() };
}

export const isPositiveRate = (rate: string): boolean => FX_RATE_RE.test(rate) && new D(rate).gt(0);

/** `part` as a percentage of `total`, for people, rounded half-even to 4 decimals: "0.5". */
export const percentOf = (part: number, total: number): string => new D(part).times(100).div(total).toDecimalPlaces(4, D.ROUND_HALF_EVEN).toFixed();

/**
 * Within the tolerance for converted payments: a shortfall of at most 0.5% of the amount that was
 * converted, i.e. the sum of the base amounts of the order's payments that involved a conversion
 * (each already rounded half-even to whole minor units, as recorded on the payment). The
 * comparison is exact, in integers, with no rounding of the tolerance itself:
 * 200 × shortfall ≤ converted. So 0.5% of 99.51 is 0.49755: a shortfall of 0.49 is inside, 0.50 is not.
 */
// In BigInt: 200 × a safe integer can pass the range where numbers are exact.
export const withinFxTolerance = (shortfall: number, converted: number): boolean => shortfall >= 0 && converted > 0 && 200n * BigInt(shortfall) <= BigInt(converted);
