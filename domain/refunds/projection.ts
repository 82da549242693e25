import type { Projection } from '../eventstore/projection.js';
import type { AccountEvent } from '../accounts/events.js';
import { REFUND_EVENT_TYPES, type RefundEvent } from './events.js';

/**
 * One row per refund: the refunds list and the supervisor's approval queue
 * (`status = 'awaiting_approval'`). A refund is `posted` once the account's RefundPosted is stored.
 */
export const refundsProjection: Projection = {
  name: 'refunds',
  // 2: an index by requester and day (the daily refund limit).
  version: 2,
  tables: ['refunds'],
  handles: [...REFUND_EVENT_TYPES, 'RefundPosted'],
  schema: `
    CREATE TABLE refunds (
      refund_id     TEXT    PRIMARY KEY,
      account_id    TEXT    NOT NULL,
      charge_id     TEXT    NOT NULL,
      amount        INTEGER NOT NULL,
      currency      TEXT    NOT NULL,
      charge_amount INTEGER NOT NULL,
      reason        TEXT    NOT NULL,
      note          TEXT,
      status        TEXT    NOT NULL,
      requested_by  TEXT    NOT NULL,
      requested_at  TEXT    NOT NULL,
      decided_by    TEXT,
      decided_at    TEXT,
      decision_note TEXT,
      posted_at     TEXT
    ) STRICT;
    CREATE INDEX refunds_status ON refunds (status, requested_at);
    CREATE INDEX refunds_account ON refunds (account_id, charge_id);
    CREATE INDEX refunds_requested ON refunds (requested_at, refund_id);
    CREATE INDEX refunds_requester ON refunds (requested_by, requested_at);`,
  apply(stored, sql) {
    const e = stored as unknown as RefundEvent | Extract<AccountEvent, { type: 'RefundPosted' }>;
    const at = stored.recordedAt;
    switch (e.type) {
      case 'RefundRequested': {
        const d = e.data;
        sql.run("INSERT INTO refunds VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, NULL, NULL, NULL, NULL)", [d.refundId, d.accountId, d.chargeId, d.amount, d.currency, d.chargeAmount, d.reason, d.note ?? null, d.requestedBy, at]);
        return;
      }
      case 'RefundSentForApproval':
        sql.run("UPDATE refunds SET status = 'awaiting_approval' WHERE refund_id = ?", [e.data.refundId]);
        return;
      case 'RefundApproved':
        sql.run("UPDATE refunds SET status = 'approved', decided_by = ?, decided_at = ?, decision_note = ? WHERE refund_id = ?", [e.data.automatic ? 'within limit' : e.data.approvedBy, at, e.data.note ?? null, e.data.refundId]);
        return;
      case 'RefundRejected':
        sql.run("UPDATE refunds SET status = 'rejected', decided_by = ?, decided_at = ?, decision_note = ? WHERE refund_id = ?", [e.data.rejectedBy, at, e.data.note, e.data.refundId]);
        return;
      case 'RefundPosted':
        sql.run("UPDATE refunds SET status = 'posted', posted_at = ? WHERE refund_id = ?", [at, e.data.refundId]);
        return;
    }
  },
};
