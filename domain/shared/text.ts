/**
 * Free text never carries a card number. A run of 13 to 19 digits (spaces and dashes allowed
 * between them) that passes the Luhn check is refused wherever people type text.
 */
import { z } from 'zod';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when the text holds something that looks like a card number: a run of 13 to 19 digits
 * (single spaces or dashes allowed between them) that passes the Luhn check. Longer digit runs
 * (references, IBAN-like strings) are not card numbers; windows inside them are not checked,
 * as one in ten would pass Luhn by chance.
 */
export function containsCardNumber(text: string): boolean {
  const runs = text.match(/\d(?:[ -]?\d)*/g) ?? [];
  return runs.some((run) => {
    const digits = run.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
  });
}

/** A trimmed free-text field that refuses card numbers. */
export const freeText = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    .refine((s) => !containsCardNumber(s), 'looks like a card number; never type card numbers into CardOps');
