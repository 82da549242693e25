import type { Projection } from '../eventstore/projection.js';
import { PAYMENT_METHOD_EVENT_TYPES, type PaymentMethodEvent } from './events.js';

/** One row per payment method: brand, last-4 and expiry for the screens; the token for the renewal job. */
export const paymentMethodsProjection: Projection = {
  name: 'payment_methods',
  version: 1,
  tables: ['payment_methods'],
  handles: PAYMENT_METHOD_EVENT_TYPES,
  schema: `
    CREATE TABLE payment_methods (
      method_id    TEXT    PRIMARY KEY,
      account_id   TEXT    NOT NULL,
      token        TEXT    NOT NULL,
      holder_name  TEXT    NOT NULL,
      brand        TEXT    NOT NULL,
      last4        TEXT    NOT NULL,
      expiry_month INTEGER NOT NULL,
      expiry_year  INTEGER NOT NULL,
      card_id      TEXT,
      status       TEXT    NOT NULL,
      added_at     TEXT    NOT NULL,
      added_by     TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX payment_methods_account ON payment_methods (account_id, method_id);
    CREATE INDEX payment_methods_card ON payment_methods (card_id) WHERE card_id IS NOT NULL;`,
  apply(stored, sql) {
    const e = stored as unknown as PaymentMethodEvent;
    switch (e.type) {
      case 'PaymentMethodAdded': {
        const d = e.data;
        sql.run("INSERT OR REPLACE INTO payment_methods VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)", [d.methodId, d.accountId, d.token, d.holderName, d.brand, d.last4, d.expiryMonth, d.expiryYear, d.cardId ?? null, stored.recordedAt, stored.metadata.operator]);
        return;
      }
      case 'PaymentMethodRemoved':
        sql.run("UPDATE payment_methods SET status = 'removed' WHERE method_id = ?", [e.data.methodId]);
        return;
    }
  },
};
