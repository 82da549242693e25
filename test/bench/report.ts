/** The benchmarks' shared output: a table on stdout and a JSON result file in bench-results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Row {
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  /** null: reported, no target. */
  met: boolean | null;
}

export const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export function printAndSave(name: string, rows: readonly Row[], results: Record<string, number>, quick: boolean): void {
  const cols: (keyof Row)[] = ['measure', 'value', 'baseline', 'ratio', 'target'];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  process.stdout.write(`\n${line(cols.map(String))} │ met\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}─┼────\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => String(r[c])))} │ ${r.met === null ? '' : r.met ? 'yes' : 'NO'}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = join('bench-results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), quick, node: process.version, results, rows }, null, 2));
  process.stdout.write(`\nWrote ${file}\n`);
}
