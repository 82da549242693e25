/** The plan form's fees: typed as decimal money, sent as integer minor units (string arithmetic, no float). */
import { minorDigits, parseAmount } from '../accounts/money';
import type { FeesInput } from './types';

export interface FeeRow {
  currency: string;
  amount: string;
}

export interface FeeForm {
  feeKind: string;
  /** For every currency without its own fee: cents (2 decimals) of any currency. */
  defaultFee: string;
  perCurrency: FeeRow[];
}

export type FeeErrors = Partial<Record<'feeKind' | 'defaultFee' | `currency${number}` | `amount${number}` | 'fees', string>>;

const CURRENCY_RE = /^[A-Z]{3}$/;
const supported = (() => {
  try {
    return new Set(Intl.supportedValuesOf('currency'));
  } catch {
    return null;
  }
})();

/** The fees to send, or the errors to show by field. Nothing is guessed: a bad field stops the preview. */
export function feesOf(form: FeeForm): { ok: true; fees: FeesInput } | { ok: false; errors: FeeErrors } {
  const errors: FeeErrors = {};
  const feeKind = form.feeKind.trim();
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(feeKind)) errors.feeKind = 'lower-case letters, digits and underscores, e.g. monthly_fee';
  let def: number | undefined;
  if (form.defaultFee.trim()) {
    const p = parseAmount(form.defaultFee, 'EUR');
    if (p.ok) def = p.minor;
    else errors.defaultFee = p.message.replace('EUR amounts have', 'the default fee has');
  }
  const perCurrency: Record<string, number> = {};
  form.perCurrency.forEach((row, i) => {
    const c = row.currency.trim().toUpperCase();
    if (!CURRENCY_RE.test(c) || (supported && !supported.has(c))) errors[`currency${i}`] = 'a 3-letter ISO 4217 code, e.g. EUR';
    else if (c in perCurrency) errors[`currency${i}`] = `${c} has a fee already`;
    const p = parseAmount(row.amount, CURRENCY_RE.test(c) ? c : 'EUR');
    if (!p.ok) errors[`amount${i}`] = p.message;
    else if (CURRENCY_RE.test(c)) perCurrency[c] = p.minor;
  });
  if (def === undefined && form.perCurrency.length === 0 && !errors.defaultFee) errors.fees = 'set a fee: a default fee, or one for a currency';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, fees: { feeKind, perCurrency, ...(def !== undefined ? { default: def } : {}) } };
}

/** The fee an account in `currency` pays under these fees, or undefined (it is skipped). */
export const feeFor = (fees: { perCurrency?: Readonly<Record<string, number>>; default?: number }, currency: string): number | undefined => fees.perCurrency?.[currency] ?? fees.default;

export { minorDigits };
