/** An order payment's exact converted amount, as agents read money: major units with the currency. */
import { minorDigits } from '../accounts/money.js';

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The exact (unrounded) base amount of a converted payment, a decimal string of minor units as
 * the backend computes it, in major units: "11058", "EUR" → "110.58 EUR"; "12532.4", "EUR" →
 * "125.324 EUR" (every exact digit kept, at least the currency's decimals). String arithmetic.
 */
export function formatExactMinor(exact: string, currency: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(exact.trim());
  if (!m) return `${exact} minor units of ${currency}`;
  const d = minorDigits(currency);
  const extra = (m[3] ?? '').replace(/0+$/, '');
  const scale = d + extra.length;
  const digits = `${m[2] ?? ''}${extra}`.padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale).replace(/^0+(?=\d)/, '');
  const frac = scale ? `.${digits.slice(-scale)}` : '';
  return `${m[1] ?? ''}${group(whole)}${frac} ${currency}`;
}
