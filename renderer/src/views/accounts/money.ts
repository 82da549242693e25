/**
 * Money on screen and in forms: integer minor units plus an ISO 4217 code, never a float.
 * Formatting and parsing work on the digits as strings; BigInt guards the safe-integer range.
 */

/** Minor-unit digits per ISO 4217 currency; 2 unless listed (the same table as the domain's). */
const MINOR_DIGITS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };
export const minorDigits = (currency: string): number => MINOR_DIGITS[currency] ?? 2;

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 123456, "EUR" → "1,234.56 EUR"; -5, "EUR" → "-0.05 EUR"; 1500, "JPY" → "1,500 JPY". Exact. */
export function formatMoney(amount: number, currency: string, options: { sign?: boolean; code?: boolean } = {}): string {
  const d = minorDigits(currency);
  const neg = amount < 0;
  const s = String(Math.abs(amount)).padStart(d + 1, '0');
  const whole = group(d === 0 ? s : s.slice(0, -d));
  const frac = d === 0 ? '' : `.${s.slice(-d)}`;
  const sign = neg ? '-' : options.sign && amount > 0 ? '+' : '';
  return `${sign}${whole}${frac}${options.code === false ? '' : ` ${currency}`}`;
}

export type Parsed = { readonly ok: true; readonly minor: number } | { readonly ok: false; readonly message: string };

/**
 * What a person typed ("12.34", "1,234.50", "12") → minor units, by string arithmetic. A comma
 * is taken only as a thousands separator ("1,234.50"); "12,34" is refused rather than guessed.
 */
export function parseAmount(text: string, currency: string): Parsed {
  const d = minorDigits(currency);
  let t = text.replace(/[\s\u00a0\u202f_]/g, '');
  if (!t) return { ok: false, message: 'enter an amount, for example 12.34' };
  if (t.startsWith('-')) return { ok: false, message: 'enter a positive amount' };
  if (t.startsWith('+')) t = t.slice(1);
  if (t.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) return { ok: false, message: 'use a dot for the decimals, for example 12.34 (a comma only separates thousands: 1,234.50)' };
    t = t.replace(/,/g, '');
  }
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (!m[1] && !m[2])) return { ok: false, message: 'an amount is digits with an optional dot, for example 12.34' };
  const whole = m[1] ?? '';
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > d) return { ok: false, message: d === 0 ? `${currency} has no minor units: enter a whole amount` : `${currency} amounts have at most ${d} decimals` };
  const minor = BigInt(whole || '0') * 10n ** BigInt(d) + BigInt(frac.padEnd(d, '0') || '0');
  if (minor === 0n) return { ok: false, message: 'the amount must be more than zero' };
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'that amount is too large' };
  return { ok: true, minor: Number(minor) };
}
