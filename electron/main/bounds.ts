/**
 * The window's size and place, remembered in the data folder between launches. A saved place
 * that is no longer on any screen (a monitor was unplugged) is dropped. No Electron import.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface WindowState {
  readonly bounds: Rect;
  readonly maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 960, height: 600 } as const;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseWindowState(raw: unknown): WindowState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { bounds, maximized } = raw as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return null;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  if (!isNum(x) || !isNum(y) || !isNum(width) || !isNum(height)) return null;
  return { bounds: { x, y, width: Math.max(MIN_SIZE.width, width), height: Math.max(MIN_SIZE.height, height) }, maximized: maximized === true };
}

/** Keeps a saved state only if a good part of its title bar is on one of the displays' work areas. */
export function visibleOn(state: WindowState, workAreas: readonly Rect[]): boolean {
  const b = state.bounds;
  return workAreas.some((a) => {
    const overlapX = Math.min(b.x + b.width, a.x + a.width) - Math.max(b.x, a.x);
    const titleBarY = b.y + 10;
    return overlapX >= 100 && titleBarY >= a.y && titleBarY <= a.y + a.height;
  });
}

export function loadWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, file);
}
