/** Input schemas shared by features. */
import { z } from 'zod';
import { idString } from './text.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An entity id typed by people or systems: letters, digits, dash, underscore, dot; never a card number. */
export const entityId = (what: string) => idString(what);

export const currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'must be an ISO 4217 currency code such as EUR, USD or GBP');

/** An amount in integer minor units (cents), more than zero. */
export const amount = z.number({ message: 'must be a number of minor units (cents)' }).int('must be whole minor units (cents), not a decimal').positive('must be more than zero').max(Number.MAX_SAFE_INTEGER);
export const nonNegativeMinor = z.number({ message: 'must be a number of minor units (cents)' }).int('must be whole minor units (cents)').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
