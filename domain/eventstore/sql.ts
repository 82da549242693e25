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
