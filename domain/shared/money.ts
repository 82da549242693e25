/** Money is integer minor units plus an ISO 4217 code. Never a float. */
export interface Money {
  readonly amount: number; // integer minor units, a safe integer
  readonly currency: string; // ISO 4217, e.g. "EUR"
}

/** Minor-unit digits per ISO 4217 currency; 2 unless listed. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
};
export const minorDigits = (currency: string): number => MINOR_DIGITS[currency] ?? 2;

export function isMinorUnits(n: number): boolean {
  return Number.isSafeInteger(n);
}

/** "12345 EUR" → "123.45 EUR", exact (string arithmetic, no float). */
export function formatMoney(m: Money): string {
  const d = minorDigits(m.currency);
  const neg = m.amount < 0;
  const s = String(Math.abs(m.amount)).padStart(d + 1, '0');
  const whole = d === 0 ? s : s.slice(0, -d);
  const frac = d === 0 ? '' : `.${s.slice(-d)}`;
  return `${neg ? '-' : ''}${whole}${frac} ${m.currency}`;
}
