import type { z } from 'zod';
import { ErrorCodes, type AppError } from '../shared/result.js';

/** Turns a schema failure into one error a person can act on, naming every bad field. */
export function validationError(what: string, error: z.ZodError): AppError {
  const fields = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
  return {
    code: ErrorCodes.validation,
    message: `${what} is not valid: ${fields.join('; ')}`,
    details: { issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  };
}
