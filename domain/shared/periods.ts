/** A billing period is "YYYY-MM". */
export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isPeriod = (s: string): boolean => PERIOD_RE.test(s);
