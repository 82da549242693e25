/** Input schemas shared by features. */
import { z } from 'zod';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An entity id typed by people or systems: letters, digits, dash, underscore, dot. */
export const entityId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `a ${what} id is 1 to 64 letters, digits, dots, dashes or underscores`);

export const currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'must be an ISO 4217 currency code such as EUR, USD or GBP');

/** An amount in integer minor units (cents), more than zero. */
export const amount = z.number({ message: 'must be a number of minor units (cents)' }).int('must be whole minor units (cents), not a decimal').positive('must be more than zero').max(Number.MAX_SAFE_INTEGER);
export const nonNegativeMinor = z.number({ message: 'must be a number of minor units (cents)' }).int('must be whole minor units (cents)').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
