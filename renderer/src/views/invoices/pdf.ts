/**
 * Getting the printable invoice out. In the desktop app, "Save as PDF…" asks main to print this
 * window (the print view on screen) to an A4 PDF and save it where the operator picks; the
 * browser twin has the browser's own print dialog (window.print), which can save a PDF too.
 */
import { ipcErrorMessage } from '../../api/ipcError';
import type { AppError, SaveFileResult } from '../../api/types';

export type InvoicePdfOutcome = { readonly ok: true; readonly result: SaveFileResult } | { readonly ok: false; readonly error: AppError };

/** Only the desktop app can print its own window to a file without the print dialog. */
export const canSaveInvoicePdf = (): boolean => window.cardops !== undefined;

/** The invoice is named by its number once issued, else by its id. */
export async function saveInvoicePdf(invoice: { readonly number: string | null; readonly invoiceId: string }): Promise<InvoicePdfOutcome> {
  const bridge = window.cardops;
  if (!bridge) return { ok: false, error: { code: 'NOT_AVAILABLE', message: 'saving a PDF directly works in the desktop app; here, use Print and pick "Save as PDF" as the printer' } };
  try {
    return { ok: true, result: await bridge.saveInvoicePdf({ invoice: invoice.number ?? invoice.invoiceId }) };
  } catch (e) {
    return { ok: false, error: { code: 'PDF_FAILED', message: ipcErrorMessage(e, 'the PDF could not be saved') } };
  }
}
