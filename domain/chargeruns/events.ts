/**
 * ChargeRun: the monthly charge of every active card's account, as a process manager with its
 * own stream. plan → preview → approve (four eyes) → execute in batches (pause, resume, cancel)
 * → completed, with every account's outcome.
 */
export interface Fees {
  /** The fee kind: part of the charge id, so one account is charged once per period and kind. */
  readonly feeKind: string;
  /** Minor units per ISO 4217 currency. */
  readonly perCurrency: Readonly<Record<string, number>>;
  /** For currencies not listed; absent: those accounts are skipped (no fee set). */
  readonly default?: number;
}

/**
 * `changed_after_approval`: the account was not eligible when the run was approved (opened
 * since, or its account unfrozen or a card activated since, and not eligible before): the
 * approved run does not charge it; a new run can.
 */
export type SkipReason = 'already_charged' | 'no_active_card' | 'account_frozen' | 'account_closed' | 'no_fee_for_currency' | 'changed_after_approval';
export const SKIP_REASONS: readonly SkipReason[] = ['already_charged', 'no_active_card', 'account_frozen', 'account_closed', 'no_fee_for_currency', 'changed_after_approval'];

export type Outcome = 'charged' | 'auth_approved' | 'auth_denied' | 'auth_review' | 'skipped' | 'failed';
export const OUTCOMES: readonly Outcome[] = ['charged', 'auth_approved', 'auth_denied', 'auth_review', 'skipped', 'failed'];

export type OutcomeCounts = Readonly<Record<Outcome, number>>;
export const zeroCounts = (): Record<Outcome, number> => ({ charged: 0, auth_approved: 0, auth_denied: 0, auth_review: 0, skipped: 0, failed: 0 });

export interface Preview {
  readonly accounts: number;
  readonly eligible: number;
  /** Total to charge per currency, minor units. */
  readonly totals: Readonly<Record<string, number>>;
  readonly eligibleByCurrency: Readonly<Record<string, number>>;
  readonly exclusions: Readonly<Partial<Record<SkipReason, number>>>;
}

export type RunStatus = 'planned' | 'approved' | 'running' | 'paused' | 'cancelled' | 'completed';

export type ChargeRunEvent =
  | { readonly type: 'ChargeRunPlanned'; readonly data: { readonly runId: string; readonly period: string; readonly fees: Fees; readonly preview: Preview } }
  | {
      readonly type: 'ChargeRunApproved';
      /** `preview`: the same preview at approval (absent on runs approved before it was recorded). */
      readonly data: { readonly runId: string; readonly plannedBy: string; readonly preview?: Preview };
    }
  | { readonly type: 'ChargeRunStarted'; readonly data: { readonly runId: string } }
  | {
      readonly type: 'ChargeRunBatchCompleted';
      readonly data: {
        readonly runId: string;
        readonly batch: number;
        readonly firstAccountId: string;
        readonly lastAccountId: string;
        readonly counts: OutcomeCounts;
        /** Charged per currency in this batch (charges and approved authorisations). */
        readonly totals: Readonly<Record<string, number>>;
        readonly skipped: readonly { readonly accountId: string; readonly reason: SkipReason }[];
        readonly failed: readonly { readonly accountId: string; readonly error: string }[];
        /** A retry of failed accounts rather than the next slice of accounts. */
        readonly retry?: boolean;
      };
    }
  | { readonly type: 'ChargeRunPaused'; readonly data: { readonly runId: string } }
  | { readonly type: 'ChargeRunResumed'; readonly data: { readonly runId: string } }
  | { readonly type: 'ChargeRunCancelled'; readonly data: { readonly runId: string; readonly reason: string } }
  | { readonly type: 'ChargeRunCompleted'; readonly data: { readonly runId: string; readonly counts: OutcomeCounts; readonly totals: Readonly<Record<string, number>> } };

export const CHARGE_RUN_EVENT_TYPES: readonly ChargeRunEvent['type'][] = [
  'ChargeRunPlanned',
  'ChargeRunApproved',
  'ChargeRunStarted',
  'ChargeRunBatchCompleted',
  'ChargeRunPaused',
  'ChargeRunResumed',
  'ChargeRunCancelled',
  'ChargeRunCompleted',
];

export type ChargeRunState =
  | { readonly status: 'none' }
  | {
      readonly status: RunStatus;
      readonly runId: string;
      readonly period: string;
      readonly fees: Fees;
      readonly preview: Preview;
      readonly plannedBy: string;
      readonly approvedBy?: string;
      /**
       * The log position of the approval: an account that became eligible after it is not
       * charged by this run (changed_after_approval). Known when the state is loaded from the store.
       */
      readonly approvalPosition?: number;
      readonly batches: number;
      /** The last account id of the last committed batch: a resumed run continues after it. */
      readonly cursor: string | null;
      readonly counts: OutcomeCounts;
      readonly totals: Readonly<Record<string, number>>;
      /** Accounts whose charge failed and has not succeeded since. */
      readonly failed: ReadonlySet<string>;
      readonly finishedAt?: string;
    };

export const chargeRunStreamId = (runId: string): string => `chargerun-${runId}`;

/** The charge id of an account's fee: derived from (period, fee kind), unique per account. */
export const feeChargeId = (period: string, feeKind: string): string => `FEE-${period}-${feeKind}`;

export function feeFor(fees: Fees, currency: string): number | undefined {
  return fees.perCurrency[currency] ?? fees.default;
}
