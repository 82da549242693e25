/** Platform ports the domain defines and the hosts implement (tests pass fixed ones). */
export interface Clock {
  /** Now, as an ISO-8601 UTC timestamp ("2026-11-24T18:29:06.123Z"). */
  now(): string;
}
export interface IdGenerator {
  /** A new unique id (a UUID unless a test fixes it). */
  next(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };
export const randomIds: IdGenerator = { next: () => crypto.randomUUID() };

export function fixedClock(start = '2026-01-01T00:00:00.000Z', stepMs = 1): Clock {
  let t = Date.parse(start);
  return {
    now() {
      const s = new Date(t).toISOString();
      t += stepMs;
      return s;
    },
  };
}

export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${String(++n).padStart(6, '0')}` };
}
