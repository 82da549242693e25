/**
 * Saving the invoice print view as a PDF in the desktop app: the window that asked (only that
 * one, never another) is printed with Chromium's printToPDF, which lays the page out with its
 * print CSS (`@media print`, `@page { size: A4 }`), the same way the browser tests' page.pdf
 * does; then the operator picks where it goes in a native Save dialog.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, type WebContents } from 'electron';

export const PDF_OPTIONS = { pageSize: 'A4', printBackground: true, preferCSSPageSize: true } as const;

export async function saveInvoicePdf(contents: WebContents, fileName: string): Promise<{ saved: true; path: string } | { saved: false }> {
  const parent = BrowserWindow.fromWebContents(contents);
  if (!parent) throw new Error('refused: only a CardOps window can print an invoice');
  // Printed before the dialog: the PDF is the page the operator clicked on, whatever happens next.
  const pdf = await contents.printToPDF(PDF_OPTIONS);
  const r = await dialog.showSaveDialog(parent, { title: 'Save the invoice as PDF', defaultPath: join(app.getPath('documents'), fileName), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (r.canceled || !r.filePath) return { saved: false };
  await writeFile(r.filePath, pdf);
  return { saved: true, path: r.filePath };
}
