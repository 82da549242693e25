import type { z } from 'zod';
import { ErrorCodes, type AppError } from '../shared/result.js';
import { containsCardNumber } from '../shared/text.js';

/** Said instead of anything in an error that looks like a card number: a refusal never repeats one. */
export const HIDDEN_CARD_NUMBER = '(something that looks like a card number, not shown)';

const hide = (text: string): string => (containsCardNumber(text) ? HIDDEN_CARD_NUMBER : text);

/** The issues of a schema failure as a person reads them, with any card number left out (zod names unknown keys and values). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string[]; message: string }[] {
  return issues.map((i) => ({ path: i.path.map((p) => hide(String(p))), message: hide(i.message) }));
}

/** Turns a schema failure into one error a person can act on, naming every bad field. */
export function validationError(what: string, error: z.ZodError): AppError {
  const issues = describeIssues(error.issues);
  const fields = issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
  return {
    code: ErrorCodes.validation,
    message: `${hide(what)} is not valid: ${fields.join('; ')}`,
    details: { issues },
  };
}
