/**
 * The form's preview of an invoice's totals, by the domain's rule (domain/invoices/totals.ts):
 * net = quantity × unit amount; tax per line rounded half up; totals are sums. The backend
 * computes the stored amounts; this only shows them before sending.
 */
export function previewLine(quantity: number, unitAmount: number, taxRateBp: number): { net: number; tax: number } {
  const net = BigInt(quantity) * BigInt(unitAmount);
  const p = net * BigInt(taxRateBp);
  const q = p / 10_000n;
  const tax = (p % 10_000n) * 2n >= 10_000n ? q + 1n : q;
  return { net: Number(net), tax: Number(tax) };
}

/** "19", "7.7", "" → basis points; null when not a rate with at most two decimals. */
export function parseRate(text: string): number | null {
  const t = text.trim().replace(/%$/, '').trim();
  if (!t) return 0;
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}
