/**
 * The settings screen's sections: each field with its meaning in plain words and its unit, how
 * it is shown, how what the admin typed is read back, and the one command a section saves with.
 * The backend validates everything again and has the last word (its refusals are shown as is).
 */
import type { Command } from '../../api/types.js';
import { formatMoney, parseAmount } from '../accounts/money.js';
import type { AllSettings, EventView, LastChange } from './types.js';

export type SectionId = 'credit' | 'refunds' | 'reminders' | 'plans' | 'signIn';

/** What a field holds. Money is integer minor units of whatever currency the account or charge is in. */
export type FieldKind = 'money' | 'days' | 'minutesList' | 'daysList' | 'codes' | 'url' | 'count' | 'minutes' | 'ms' | 'currencyLimits';
export type FieldValue = number | readonly number[] | string | readonly string[];

export interface FieldDef {
  readonly key: string;
  readonly label: string;
  /** What it does, in plain words. */
  readonly meaning: string;
  readonly kind: FieldKind;
  readonly get: (s: AllSettings) => FieldValue;
}

export interface SectionDef {
  readonly id: SectionId;
  readonly title: string;
  readonly blurb: string;
  readonly fields: readonly FieldDef[];
  /** The one command that saves the section, from the parsed values (keyed by field key). */
  readonly command: (v: ReadonlyMap<string, FieldValue>) => Command;
  /** The stream its changes are recorded on, and which change key of that stream's events is this section's. */
  readonly stream: 'settings' | 'settings-plans';
  readonly changeKey: string | null;
}

// ---------------------------------------------------------------- formatting

/**
 * Money settings apply in every currency, so they are shown currency-neutral, as major units
 * of a two-decimal currency (the common case: 5,000 minor units → 50.00).
 */
const NEUTRAL = 'XXX';
export const formatNeutral = (minor: number): string => formatMoney(minor, NEUTRAL, { code: false });
const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** 60 → "1 hour", 1440 → "1 day", 90 → "90 minutes". */
export function humanMinutes(m: number): string {
  if (m % 1440 === 0) return plural(m / 1440, 'day', 'days');
  if (m % 60 === 0) return plural(m / 60, 'hour', 'hours');
  return plural(m, 'minute', 'minutes');
}

/**
 * Limits of a currency of its own, as a field value: "JPY 20000 30000" (code, agent limit, daily
 * limit, in minor units). Shown and typed as "JPY 20000 / 30000; USD 50.00 / 300.00" (major units of each currency).
 */
export interface CurrencyLimits {
  readonly currency: string;
  readonly agentLimit: number;
  readonly agentDailyLimit: number;
}
const encodeLimits = (l: CurrencyLimits): string => `${l.currency} ${l.agentLimit} ${l.agentDailyLimit}`;
export function decodeLimits(v: string): CurrencyLimits {
  const [currency = '', a = '0', d = '0'] = v.split(' ');
  return { currency, agentLimit: Number(a), agentDailyLimit: Number(d) };
}
const plainMoney = (minor: number, currency: string): string => formatMoney(minor, currency, { code: false }).replace(/,/g, '');
/** "JPY 20000 / 30000" for people and for the draft. */
export const limitsText = (l: CurrencyLimits): string => `${l.currency} ${plainMoney(l.agentLimit, l.currency)} / ${plainMoney(l.agentDailyLimit, l.currency)}`;
const byCurrencyValue = (s: AllSettings): readonly string[] =>
  Object.entries(s.settings.refunds.byCurrency ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, l]) => encodeLimits({ currency, ...l }));

/** The text an input starts with for a value. */
export function draftOf(kind: FieldKind, v: FieldValue): string {
  if (kind === 'money' && typeof v === 'number') return formatNeutral(v).replace(/,/g, '');
  if (kind === 'currencyLimits' && Array.isArray(v)) return v.map((x) => limitsText(decodeLimits(String(x)))).join('; ');
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** The unit an input is typed in, shown beside it. */
export function unitOf(kind: FieldKind): string {
  switch (kind) {
    case 'money':
      return 'major units';
    case 'days':
    case 'daysList':
      return 'days';
    case 'minutesList':
    case 'minutes':
      return 'minutes';
    case 'ms':
      return 'ms';
    case 'count':
      return 'attempts';
    case 'codes':
    case 'url':
    case 'currencyLimits':
      return '';
  }
}

/** How to type it. */
export function hintOf(kind: FieldKind): string {
  switch (kind) {
    case 'money':
      return 'With a dot for the decimals, e.g. 50.00; 0 is allowed.';
    case 'days':
      return 'A whole number of days.';
    case 'minutesList':
      return 'Minutes after the order was created, smallest first, separated by commas, e.g. 60, 1440. Empty: no reminders.';
    case 'daysList':
      return 'Days after the renewal date, smallest first, separated by commas, e.g. 1, 2. Empty: no retries.';
    case 'codes':
      return 'Decline codes separated by commas, e.g. lost_card, stolen_card. Empty: every decline is retried.';
    case 'url':
      return 'A web address; the plan id is added at its end.';
    case 'count':
      return 'A whole number of attempts.';
    case 'minutes':
      return 'A whole number of minutes.';
    case 'ms':
      return 'A whole number of milliseconds (1000 is one second).';
    case 'currencyLimits':
      return 'Per currency: the code, the agent limit and the daily limit in that currency, separated by semicolons, e.g. JPY 20000 / 150000; USD 80.00 / 800.00. Empty: every currency uses the limits above.';
  }
}

// ---------------------------------------------------------------- parsing

export type ParsedField = { readonly ok: true; readonly value: FieldValue } | { readonly ok: false; readonly message: string };

function parseWhole(t: string, unit: string): ParsedField {
  const s = t.replace(/[\s_,]/g, '');
  if (!s) return { ok: false, message: `enter a whole number of ${unit}` };
  if (!/^\d+$/.test(s)) return { ok: false, message: `a whole number of ${unit}, digits only, e.g. 7` };
  return { ok: true, value: Number(s) };
}

function parseList(t: string, unit: string): ParsedField {
  const parts = t.split(/[\s,;]+/).filter(Boolean);
  const bad = parts.find((p) => !/^\d+$/.test(p));
  if (bad !== undefined) return { ok: false, message: `"${bad}" is not a whole number of ${unit}: separate the numbers with commas, e.g. 60, 1440` };
  return { ok: true, value: parts.map(Number) };
}

export function parseField(kind: FieldKind, text: string): ParsedField {
  const t = text.trim();
  switch (kind) {
    case 'money': {
      // Zero is a valid limit (never approve automatically); parseAmount wants more than zero.
      if (/^0*(\.0*)?$/.test(t.replace(/\s/g, '')) && /\d/.test(t)) return { ok: true, value: 0 };
      const p = parseAmount(t, NEUTRAL);
      return p.ok ? { ok: true, value: p.minor } : { ok: false, message: p.message.replace(`${NEUTRAL} amounts`, 'amounts') };
    }
    case 'days':
      return parseWhole(t, 'days');
    case 'minutesList':
      return parseList(t, 'minutes');
    case 'daysList':
      return parseList(t, 'days');
    case 'codes':
      return { ok: true, value: t.split(/[\s,;]+/).filter(Boolean) };
    case 'url':
      return t ? { ok: true, value: t } : { ok: false, message: 'enter a web address, e.g. https://pay.example.com/plans/' };
    case 'count':
      return parseWhole(t, 'attempts');
    case 'minutes':
      return parseWhole(t, 'minutes');
    case 'ms':
      return parseWhole(t, 'milliseconds');
    case 'currencyLimits':
      return parseCurrencyLimits(t);
  }
}

/** A limit in one currency's major units; zero is allowed. */
function parseLimit(t: string, currency: string): { ok: true; minor: number } | { ok: false; message: string } {
  if (/^0*(\.0*)?$/.test(t) && /\d/.test(t)) return { ok: true, minor: 0 };
  return parseAmount(t, currency);
}

function parseCurrencyLimits(t: string): ParsedField {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of t.split(/[;\n]+/).map((x) => x.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s+(\S+)\s*\/\s*(\S+)$/.exec(part);
    if (!m) return { ok: false, message: `"${part.slice(0, 40)}" is not "CODE agent limit / daily limit", e.g. JPY 20000 / 150000` };
    const currency = m[1]!.toUpperCase();
    if (seen.has(currency)) return { ok: false, message: `${currency} is listed twice: keep one line per currency` };
    seen.add(currency);
    const a = parseLimit(m[2]!, currency);
    if (!a.ok) return { ok: false, message: `${currency} agent limit: ${a.message}` };
    const d = parseLimit(m[3]!, currency);
    if (!d.ok) return { ok: false, message: `${currency} daily limit: ${d.message}` };
    out.push(encodeLimits({ currency, agentLimit: a.minor, agentDailyLimit: d.minor }));
  }
  return { ok: true, value: out };
}

// ---------------------------------------------------------------- the sections

function num(v: ReadonlyMap<string, FieldValue>, key: string): number {
  const x = v.get(key);
  if (typeof x !== 'number') throw new Error(`settings: ${key} is not a number`);
  return x;
}
function nums(v: ReadonlyMap<string, FieldValue>, key: string): number[] {
  const x = v.get(key);
  if (!Array.isArray(x) || !x.every((n) => typeof n === 'number')) throw new Error(`settings: ${key} is not a list of numbers`);
  return x.map(Number);
}
function strs(v: ReadonlyMap<string, FieldValue>, key: string): string[] {
  const x = v.get(key);
  if (!Array.isArray(x)) throw new Error(`settings: ${key} is not a list`);
  return x.map(String);
}
function str(v: ReadonlyMap<string, FieldValue>, key: string): string {
  const x = v.get(key);
  if (typeof x !== 'string') throw new Error(`settings: ${key} is not text`);
  return x;
}

export const SECTIONS: readonly SectionDef[] = [
  {
    id: 'credit',
    title: 'Credit policy',
    blurb: 'What happens when a charge takes an account beyond its credit limit.',
    stream: 'settings',
    changeKey: 'creditPolicy',
    fields: [
      {
        key: 'autoApproveMaxOverdraft',
        label: 'Approve automatically up to',
        meaning: 'An overdraft up to this amount beyond the credit limit is approved at once, with no supervisor.',
        kind: 'money',
        get: (s) => s.settings.creditPolicy.autoApproveMaxOverdraft,
      },
      {
        key: 'autoDenyOverOverdraft',
        label: 'Deny automatically over',
        meaning: 'An overdraft over this amount is denied at once and the account\u2019s cards are suspended. Between the two amounts, a supervisor decides.',
        kind: 'money',
        get: (s) => s.settings.creditPolicy.autoDenyOverOverdraft,
      },
    ],
    command: (v) => ({ type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: num(v, 'autoApproveMaxOverdraft'), autoDenyOverOverdraft: num(v, 'autoDenyOverOverdraft') } } }),
  },
  {
    id: 'refunds',
    title: 'Refunds',
    blurb: 'How much an agent may refund without a supervisor, per charge and per day.',
    stream: 'settings',
    changeKey: 'refunds',
    fields: [
      {
        key: 'agentLimit',
        label: 'Agent limit',
        meaning: 'The refunds of one charge together (posted, waiting and the new one) up to this amount are posted to the account at once; past it, a refund waits for a supervisor\u2019s approval.',
        kind: 'money',
        get: (s) => s.settings.refunds.agentLimit,
      },
      {
        key: 'agentDailyLimit',
        label: 'Daily limit',
        meaning: 'What one operator refunds in a day (UTC), in one currency, without a supervisor; past it, a refund waits for a supervisor\u2019s approval.',
        kind: 'money',
        get: (s) => s.settings.refunds.agentDailyLimit,
      },
      {
        key: 'byCurrency',
        label: 'Limits by currency',
        meaning: 'A currency listed here has its own agent and daily limits, in its own units (a yen has no cents); any other currency uses the two limits above.',
        kind: 'currencyLimits',
        get: byCurrencyValue,
      },
    ],
    command: (v) => ({
      type: 'UpdateSettings',
      changes: {
        refunds: {
          agentLimit: num(v, 'agentLimit'),
          agentDailyLimit: num(v, 'agentDailyLimit'),
          byCurrency: Object.fromEntries(strs(v, 'byCurrency').map((x) => decodeLimits(x)).map((l) => [l.currency, { agentLimit: l.agentLimit, agentDailyLimit: l.agentDailyLimit }])),
        },
      },
    }),
  },
  {
    id: 'reminders',
    title: 'Order reminders',
    blurb: 'Reminders for what is still unpaid on an order.',
    stream: 'settings',
    changeKey: 'orderReminders',
    fields: [
      {
        key: 'afterMinutes',
        label: 'Remind after',
        meaning: 'A reminder goes out at each of these times after the order was created, while part of it is unpaid (at most 10).',
        kind: 'minutesList',
        get: (s) => s.settings.orderReminders.afterMinutes,
      },
    ],
    command: (v) => ({ type: 'UpdateSettings', changes: { orderReminders: { afterMinutes: nums(v, 'afterMinutes') } } }),
  },
  {
    id: 'plans',
    title: 'Payment plans',
    blurb: 'Renewal notices, and what happens when a renewal charge is declined.',
    stream: 'settings-plans',
    changeKey: null,
    fields: [
      { key: 'noticeDays', label: 'Renewal notice', meaning: 'A notice goes to the customer this many days before a plan renews (1 to 60).', kind: 'days', get: (s) => s.plans.noticeDays },
      { key: 'graceDays', label: 'Grace period', meaning: 'After a declined renewal, the plan stays usable this many days while the charge is retried; then it lapses (0 to 30).', kind: 'days', get: (s) => s.plans.graceDays },
      { key: 'retryDays', label: 'Retry schedule', meaning: 'A declined renewal charge is tried again on these days after the renewal date, each within the grace period.', kind: 'daysList', get: (s) => s.plans.retryDays },
      { key: 'neverRetryCodes', label: 'Never retry on', meaning: 'Decline codes that stop the retries at once: the card is gone, or the issuer said never.', kind: 'codes', get: (s) => s.plans.neverRetryCodes },
      { key: 'payLinkBase', label: 'Payment link', meaning: 'Where a customer pays a declined or lapsed plan; the plan id is added at the end.', kind: 'url', get: (s) => s.plans.payLinkBase },
    ],
    command: (v) => ({
      type: 'UpdatePlanSettings',
      changes: { noticeDays: num(v, 'noticeDays'), graceDays: num(v, 'graceDays'), retryDays: nums(v, 'retryDays'), neverRetryCodes: strs(v, 'neverRetryCodes'), payLinkBase: str(v, 'payLinkBase') },
    }),
  },
  {
    id: 'signIn',
    title: 'Sign-in',
    blurb: 'Lockout after failed sign-ins, and when an unused session ends.',
    stream: 'settings',
    changeKey: 'signIn',
    fields: [
      { key: 'maxFailedAttempts', label: 'Lock after', meaning: 'An operator is locked after this many failed sign-ins in a row (1 to 100).', kind: 'count', get: (s) => s.settings.signIn.maxFailedAttempts },
      { key: 'lockoutMinutes', label: 'Locked for', meaning: 'How long a locked operator cannot sign in; an admin resetting the password lifts it at once.', kind: 'minutes', get: (s) => s.settings.signIn.lockoutMinutes },
      { key: 'failureDelayMs', label: 'Delay after a failure', meaning: 'A failed sign-in is answered after this long, and each further one waits twice as long (at most 16 times).', kind: 'ms', get: (s) => s.settings.signIn.failureDelayMs },
      { key: 'idleTimeoutMinutes', label: 'Session ends after', meaning: 'A signed-in window unused this long signs out by itself.', kind: 'minutes', get: (s) => s.settings.signIn.idleTimeoutMinutes },
    ],
    command: (v) => ({
      type: 'UpdateSettings',
      changes: { signIn: { maxFailedAttempts: num(v, 'maxFailedAttempts'), lockoutMinutes: num(v, 'lockoutMinutes'), failureDelayMs: num(v, 'failureDelayMs'), idleTimeoutMinutes: num(v, 'idleTimeoutMinutes') } },
    }),
  },
];

/** Reads every field of a section from the drafts: the command to send, or an error per field. */
export function buildCommand(section: SectionDef, drafts: Readonly<Record<string, string>>): { ok: true; command: Command } | { ok: false; errors: Record<string, string> } {
  const values = new Map<string, FieldValue>();
  const errors: Record<string, string> = {};
  for (const f of section.fields) {
    const p = parseField(f.kind, drafts[f.key] ?? '');
    if (p.ok) values.set(f.key, p.value);
    else errors[f.key] = p.message;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, command: section.command(values) };
}

/** The backend's validation issues, by the section's field each names (the first issue per field). */
export function fieldIssues(section: SectionDef, details: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const issues = details?.issues;
  const out: Record<string, string> = {};
  if (!Array.isArray(issues)) return out;
  for (const i of issues as unknown[]) {
    if (typeof i !== 'object' || i === null) continue;
    const { path, message } = i as { path?: unknown; message?: unknown };
    if (!Array.isArray(path) || typeof message !== 'string') continue;
    const field = section.fields.find((f) => path.includes(f.key));
    if (field) out[field.key] ??= message;
  }
  return out;
}

/** The section's last change, from its stream's events (newest last). */
export function lastChangeOf(section: SectionDef, events: readonly EventView[]): LastChange | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.streamId !== section.stream) continue;
    // A change waiting for a second admin has not changed anything yet.
    if (e.type === 'SettingsChangeRequested' || e.type === 'SettingsChangeRejected' || e.type === 'SettingsChangeApproved') continue;
    if (section.changeKey !== null) {
      const data = e.data as { changes?: unknown } | null;
      const changes = data && typeof data === 'object' ? data.changes : undefined;
      if (!changes || typeof changes !== 'object' || !(section.changeKey in changes)) continue;
    }
    return { operator: e.metadata.operator, at: e.recordedAt };
  }
  return null;
}
