import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import { refundable, type ChargeFacts, type RefundEvent, type RefundLedger, type RefundReason } from './events.js';

/** What an operator (or another feature, through request.ts) asks for. */
export interface RefundRequest {
  readonly refundId: string;
  readonly accountId: string;
  readonly chargeId: string;
  /** Minor units of the charge's currency. */
  readonly amount: number;
  readonly reason: RefundReason;
  readonly note?: string;
  /** The operator asking: the one who may not approve it. */
  readonly requestedBy: string;
}

export type RefundCommand =
  | (RefundRequest & {
      readonly type: 'RequestRefund';
      /** The charge as the account's stream has it; null when the account never had it. */
      readonly charge: ChargeFacts | null;
      /** Settings, for the charge's currency: the refunds of one charge up to this sum (minor units) are posted at once. */
      readonly agentLimit: number;
      /** Settings, for the charge's currency: what one operator may refund in a UTC day without a supervisor. */
      readonly agentDailyLimit: number;
      /**
       * The requester's refunds of the day in the charge's currency, not rejected (posted, approved or waiting), before
       * this one: from the refunds read model, read in the command's handler.
       */
      readonly refundedToday: number;
    })
  | { readonly type: 'ApproveRefund'; readonly refundId: string; readonly by: string; readonly note?: string }
  | { readonly type: 'RejectRefund'; readonly refundId: string; readonly by: string; readonly note: string };

export const initialState = (): RefundLedger => ({ status: 'none' });

export function evolve(state: RefundLedger, event: RefundEvent): RefundLedger {
  const { at } = event as { at?: string };
  if (event.type === 'RefundRequested') {
    const d = event.data;
    const base = state.status === 'open' ? state : { status: 'open' as const, accountId: d.accountId, chargeId: d.chargeId, chargeAmount: d.chargeAmount, currency: d.currency, refunds: {} };
    return { ...base, refunds: { ...base.refunds, [d.refundId]: { refundId: d.refundId, amount: d.amount, reason: d.reason, status: 'awaiting_approval', requestedBy: d.requestedBy } } };
  }
  if (state.status === 'none') return state;
  const entry = state.refunds[event.data.refundId];
  if (!entry) return state;
  const set = (patch: Partial<typeof entry>): RefundLedger => ({ ...state, refunds: { ...state.refunds, [entry.refundId]: { ...entry, ...patch } } });
  switch (event.type) {
    case 'RefundSentForApproval':
      return set({ status: 'awaiting_approval' });
    case 'RefundApproved':
      return set({ status: 'approved', decidedBy: event.data.approvedBy, ...(at ? { decidedAt: at } : {}) });
    case 'RefundRejected':
      return set({ status: 'rejected', decidedBy: event.data.rejectedBy, ...(at ? { decidedAt: at } : {}) });
    default:
      return assertNever(event);
  }
}

const money = (amount: number, currency: string): string => formatMoney({ amount, currency });

export function decide(command: RefundCommand, state: RefundLedger): Decision<RefundEvent> {
  const c = command;
  switch (c.type) {
    case 'RequestRefund': {
      const known = state.status === 'open' ? state.refunds[c.refundId] : undefined;
      if (known) {
        // Idempotent by refund id: the same refund again changes nothing.
        if (known.amount === c.amount && known.reason === c.reason) return [];
        return refuse('REFUND_ID_TAKEN', `refund ${c.refundId} already exists for ${money(known.amount, state.status === 'open' ? state.currency : '')}: a different refund needs a new refund id`);
      }
      const charge = c.charge;
      if (!charge) return refuse('CHARGE_NOT_FOUND', `account ${c.accountId} has no charge ${c.chargeId}: check the charge on the account's timeline`);
      if (c.amount <= 0) return refuse('INVALID_AMOUNT', `the refund must be more than zero (got ${c.amount})`);
      const left = state.status === 'open' ? refundable(state) : charge.amount;
      if (c.amount > left) {
        const done = charge.amount - left;
        return refuse(
          'REFUND_EXCEEDS_CHARGE',
          left === 0
            ? `charge ${c.chargeId} of ${money(charge.amount, charge.currency)} is already refunded in full (or waiting for approval): nothing is left to refund`
            : `charge ${c.chargeId} of ${money(charge.amount, charge.currency)} has ${money(left, charge.currency)} left to refund${done ? ` (${money(done, charge.currency)} refunded or waiting for approval)` : ''}: refund at most ${money(left, charge.currency)}`,
          { refundable: left },
        );
      }
      const ref = { refundId: c.refundId, accountId: c.accountId, chargeId: c.chargeId };
      const requested: RefundEvent = {
        type: 'RefundRequested',
        data: { ...ref, amount: c.amount, currency: charge.currency, reason: c.reason, ...(c.note ? { note: c.note } : {}), requestedBy: c.requestedBy, chargeAmount: charge.amount },
      };
      // The limits hold across requests: the sum on the charge (posted + waiting + this one), and the requester's sum of the day.
      const onCharge = charge.amount - left + c.amount;
      const today = c.refundedToday + c.amount;
      if (onCharge <= c.agentLimit && today <= c.agentDailyLimit) {
        return [requested, { type: 'RefundApproved', data: { ...ref, amount: c.amount, currency: charge.currency, approvedBy: c.requestedBy, automatic: true, note: `within the agent limit of ${money(c.agentLimit, charge.currency)}` } }];
      }
      const over = onCharge > c.agentLimit ? ('charge' as const) : ('daily' as const);
      return [requested, { type: 'RefundSentForApproval', data: { ...ref, amount: c.amount, currency: charge.currency, agentLimit: c.agentLimit, over, refundedOnCharge: onCharge, agentDailyLimit: c.agentDailyLimit, refundedToday: today } }];
    }
    case 'ApproveRefund':
    case 'RejectRefund': {
      const entry = state.status === 'open' ? state.refunds[c.refundId] : undefined;
      if (state.status === 'none' || !entry) return refuse('REFUND_NOT_FOUND', `there is no refund ${c.refundId}: check the refund id in the approval queue`);
      if (entry.status !== 'awaiting_approval') {
        return refuse('REFUND_DECIDED', `refund ${c.refundId} was already ${entry.status}${entry.decidedAt ? ` on ${entry.decidedAt.slice(0, 10)}` : ''} by ${entry.decidedBy ?? 'someone'}: nothing to decide`);
      }
      if (c.by === entry.requestedBy) {
        return refuse('SAME_OPERATOR', `${c.by} requested refund ${c.refundId}: a refund over the agent limit needs a second person, so another supervisor must ${c.type === 'ApproveRefund' ? 'approve' : 'reject'} it`);
      }
      const ref = { refundId: c.refundId, accountId: state.accountId, chargeId: state.chargeId };
      if (c.type === 'ApproveRefund') return [{ type: 'RefundApproved', data: { ...ref, amount: entry.amount, currency: state.currency, approvedBy: c.by, automatic: false, ...(c.note ? { note: c.note } : {}) } }];
      return [{ type: 'RefundRejected', data: { ...ref, rejectedBy: c.by, note: c.note } }];
    }
    default:
      return assertNever(c);
  }
}

export const refundDecider: Decider<RefundCommand, RefundEvent, RefundLedger> = { decide, evolve, initialState };
