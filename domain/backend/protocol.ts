/**
 * The one message protocol, shared by both carriers (Electron's MessagePort and the browser
 * build's WebSocket). Requests and replies carry ids; pushes carry live updates and progress.
 * `serveMessage` is the backend side: it parses a raw message and answers with a typed error for
 * anything malformed, unknown or oversized, and never throws.
 */
import { z } from 'zod';
import { ErrorCodes, type AppError } from '../shared/result.js';
import type { Connection, Push } from './backend.js';
import { describeIssues } from './validation.js';

/** Requests bigger than this are refused before parsing. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface RequestMessage {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

export type ReplyMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: AppError };

export interface PushMessage {
  readonly kind: 'push';
  readonly push: Push;
}

export type ServerMessage = ReplyMessage | PushMessage;

const requestSchema = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().min(0),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});

const protocolError = (id: number, code: string, message: string): ReplyMessage => ({ kind: 'reply', id, ok: false, error: { code, message } });

/** Parses one raw message (a JSON string or an already structured-cloned object). */
export function parseRequest(raw: unknown): { ok: true; request: RequestMessage } | { ok: false; reply: ReplyMessage } {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw, 'utf8') > MAX_MESSAGE_BYTES) {
      return { ok: false, reply: protocolError(-1, 'MESSAGE_TOO_LARGE', `the request is larger than ${MAX_MESSAGE_BYTES} bytes: send less at a time`) };
    }
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reply: protocolError(-1, 'MALFORMED_MESSAGE', 'the request is not valid JSON') };
    }
  } else {
    // Structured-cloned objects (MessagePort) are measured by their JSON size.
    let size = 0;
    try {
      size = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
    } catch {
      return { ok: false, reply: protocolError(-1, 'MALFORMED_MESSAGE', 'the request cannot be read as JSON') };
    }
    if (size > MAX_MESSAGE_BYTES) return { ok: false, reply: protocolError(-1, 'MESSAGE_TOO_LARGE', `the request is larger than ${MAX_MESSAGE_BYTES} bytes: send less at a time`) };
  }
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) {
    const id = typeof (value as { id?: unknown } | null)?.id === 'number' ? (value as { id: number }).id : -1;
    return { ok: false, reply: protocolError(id, 'MALFORMED_MESSAGE', `the request must be {kind:"request", id, method, params}: ${describeIssues(parsed.error.issues).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')}`) };
  }
  return { ok: true, request: { kind: 'request', id: parsed.data.id, method: parsed.data.method, params: parsed.data.params ?? {} } };
}

/** Answers one raw message on a connection. Never throws. */
export async function serveMessage(connection: Connection, raw: unknown): Promise<ReplyMessage> {
  const parsed = parseRequest(raw);
  if (!parsed.ok) return parsed.reply;
  const { id, method, params } = parsed.request;
  try {
    const result = await connection.callUnknown(method, params);
    return result.ok ? { kind: 'reply', id, ok: true, result: result.value } : { kind: 'reply', id, ok: false, error: result.error };
  } catch (e) {
    return protocolError(id, ErrorCodes.internal, `an unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
