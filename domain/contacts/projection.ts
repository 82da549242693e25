import type { Projection } from '../eventstore/projection.js';
import { CONTACT_EVENT_TYPES, normalizeEmail, phoneDigits, type ContactEvent } from './events.js';

/** One row per contact: the search by name, e-mail or phone, whether it is active, and the early check of invoices. */
export const contactsProjection: Projection = {
  name: 'contacts',
  version: 1,
  tables: ['contacts'],
  handles: CONTACT_EVENT_TYPES,
  schema: `
    CREATE TABLE contacts (
      contact_id         TEXT    PRIMARY KEY,
      name               TEXT    NOT NULL COLLATE NOCASE,
      email              TEXT    NOT NULL,
      email_norm         TEXT    NOT NULL,
      phone              TEXT,
      phone_digits       TEXT,
      account_id         TEXT,
      status             TEXT    NOT NULL,
      deactivated_reason TEXT,
      deactivated_at     TEXT,
      deactivated_by     TEXT,
      version            INTEGER NOT NULL,
      created_at         TEXT    NOT NULL,
      updated_at         TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX contacts_name ON contacts (name, contact_id);
    CREATE INDEX contacts_email ON contacts (email_norm);
    CREATE INDEX contacts_phone ON contacts (phone_digits);
    CREATE INDEX contacts_account ON contacts (account_id);
    CREATE INDEX contacts_status ON contacts (status, contact_id);`,
  apply(stored, sql) {
    const e = stored as unknown as ContactEvent;
    const v = stored.streamPosition;
    const at = stored.recordedAt;
    switch (e.type) {
      case 'ContactRegistered': {
        const d = e.data;
        sql.run("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, NULL, NULL, ?, ?, ?)", [
          d.contactId,
          d.name,
          d.email,
          normalizeEmail(d.email),
          d.phone,
          d.phone === null ? null : phoneDigits(d.phone),
          d.accountId,
          v,
          at,
          at,
        ]);
        return;
      }
      case 'ContactUpdated': {
        const c = e.data.changes;
        const sets: string[] = [];
        const args: (string | number | null)[] = [];
        const set = (column: string, value: string | null): void => {
          sets.push(`${column} = ?`);
          args.push(value);
        };
        if (c.name !== undefined) set('name', c.name);
        if (c.email !== undefined) {
          set('email', c.email);
          set('email_norm', normalizeEmail(c.email));
        }
        if (c.phone !== undefined) {
          set('phone', c.phone);
          set('phone_digits', c.phone === null ? null : phoneDigits(c.phone));
        }
        if (c.accountId !== undefined) set('account_id', c.accountId);
        sql.run(`UPDATE contacts SET ${[...sets, 'version = ?', 'updated_at = ?'].join(', ')} WHERE contact_id = ?`, [...args, v, at, e.data.contactId]);
        return;
      }
      case 'ContactDeactivated':
        sql.run("UPDATE contacts SET status = 'inactive', deactivated_reason = ?, deactivated_at = ?, deactivated_by = ?, version = ?, updated_at = ? WHERE contact_id = ?", [
          e.data.reason,
          at,
          stored.metadata.operator,
          v,
          at,
          e.data.contactId,
        ]);
        return;
      case 'ContactReactivated':
        sql.run("UPDATE contacts SET status = 'active', version = ?, updated_at = ? WHERE contact_id = ?", [v, at, e.data.contactId]);
        return;
    }
  },
};
