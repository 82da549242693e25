/**
 * Every string a person or a client supplies goes through one of these schemas, and none of them
 * takes a card number (see `cardNumbers.ts` for how one is found). One-line fields (names, ids,
 * descriptions) take no control characters at all; free text (notes, reasons) takes newlines and
 * tabs, but no NUL, other control characters or bidirectional overrides. A refusal never repeats
 * the value it refused.
 */
import { z } from 'zod';
import { containsCardNumber } from './cardNumbers.js';

export { containsCardNumber, luhnValid, normaliseForScan } from './cardNumbers.js';

export const CARD_NUMBER_MESSAGE = 'looks like a card number; never type card numbers into CardOps';
export const notACardNumber = (s: string): boolean => !containsCardNumber(s);

// C0 controls, DEL, C1 controls, the line and paragraph separators, and the bidirectional
// embeddings, overrides and isolates (U+202A-202E, U+2066-2069) that can make text read as
// something else ("Trojan Source").
// eslint-disable-next-line no-control-regex
const ONE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// Free text keeps tab, line feed and carriage return (and the Unicode line separators).
// eslint-disable-next-line no-control-regex
const FREE_TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const ONE_LINE_MESSAGE = 'must be one line without control characters: no newline, tab, NUL or bidirectional-override character';
export const FREE_TEXT_MESSAGE = 'must not hold control characters: no NUL, escape or bidirectional-override character (newlines and tabs are fine)';

/** True when the text is one line of printable text (no control or bidirectional-override character). */
export const isOneLine = (s: string): boolean => !ONE_LINE_FORBIDDEN.test(s);
/** True when the text may be stored as free text (newlines and tabs allowed). */
export const isCleanFreeText = (s: string): boolean => !FREE_TEXT_FORBIDDEN.test(s);

const sized = (max: number, min: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`);

/** A trimmed one-line field (a name, a description, a label): no control characters, no card number. */
export const oneLine = (max: number, min = 1) => sized(max, min).refine(isOneLine, ONE_LINE_MESSAGE).refine(notACardNumber, CARD_NUMBER_MESSAGE);

/** A trimmed free-text field (a note, a reason): newlines and tabs allowed, no other control characters, no card number. */
export const freeText = (max: number, min = 1) => sized(max, min).refine(isCleanFreeText, FREE_TEXT_MESSAGE).refine(notACardNumber, CARD_NUMBER_MESSAGE);

/** An entity id typed by people or systems: letters, digits, dash, underscore, dot; never a card number. */
export const idString = (what: string, max = 64) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${max - 1}}$`), `a ${what} id is 1 to ${max} letters, digits, dots, dashes or underscores`)
    .refine(notACardNumber, CARD_NUMBER_MESSAGE);

/**
 * A reference a client sends back or makes up (a command or correlation id, an event or stream
 * id, a message id): any printable text on one line, never a card number.
 */
export const clientRef = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `give the ${what}`)
    .max(max, `a ${what} has at most ${max} characters`)
    .refine(isOneLine, ONE_LINE_MESSAGE)
    .refine(notACardNumber, CARD_NUMBER_MESSAGE);

/** What someone types into a search box (it may be empty); a whole card number is refused. */
export const searchText = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine(isOneLine, ONE_LINE_MESSAGE)
    .refine(notACardNumber, 'looks like a card number: search by the last four digits of the card, never the whole number');

/** Adds the card-number check to a string schema with its own format (a code, a date, a rate). */
export const withoutCardNumber = <T extends z.ZodType<string, string>>(schema: T) => schema.refine(notACardNumber, CARD_NUMBER_MESSAGE);

/** True when the text is an absolute http: or https: address. */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A web address in a setting: http(s) only (no javascript:, data:, file:), one line, no card number. */
export const httpUrl = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine(isOneLine, ONE_LINE_MESSAGE)
    .refine(isHttpUrl, 'must be an http or https web address such as https://pay.example.com/plans/')
    .refine(notACardNumber, CARD_NUMBER_MESSAGE);

/** The message, unless it holds something that looks like a card number: then the fallback. */
export const withoutCardNumbers = (message: string, fallback: string): string => (containsCardNumber(message) ? fallback : message);
