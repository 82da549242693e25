import { z } from 'zod';
import { defineCommand } from '../backend/commandDef.js';
import { executeOne } from '../backend/work.js';
import { clientRef, freeText } from '../shared/text.js';
import { outboxRetryDecider } from './decider.js';
import { outboxRetryStreamId } from './events.js';
import { findOutbox } from './queries.js';

export const outboxCommands = {
  RetryOutboxMessage: defineCommand({
    roles: ['supervisor', 'admin'],
    schema: z.strictObject({ type: z.literal('RetryOutboxMessage'), id: clientRef('message id (its event id or its number)', 300), note: freeText(500).optional() }),
    handle: async (env, c) => {
      const row = await env.store.read((sql) => findOutbox(sql, c.id));
      const eventId = row?.eventId ?? c.id;
      return executeOne(env, outboxRetryStreamId(eventId), outboxRetryDecider, { type: 'RetryOutboxMessage', eventId, ...(row ? { position: row.position } : {}), status: row?.status ?? null, ...(c.note ? { note: c.note } : {}) });
    },
  }),
};
