import type { Projection } from '../eventstore/projection.js';
import { runValues } from '../eventstore/sql.js';
import { CARD_EVENT_TYPES, type CardEvent } from './events.js';

/** The status each lifecycle event leads to. */
const STATUS_OF: Partial<Record<CardEvent['type'], string>> = {
  CardActivated: 'active',
  CardReactivated: 'active',
  CardDeactivated: 'suspended',
  CardReportedLost: 'lost',
  CardReportedStolen: 'stolen',
  CardExpired: 'expired',
  CardClosed: 'closed',
};

/** One row per card, for search (last-4, holder, card id, account id) and the account's card list. */
export const cardsProjection: Projection = {
  name: 'cards',
  // 2: WITHOUT ROWID (one B-tree keyed by the id, not a rowid table plus an index on the id).
  version: 2,
  tables: ['cards'],
  // For search only: a bulk load (the demo seed) builds them at its end.
  deferrableIndexes: ['cards_last4', 'cards_holder'],
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
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX cards_last4 ON cards (last4, card_id);
    CREATE INDEX cards_account ON cards (account_id, status);
    CREATE INDEX cards_holder ON cards (holder_name, card_id);`,
  /** Cards issued in this batch are built in memory and inserted once, in their latest state. */
  applyMany(events, sql) {
    type Row = [string, string, string, string, string, number, number, string, string | null, string, string, string | null, string | null, number];
    const fresh = new Map<string, Row>();
    const insert = (id: string): void => {
      const row = fresh.get(id);
      if (!row) return;
      sql.run('INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', row);
      fresh.delete(id);
    };
    for (const stored of events) {
      const e = stored as unknown as CardEvent;
      const row = fresh.get(e.data.cardId);
      const status = STATUS_OF[e.type];
      if (e.type === 'CardIssued') {
        const d = e.data;
        fresh.set(d.cardId, [d.cardId, d.accountId, d.holderName, d.last4, d.brand, d.expiryMonth, d.expiryYear, 'issued', null, stored.recordedAt, stored.metadata.operator, d.replaces ?? null, null, stored.streamPosition]);
      } else if (row && status) {
        row[7] = status;
        row[8] = 'reason' in e.data ? (e.data.reason ?? null) : null;
        row[9] = stored.recordedAt;
        row[10] = stored.metadata.operator;
        row[13] = stored.streamPosition;
      } else if (row && e.type === 'CardReissued') {
        row[12] = e.data.newCardId;
        row[13] = stored.streamPosition;
      } else {
        insert(e.data.cardId);
        this.apply(stored, sql);
      }
    }
    runValues(sql, 'INSERT INTO cards', [...fresh.values()]);
  },
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
        return status('active', e.data.reason ?? null);
      case 'CardReactivated':
        return status('active', e.data.reason ?? null);
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
