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

/**
 * Minor units as a plain decimal in the currency's own digits, no grouping: 123456 EUR →
 * "1234.56", exact (string arithmetic, no float). For machine formats (CSV, XLSX) and parsing.
 */
export function formatDecimal(amount: number, currency: string): string {
  const d = minorDigits(currency);
  const s = String(Math.abs(amount)).padStart(d + 1, '0');
  const whole = d === 0 ? s : s.slice(0, -d);
  const frac = d === 0 ? '' : `.${s.slice(-d)}`;
  return `${amount < 0 ? '-' : ''}${whole}${frac}`;
}

/**
 * Money as people read it, the one helper every backend text uses (refusals, notices, charge
 * descriptions, reports, the CLI): 123456 EUR → "1,234.56 EUR", thousands grouped with a comma
 * (en-US, as the screens write it), the currency's own decimals, exact.
 */
export function formatMoney(m: Money): string {
  const plain = formatDecimal(m.amount, m.currency);
  return `${plain.replace(/^-?\d+/, (whole) => whole.replace(/\B(?=(\d{3})+$)/g, ','))} ${m.currency}`;
}
