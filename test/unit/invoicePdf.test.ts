/**
 * The desktop app's "Save as PDF…" of an invoice, as far as it is pure: what main accepts from
 * the renderer (only an invoice number or id, turned into a plain file name, never a path) and
 * how the renderer shows main's refusal. The printing itself (webContents.printToPDF) needs the
 * Electron binary, which cannot run here.
 */
import { describe, expect, it } from 'vitest';
import { CH, invoicePdfFileName, parseInvoicePdfRequest } from '../../electron/main/ipc.js';
import { ipcErrorMessage } from '../../renderer/src/api/ipcError.js';

describe('invoicePdfFileName', () => {
  it('names the file after the invoice number, or its id before it is issued', () => {
    expect(invoicePdfFileName('INV-2026-000012')).toBe('INV-2026-000012.pdf');
    expect(invoicePdfFileName('inv_7f3a.b2')).toBe('inv_7f3a.b2.pdf');
    expect(invoicePdfFileName('  INV-2026-000012 ')).toBe('INV-2026-000012.pdf');
  });
  it('never lets a path, a separator or a control character through', () => {
    expect(invoicePdfFileName('../../etc/passwd')).toBe('etc_passwd.pdf');
    expect(invoicePdfFileName('C:\\Windows\\system32')).toBe('C__Windows_system32.pdf');
    expect(invoicePdfFileName('a/b\u0000c\nd e:f*g?"<>|')).toBe('a_b_c_d_e_f_g_____.pdf');
    expect(invoicePdfFileName('.hidden')).toBe('hidden.pdf');
    expect(invoicePdfFileName('INV-1...')).toBe('INV-1.pdf');
  });
  it('falls back to a plain name, avoids the names Windows reserves, and stays short', () => {
    expect(invoicePdfFileName('')).toBe('invoice.pdf');
    expect(invoicePdfFileName('../')).toBe('invoice.pdf');
    expect(invoicePdfFileName('CON')).toBe('invoice-CON.pdf');
    expect(invoicePdfFileName('lpt1')).toBe('invoice-lpt1.pdf');
    expect(invoicePdfFileName('x'.repeat(500))).toBe(`${'x'.repeat(100)}.pdf`);
  });
});

describe('parseInvoicePdfRequest', () => {
  it('accepts { invoice } with a number or an id', () => {
    expect(parseInvoicePdfRequest({ invoice: 'INV-2026-000012' })).toEqual({ fileName: 'INV-2026-000012.pdf' });
    expect(parseInvoicePdfRequest({ invoice: '../x' })).toEqual({ fileName: 'x.pdf' });
  });
  it('refuses anything else', () => {
    for (const bad of [null, undefined, 'INV-1', 12, [], ['INV-1'], {}, { invoice: 12 }, { invoice: '' }, { invoice: '   ' }, { invoice: 'x'.repeat(201) }, { invoice: { toString: () => 'INV-1' } }]) {
      expect(parseInvoicePdfRequest(bad), JSON.stringify(bad)).toBeNull();
    }
  });
  it('has a channel of its own', () => {
    expect(Object.values(CH).filter((c) => c === CH.saveInvoicePdf)).toHaveLength(1);
  });
});

describe('ipcErrorMessage', () => {
  it("shows main's words without Electron's wrapper", () => {
    expect(ipcErrorMessage(new Error("Error invoking remote method 'cardops:save-invoice-pdf': Error: refused: this page is not CardOps"))).toBe('refused: this page is not CardOps');
    expect(ipcErrorMessage(new Error("Error invoking remote method 'cardops:save-invoice-pdf': TypeError: bad"))).toBe('bad');
    expect(ipcErrorMessage(new Error('EACCES: permission denied'))).toBe('EACCES: permission denied');
    expect(ipcErrorMessage('plain')).toBe('plain');
    expect(ipcErrorMessage(new Error(''), 'the PDF could not be saved')).toBe('the PDF could not be saved');
  });
});
