/** The invoices' API methods (spread into domain/backend/methods.ts). */
import { z } from 'zod';
import { clientRef } from '../shared/text.js';
import { apiMethod } from '../contacts/methods.js';
import { getContact } from '../contacts/queries.js';
import { listParams, type Page } from '../backend/paging.js';
import { ErrorCodes, type Result } from '../shared/result.js';
import type { InvoiceEvent } from './events.js';
import { invoiceDecider } from './decider.js';
import { invoiceStreamId } from './events.js';
import { dayOf, getInvoiceRow, listInvoices, workQueue, type InvoiceDetail, type InvoiceRow } from './queries.js';

const done = <T>(value: T): Result<T> => ({ ok: true, value });

export const invoiceMethods = {
  /** Filters: status, contactId, accountId, currency, overdue ('yes' | 'no'), flagged (0 | 1). */
  'invoices.list': apiMethod({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<InvoiceRow>>> => done(await ctx.store.read((sql) => listInvoices(sql, dayOf(ctx.clock.now()), p))),
  }),
  /** The agent's work queue: live invoices whose contact was deactivated. */
  'invoices.workQueue': apiMethod({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<InvoiceRow>>> => done(await ctx.store.read((sql) => workQueue(sql, dayOf(ctx.clock.now()), p))),
  }),
  'invoices.get': apiMethod({
    access: 'signedIn',
    params: z.strictObject({ invoiceId: clientRef('invoice id', 64) }),
    run: async (ctx, p): Promise<Result<InvoiceDetail>> => {
      const notFound = { ok: false as const, error: { code: ErrorCodes.notFound, message: `there is no invoice ${p.invoiceId}: search by number, contact or account` } };
      const { events } = await ctx.store.readStream(invoiceStreamId(p.invoiceId));
      const invoice = events.reduce((s, e) => invoiceDecider.evolve(s, { type: e.type, data: e.data, at: e.recordedAt, by: e.metadata.operator } as InvoiceEvent), invoiceDecider.initialState());
      if (invoice.status === 'none') return notFound;
      const found = await ctx.store.read((sql) => ({ row: getInvoiceRow(sql, dayOf(ctx.clock.now()), p.invoiceId), contact: getContact(sql, invoice.contactId) }));
      if (!found.row) return notFound;
      return done({ invoice, row: found.row, contact: found.contact });
    },
  }),
};
