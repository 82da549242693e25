/** Calendar dates as "YYYY-MM-DD" (UTC), for schedules. */
export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const parse = (d: string): Date => new Date(`${d}T00:00:00.000Z`);
const format = (d: Date): string => d.toISOString().slice(0, 10);

export const isDate = (s: string): boolean => DATE_RE.test(s) && format(parse(s)) === s;
export const addDays = (d: string, n: number): string => format(new Date(parse(d).getTime() + n * 86_400_000));
export const todayOf = (iso: string): string => iso.slice(0, 10);
export const periodOf = (d: string): string => d.slice(0, 7);

/** `start` plus `months` months, on the same day of the month, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb). */
export function addMonths(start: string, months: number): string {
  const [y, m, day] = start.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(day, last))));
}
