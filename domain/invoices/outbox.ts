/** Issued invoices go to the outbox: other systems (billing, dunning, the customer portal) are told. */
import { routes } from '../outbox/routes.js';

export const invoiceOutboxRoutes = routes('invoice.issued', ['InvoiceIssued']);
