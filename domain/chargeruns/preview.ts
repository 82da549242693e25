/** The preview of a charge run: eligible accounts, totals per currency, exclusions by reason. Set-based SQL over the projections. */
import { postingEventId } from '../accounts/decider.js';
import type { Sql } from '../eventstore/sql.js';
import { skipReason } from './batch.js';
import { feeChargeId, feeFor, type Fees, type Preview, type SkipReason } from './events.js';

export function previewChargeRun(sql: Sql, period: string, fees: Fees): Preview {
  const chargeKey = postingEventId('', feeChargeId(period, fees.feeKind)).slice('posting:'.length); // ":FEE-…"
  const groups = sql.all<{ currency: string; status: string; has_card: number; charged: number; n: number }>(
    `SELECT a.currency, a.status,
            EXISTS (SELECT 1 FROM cards c WHERE c.account_id = a.account_id AND c.status = 'active') AS has_card,
            EXISTS (SELECT 1 FROM events e WHERE e.event_id = 'posting:' || a.account_id || ?) AS charged,
            count(*) AS n
       FROM accounts a
      GROUP BY 1, 2, 3, 4`,
    [chargeKey],
  );
  let accounts = 0;
  let eligible = 0;
  const totals: Record<string, number> = {};
  const eligibleByCurrency: Record<string, number> = {};
  const exclusions: Partial<Record<SkipReason, number>> = {};
  for (const g of groups) {
    accounts += g.n;
    const reason = skipReason(g, g.has_card === 1, g.charged === 1, fees);
    if (reason) {
      exclusions[reason] = (exclusions[reason] ?? 0) + g.n;
      continue;
    }
    eligible += g.n;
    eligibleByCurrency[g.currency] = (eligibleByCurrency[g.currency] ?? 0) + g.n;
    totals[g.currency] = (totals[g.currency] ?? 0) + g.n * feeFor(fees, g.currency)!;
  }
  return { accounts, eligible, totals, eligibleByCurrency, exclusions };
}
