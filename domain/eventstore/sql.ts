/** A small synchronous SQL helper over sql.js with a prepared-statement cache. */
import type { Database, SqlValue, Statement } from 'sql.js';

export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;
export type Row = Record<string, SqlValue>;

export interface Sql {
  run(sql: string, params?: SqlParams): void;
  get<T extends object = Row>(sql: string, params?: SqlParams): T | undefined;
  all<T extends object = Row>(sql: string, params?: SqlParams): T[];
  /** The first column of the first row, or undefined. */
  scalar(sql: string, params?: SqlParams): SqlValue | undefined;
  exec(sql: string): void;
  changes(): number;
}

export class StatementCache implements Sql {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: Database) {}

  prepare(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
  run(sql: string, params?: SqlParams): void {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params as SqlValue[]);
      s.step();
    } finally {
      s.reset();
    }
  }
  get<T extends object = Row>(sql: string, params?: SqlParams): T | undefined {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params as SqlValue[]);
      return s.step() ? (s.getAsObject() as T) : undefined;
    } finally {
      s.reset();
    }
  }
  all<T extends object = Row>(sql: string, params?: SqlParams): T[] {
    const s = this.prepare(sql);
    const out: T[] = [];
    try {
      if (params) s.bind(params as SqlValue[]);
      // getAsObject() reads every column name again for every row; read them once.
      let names: string[] | undefined;
      while (s.step()) {
        names ??= s.getColumnNames();
        const values = s.get();
        const row: Record<string, SqlValue> = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
        out.push(row as T);
      }
    } finally {
      s.reset();
    }
    return out;
  }
  scalar(sql: string, params?: SqlParams): SqlValue | undefined {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params as SqlValue[]);
      return s.step() ? s.get()[0] : undefined;
    } finally {
      s.reset();
    }
  }
  exec(sql: string): void {
    this.db.exec(sql);
  }
  changes(): number {
    return this.db.getRowsModified();
  }
  clear(): void {
    for (const s of this.cache.values()) s.free();
    this.cache.clear();
  }
}

export const ROWS_PER_STATEMENT = 64;

/** runValues' statement texts by shape (its callers pass constant heads and tuples: a few dozen). */
const STATEMENT_TEXTS = new Map<string, string>();

/**
 * Runs `<head> VALUES <tuple>, <tuple>, … <tail>` with 64 rows per statement: in sql.js each
 * statement step crosses into WebAssembly and back, and costs far more than the row it writes.
 * `head` is e.g. "INSERT INTO cards". `tuple` is one `?` per value unless given (it may hold
 * constants: "(?, ?, 'pending')"); every row has one value per `?`.
 *
 * `shared`: values that every row has, bound once per statement rather than once per row (each
 * bound string is copied into WebAssembly). The tuple names them `?1`, `?2`, … in order, and the
 * rows hold only the values of its plain `?`s: "(?1, ?, ?, ?2)" with shared [run, at] and rows of two.
 */
export function runValues(
  sql: Sql,
  head: string,
  rows: readonly (readonly SqlValue[])[],
  options: { tail?: string; tuple?: string; shared?: readonly SqlValue[] } = {},
): void {
  if (!rows.length) return;
  const width = rows[0]!.length;
  const shared = options.shared ?? [];
  const tuple = options.tuple ?? `(${Array.from({ length: width }, () => '?').join(', ')})`;
  // With shared values, every parameter is numbered: a plain `?` after `?2` would take number 3
  // whether or not a shared value is numbered 3.
  const numbered = (n: number): string => {
    if (!shared.length) return Array.from({ length: n }, () => tuple).join(', ');
    let next = shared.length;
    const out: string[] = [];
    for (let r = 0; r < n; r++) out.push(tuple.replace(/\?(\d*)/g, (_m, d: string) => (d ? `?${d}` : `?${++next}`)));
    return out.join(', ');
  };
  // The text is the same for every call with the same shape: made once (numbering a 64-row
  // statement's parameters took 80 µs a call, several times a charge-run batch).
  const statement = (n: number): string => {
    const key = `${n}\u0000${shared.length}\u0000${tuple}\u0000${head}\u0000${options.tail ?? ''}`;
    let text = STATEMENT_TEXTS.get(key);
    if (text === undefined) {
      if (STATEMENT_TEXTS.size >= 256) STATEMENT_TEXTS.clear();
      STATEMENT_TEXTS.set(key, (text = `${head} VALUES ${numbered(n)}${options.tail ? ` ${options.tail}` : ''}`));
    }
    return text;
  };
  const bind = (n: number, at: number, params: SqlValue[]): void => {
    for (let k = 0; k < shared.length; k++) params[k] = shared[k]!;
    for (let k = 0; k < n; k++) {
      const row = rows[at + k]!;
      const o = shared.length + k * width;
      for (let c = 0; c < width; c++) params[o + c] = row[c]!;
    }
  };
  let i = 0;
  if (rows.length >= ROWS_PER_STATEMENT) {
    const many = statement(ROWS_PER_STATEMENT);
    const params: SqlValue[] = new Array<SqlValue>(shared.length + ROWS_PER_STATEMENT * width);
    for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
      bind(ROWS_PER_STATEMENT, i, params);
      sql.run(many, params);
    }
  }
  const one = statement(1);
  const params: SqlValue[] = new Array<SqlValue>(shared.length + width);
  for (; i < rows.length; i++) {
    bind(1, i, params);
    sql.run(one, params);
  }
}
