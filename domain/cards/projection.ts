import type { Projection } from '../eventstore/projection.js';
import { CARD_EVENT_TYPES, type CardEvent } from './events.js';

/** One row per card, for search (last-4, holder, card id, account id) and the account's card list. */
export const cardsProjection: Projection = {
  name: 'cards',
  version: 1,
  tables: ['cards'],
  handles: CARD_EVENT_TYPES,
  schema: `
    CREATE TABLE cards (
      card_id       TEXT    PRIMARY KEY,
      account_id    TEXT    NOT NULL,
      holder_name   TEXT    NOT NULL COLLATE NOCASE,
      last4         TEXT    NOT NULL,
      brand         TEXT    NOT NULL,
      expiry_month  INTEGER NOT NULL,
      expiry_year   INTEGER NOT NULL,
      status        TEXT    NOT NULL,
      status_reason TEXT,
      status_at     TEXT    NOT NULL,
      status_by     TEXT    NOT NULL,
      replaces      TEXT,
      replaced_by   TEXT,
      version       INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX cards_last4 ON cards (last4, card_id);
    CREATE INDEX cards_account ON cards (account_id, status);
    CREATE INDEX cards_holder ON cards (holder_name, card_id);`,
  apply(stored, sql) {
    const e = stored as unknown as CardEvent;
    const v = stored.streamPosition;
    const at = stored.recordedAt;
    const by = stored.metadata.operator;
    const status = (s: string, reason: string | null): void => sql.run('UPDATE cards SET status = ?, status_reason = ?, status_at = ?, status_by = ?, version = ? WHERE card_id = ?', [s, reason, at, by, v, e.data.cardId]);
    switch (e.type) {
      case 'CardIssued': {
        const d = e.data;
        sql.run("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, 'issued', NULL, ?, ?, ?, NULL, ?)", [d.cardId, d.accountId, d.holderName, d.last4, d.brand, d.expiryMonth, d.expiryYear, at, by, d.replaces ?? null, v]);
        return;
      }
      case 'CardActivated':
        return status('active', null);
      case 'CardReactivated':
        return status('active', null);
      case 'CardDeactivated':
        return status('suspended', e.data.reason);
      case 'CardReportedLost':
        return status('lost', e.data.reason);
      case 'CardReportedStolen':
        return status('stolen', e.data.reason);
      case 'CardExpired':
        return status('expired', e.data.reason);
      case 'CardClosed':
        return status('closed', e.data.reason);
      case 'CardReissued':
        sql.run('UPDATE cards SET replaced_by = ?, version = ? WHERE card_id = ?', [e.data.newCardId, v, e.data.cardId]);
        return;
    }
  },
};
