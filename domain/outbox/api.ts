/** The outbox's queries as API methods (spread into backend/methods.ts); retrying is the RetryOutboxMessage command. */
import { z } from 'zod';
import { clientRef } from '../shared/text.js';
import type { MethodContext, MethodDef } from '../backend/methods.js';
import { listParams, type Page } from '../backend/paging.js';
import { ErrorCodes, type Result } from '../shared/result.js';
import type { OutboxMessage } from './message.js';
import { findOutbox, listOutbox, messageOf, outboxCounts, type OutboxCounts, type OutboxRow } from './queries.js';

const def = <P extends z.ZodType, R>(d: MethodDef<P, R>): MethodDef<P, R> => d;
const done = <T>(value: T): Result<T> => ({ ok: true, value });

export const outboxMethods = {
  'outbox.status': def({
    access: 'read',
    params: z.strictObject({}),
    run: async (ctx: MethodContext): Promise<Result<OutboxCounts>> => done(await ctx.store.read(outboxCounts)),
  }),
  'outbox.list': def({
    access: 'read',
    params: listParams,
    run: async (ctx: MethodContext, p): Promise<Result<Page<OutboxRow>>> => done(await ctx.store.read((sql) => listOutbox(sql, p))),
  }),
  /** One message with its payload, by event id or number. */
  'outbox.message': def({
    access: 'read',
    params: z.strictObject({ id: clientRef('message id', 300) }),
    run: async (ctx: MethodContext, p): Promise<Result<{ row: OutboxRow; message: OutboxMessage }>> => {
      const found = await ctx.store.read((sql) => {
        const row = findOutbox(sql, p.id);
        const message = row ? messageOf(sql, row.eventId) : null;
        return row && message ? { row, message } : null;
      });
      return found ? done(found) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no outbox message ${p.id}: use its event id or its number from \`cardops outbox status\`` } };
    },
  }),
};
