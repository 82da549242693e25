/** The refund screens' types, straight from the domain's read side (types only). */
import type { RefundableCharge, RefundRow } from '../../../../domain/refunds/queries.js';
import type { RefundReason } from '../../../../domain/refunds/events.js';

export type { RefundableCharge, RefundReason, RefundRow };
