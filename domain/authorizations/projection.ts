import type { Projection } from '../eventstore/projection.js';
import { AUTHORIZATION_EVENT_TYPES, type AuthorizationEvent } from './events.js';

/** Authorisations and their state: the supervisor's review queue is `status = 'pending_review'`. */
export const authorizationsProjection: Projection = {
  name: 'authorizations',
  version: 1,
  tables: ['authorizations'],
  handles: AUTHORIZATION_EVENT_TYPES,
  schema: `
    CREATE TABLE authorizations (
      authorization_id TEXT    PRIMARY KEY,
      account_id       TEXT    NOT NULL,
      charge_id        TEXT    NOT NULL,
      amount           INTEGER NOT NULL,
      currency         TEXT    NOT NULL,
      overdraft        INTEGER NOT NULL,
      description      TEXT    NOT NULL,
      status           TEXT    NOT NULL,
      review_reason    TEXT,
      decided_by       TEXT,
      decision_note    TEXT,
      opened_at        TEXT    NOT NULL,
      decided_at       TEXT
    ) STRICT;
    CREATE INDEX authorizations_status ON authorizations (status, opened_at);
    CREATE INDEX authorizations_account ON authorizations (account_id, opened_at);`,
  apply(stored, sql) {
    const e = stored as unknown as AuthorizationEvent;
    const at = stored.recordedAt;
    switch (e.type) {
      case 'CreditAuthorizationOpened': {
        const d = e.data;
        sql.run("INSERT INTO authorizations VALUES (?, ?, ?, ?, ?, ?, ?, 'opened', NULL, NULL, NULL, ?, NULL)", [d.authorizationId, d.accountId, d.chargeId, d.amount, d.currency, d.overdraft, d.description, at]);
        return;
      }
      case 'CreditSentToReview':
        sql.run("UPDATE authorizations SET status = 'pending_review', review_reason = ? WHERE authorization_id = ?", [e.data.reason, e.data.authorizationId]);
        return;
      case 'CreditApproved':
      case 'CreditDenied':
        sql.run('UPDATE authorizations SET status = ?, decided_by = ?, decision_note = ?, decided_at = ? WHERE authorization_id = ?', [
          e.type === 'CreditApproved' ? 'approved' : 'denied',
          e.data.decidedBy === 'policy' ? 'policy' : stored.metadata.operator,
          e.data.note ?? null,
          at,
          e.data.authorizationId,
        ]);
        return;
    }
  },
};
