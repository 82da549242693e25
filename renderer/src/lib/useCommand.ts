/**
 * Sending one command from a form: busy state, the error with its code, the fields it names,
 * and a command id that is kept only while the outcome is unknown (a dropped link), so a retry
 * of the same command is done once.
 */
import { ref } from 'vue';
import { useApi } from '../api/client';
import type { AppError, Command, CommandOutcome } from '../api/types';
import { useSession } from '../stores/session';

const UNKNOWN_OUTCOME = new Set(['DISCONNECTED', 'OFFLINE']);

function fieldErrorsOf(e: AppError): Record<string, string> {
  const issues = e.details?.issues;
  if (!Array.isArray(issues)) return {};
  const out: Record<string, string> = {};
  for (const i of issues as unknown[]) {
    if (typeof i !== 'object' || i === null) continue;
    const { path, message } = i as { path?: unknown; message?: unknown };
    if (Array.isArray(path) && typeof path[0] === 'string' && typeof message === 'string') out[path[0]] ??= message;
  }
  return out;
}

export function useCommand() {
  const busy = ref(false);
  const error = ref<AppError | null>(null);
  const fieldErrors = ref<Record<string, string>>({});
  let commandId = crypto.randomUUID();

  function reset(): void {
    busy.value = false;
    error.value = null;
    fieldErrors.value = {};
    commandId = crypto.randomUUID();
  }

  async function send(command: Command): Promise<CommandOutcome | null> {
    busy.value = true;
    error.value = null;
    fieldErrors.value = {};
    const r = await useApi().execute(command, commandId);
    busy.value = false;
    if (r.ok) {
      commandId = crypto.randomUUID();
      return r.value;
    }
    if (!UNKNOWN_OUTCOME.has(r.error.code)) commandId = crypto.randomUUID();
    error.value = r.error;
    fieldErrors.value = fieldErrorsOf(r.error);
    useSession().noticeError(r.error);
    return null;
  }

  return { busy, error, fieldErrors, send, reset };
}
