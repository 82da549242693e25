/**
 * Where outbox messages go. A sink either takes a message (resolves) or fails (throws with a
 * reason); delivering the same message again must be harmless on its side, since delivery is at
 * least once: the message id (the event id) is the deduplication key.
 */
import { mkdirSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxMessage } from './message.js';
import { isHttpUrl, withoutCardNumbers } from '../shared/text.js';

export interface Sink {
  /** `folder:/path` or `http:https://…`: recorded with each delivery. */
  readonly name: string;
  deliver(message: OutboxMessage): Promise<void>;
}

/** The file a message is written to: its position (sorts in order) and its id, made safe for file names. */
export const fileNameOf = (m: OutboxMessage): string => `${String(m.position).padStart(12, '0')}-${m.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

/** A folder of JSON files, one per message, written atomically (temp file, fsync, rename): a second delivery rewrites the same file. */
export function folderSink(dir: string): Sink {
  return {
    name: `folder:${dir}`,
    async deliver(m) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, fileNameOf(m));
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`);
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    },
  };
}

/** An HTTP endpoint: one POST per message, JSON body, the id in `Idempotency-Key`; any 2xx is delivered. */
export function httpSink(url: string, timeoutMs = 10_000): Sink {
  if (!isHttpUrl(url)) throw new Error(`the outbox endpoint must be an http or https address such as https://hooks.example.com/cardops (not ${withoutCardNumbers(url.slice(0, 200), 'the address given')})`);
  return {
    name: `http:${url}`,
    async deliver(m) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': m.id, 'x-cardops-topic': m.topic },
          body: JSON.stringify(m),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        throw new Error(`${url} could not be reached (${cause ?? (e as Error).message})`, { cause: e });
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`${url} answered HTTP ${res.status}`);
    },
  };
}
