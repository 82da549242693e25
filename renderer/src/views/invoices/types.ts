/** The invoice screens' types, straight from the domain's read side (types only). */
import type { InvoiceDetail, InvoiceRow } from '../../../../domain/invoices/queries.js';
import type { InvoiceStatus } from '../../../../domain/invoices/events.js';
import type { InvoiceLine } from '../../../../domain/invoices/totals.js';
import type { EventView } from '../../../../domain/backend/methods.js';

export type { EventView, InvoiceDetail, InvoiceLine, InvoiceRow, InvoiceStatus };

export type InvoiceAction = 'payment' | 'void' | 'uncollectible';
