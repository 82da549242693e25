/** The contacts read side: the list (search by name, e-mail or phone), the picker's search, one contact, duplicates. */
import type { SqlValue } from 'sql.js';
import type { Sql } from '../eventstore/sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import { normalizeEmail, phoneDigits } from './events.js';

export interface ContactRow {
  readonly contactId: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly accountId: string | null;
  readonly status: 'active' | 'inactive';
  readonly deactivatedReason: string | null;
  readonly deactivatedAt: string | null;
  readonly deactivatedBy: string | null;
  /** Other contacts with the same e-mail: flagged, never merged. */
  readonly duplicateEmails: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const strOrNull = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

const SELECT =
  "c.contact_id, c.name, c.email, c.phone, c.account_id, c.status, c.deactivated_reason, c.deactivated_at, c.deactivated_by, c.created_at, c.updated_at, (SELECT count(*) FROM contacts d WHERE d.email_norm = c.email_norm AND d.contact_id <> c.contact_id) AS duplicates";

export const mapContact = (r: Record<string, SqlValue>): ContactRow => ({
  contactId: String(r.contact_id),
  name: String(r.name),
  email: String(r.email),
  phone: strOrNull(r.phone),
  accountId: strOrNull(r.account_id),
  status: r.status === 'inactive' ? 'inactive' : 'active',
  deactivatedReason: strOrNull(r.deactivated_reason),
  deactivatedAt: strOrNull(r.deactivated_at),
  deactivatedBy: strOrNull(r.deactivated_by),
  duplicateEmails: Number(r.duplicates ?? 0),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const COLUMNS = { contactId: 'c.contact_id', name: 'c.name', email: 'c.email', phone: 'c.phone', accountId: 'c.account_id', status: 'c.status', updatedAt: 'c.updated_at' };

const byText: TableSpec<ContactRow> = { table: 'contacts c', key: 'c.contact_id', columns: COLUMNS, search: ['c.name', 'c.email', 'c.contact_id'], defaultSort: 'name', select: SELECT, map: mapContact };
/** A search that looks like a phone number matches the digits, whatever spaces, dashes or brackets were typed. */
const byPhone: TableSpec<ContactRow> = { ...byText, search: ['c.phone_digits'] };

const looksLikePhone = (q: string): boolean => /^[+\d\s().-]+$/.test(q) && phoneDigits(q).length >= 3;

export function listContacts(sql: Sql, p: ListParams): Page<ContactRow> {
  const q = p.search?.trim() ?? '';
  // A national trunk prefix (020 …) is left out, so that it finds the number stored with its country code (+44 20 …).
  if (q && looksLikePhone(q)) return keysetPage(sql, byPhone, { ...p, search: phoneDigits(q).replace(/^0+/, '') || '0' });
  return keysetPage(sql, byText, p);
}

/** The contact picker: active contacts only unless asked, by name, e-mail, phone or id. */
export function searchContacts(sql: Sql, query: string, opts: { activeOnly?: boolean; limit?: number } = {}): ContactRow[] {
  const limit = opts.limit ?? 20;
  return listContacts(sql, { search: query, limit, sort: 'name', ...(opts.activeOnly ? { filters: { status: 'active' } } : {}) }).rows.slice();
}

export function getContact(sql: Sql, contactId: string): ContactRow | null {
  const r = sql.get(`SELECT ${SELECT} FROM contacts c WHERE c.contact_id = ?`, [contactId]);
  return r ? mapContact(r) : null;
}

/** Contacts other than `except` that use this e-mail. */
export function contactsWithEmail(sql: Sql, email: string, except?: string): string[] {
  return sql
    .all<{ contact_id: string }>('SELECT contact_id FROM contacts WHERE email_norm = ? AND contact_id <> ? ORDER BY contact_id LIMIT 20', [normalizeEmail(email), except ?? ''])
    .map((r) => r.contact_id);
}
