/** The contacts' API methods (spread into domain/backend/methods.ts). */
import { z } from 'zod';
import { clientRef, searchText } from '../shared/text.js';
import type { MethodDef } from '../backend/methods.js';
import { listParams, type Page } from '../backend/paging.js';
import { ErrorCodes, type Result } from '../shared/result.js';
import { getContact, listContacts, searchContacts, type ContactRow } from './queries.js';

export const apiMethod = <P extends z.ZodType, R>(def: MethodDef<P, R>): MethodDef<P, R> => def;
const done = <T>(value: T): Result<T> => ({ ok: true, value });

export const contactMethods = {
  'contacts.list': apiMethod({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<ContactRow>>> => done(await ctx.store.read((sql) => listContacts(sql, p))),
  }),
  /** The contact picker: by name, e-mail, phone or id; active contacts only unless `activeOnly` is false. */
  'contacts.search': apiMethod({
    access: 'signedIn',
    params: z.strictObject({ query: searchText(100), activeOnly: z.boolean().optional(), limit: z.number().int().min(1).max(100).optional() }),
    run: async (ctx, p): Promise<Result<ContactRow[]>> => done(await ctx.store.read((sql) => searchContacts(sql, p.query, { activeOnly: p.activeOnly ?? true, ...(p.limit ? { limit: p.limit } : {}) }))),
  }),
  'contacts.get': apiMethod({
    access: 'signedIn',
    params: z.strictObject({ contactId: clientRef('contact id', 64) }),
    run: async (ctx, p): Promise<Result<ContactRow>> => {
      const c = await ctx.store.read((sql) => getContact(sql, p.contactId));
      return c ? done(c) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no contact ${p.contactId}: search by name, e-mail or phone` } };
    },
  }),
};
