import { describe, expect, it } from 'vitest';
import { invoiceDecider, invoiceNumber, type InvoiceCommand, type RecipientCheck } from '../../domain/invoices/decider.js';
import type { InvoiceEvent } from '../../domain/invoices/events.js';
import { numberingDecider } from '../../domain/invoices/numbering.js';
import { computeTotals, divideHalfUp, formatRate, lineTax } from '../../domain/invoices/totals.js';
import { invoiceCommands } from '../../domain/invoices/commands.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(invoiceDecider);
const stamp = <E extends InvoiceEvent>(e: E, at: string, by: string): E => ({ ...e, at, by });
const active: RecipientCheck = { status: 'active', description: 'contact c1 (Ada Lind) is active' };
const inactive: RecipientCheck = { status: 'inactive', description: 'contact c1 (Ada Lind) was deactivated on 2026-03-02 by agent1 (moved abroad)' };
const missing: RecipientCheck = { status: 'none', description: 'there is no contact c1' };

const create: InvoiceCommand = {
  type: 'CreateInvoice',
  invoiceId: 'i1',
  contactId: 'c1',
  accountId: 'a1',
  currency: 'EUR',
  dueDate: '2026-12-31',
  lines: [
    { description: 'Card replacement', quantity: 2, unitAmount: 1250, taxRateBp: 1900 },
    { description: 'Statement copy', quantity: 1, unitAmount: 333, taxRateBp: 0 },
  ],
};
const created: InvoiceEvent = {
  type: 'InvoiceCreated',
  data: {
    invoiceId: 'i1',
    contactId: 'c1',
    accountId: 'a1',
    currency: 'EUR',
    dueDate: '2026-12-31',
    lines: [
      { description: 'Card replacement', quantity: 2, unitAmount: 1250, taxRateBp: 1900, net: 2500, tax: 475, total: 2975 },
      { description: 'Statement copy', quantity: 1, unitAmount: 333, taxRateBp: 0, net: 333, tax: 0, total: 333 },
    ],
    subtotal: 2833,
    tax: 475,
    total: 3308,
  },
};
const certified: InvoiceEvent = { type: 'RecipientCertified', data: { invoiceId: 'i1', contactId: 'c1' } };
const issued: InvoiceEvent = { type: 'InvoiceIssued', data: { invoiceId: 'i1', contactId: 'c1', accountId: 'a1', dueDate: '2026-12-31', number: 'INV-2026-000007', year: 2026, sequence: 7, issuedOn: '2026-11-02', total: 3308, currency: 'EUR' } };
const paid1000: InvoiceEvent = { type: 'InvoicePaymentRecorded', data: { invoiceId: 'i1', paymentId: 'p1', amount: 1000, currency: 'EUR', amountDue: 2308 } };
const paidRest: InvoiceEvent = { type: 'InvoicePaymentRecorded', data: { invoiceId: 'i1', paymentId: 'p2', amount: 2308, currency: 'EUR', amountDue: 0 } };
const voided: InvoiceEvent = stamp({ type: 'InvoiceVoided', data: { invoiceId: 'i1', reason: 'wrong amount' } }, '2026-11-03T09:00:00.000Z', 'agent1');
const rejected: InvoiceEvent = { type: 'RecipientRejected', data: { invoiceId: 'i1', contactId: 'c1', reason: inactive.description } };
const uncollectible: InvoiceEvent = stamp({ type: 'InvoiceMarkedUncollectible', data: { invoiceId: 'i1', reason: 'customer insolvent', amountDue: 2308, currency: 'EUR' } }, '2026-12-01T09:00:00.000Z', 'super1');
const flagged: InvoiceEvent = { type: 'RecipientInvalidated', data: { invoiceId: 'i1', contactId: 'c1', reason: inactive.description } };
const reinstated: InvoiceEvent = { type: 'RecipientReinstated', data: { invoiceId: 'i1', contactId: 'c1' } };

const issue: InvoiceCommand = { type: 'IssueInvoice', invoiceId: 'i1', year: 2026, sequence: 7, issuedOn: '2026-11-02', recipient: active };
const pay = (paymentId: string, amount: number): InvoiceCommand => ({ type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId, amount });

describe('totals: exact minor units, tax rounded half up per line', () => {
  it('adds up the lines: net = quantity × unit amount, tax per line, total = subtotal + tax', () => {
    const t = computeTotals([
      { description: 'a', quantity: 3, unitAmount: 333, taxRateBp: 1900 },
      { description: 'b', quantity: 1, unitAmount: 1, taxRateBp: 1900 },
    ]);
    // 999 × 19% = 189.81 → 190; 1 × 19% = 0.19 → 0
    expect(t.lines.map((l) => [l.net, l.tax, l.total])).toEqual([
      [999, 190, 1189],
      [1, 0, 1],
    ]);
    expect([t.subtotal, t.tax, t.total]).toEqual([1000, 190, 1190]);
  });
  it('rounds a half up (away from zero), and below a half down', () => {
    expect(lineTax(250, 100)).toBe(3); // 2.5 → 3
    expect(lineTax(249, 100)).toBe(2); // 2.49 → 2
    expect(lineTax(50, 1000)).toBe(5); // exact
    expect(lineTax(15, 5000)).toBe(8); // 7.5 → 8
    expect(lineTax(1005, 770)).toBe(77); // 77.385 → 77
    expect(divideHalfUp(5n, 2n)).toBe(3n);
    expect(divideHalfUp(4n, 2n)).toBe(2n);
  });
  it('rounds per line, not on the sum: three lines of 0.05 at 10% are 3 × 0.01', () => {
    const t = computeTotals(Array.from({ length: 3 }, () => ({ description: 'x', quantity: 1, unitAmount: 5, taxRateBp: 1000 })));
    expect(t.tax).toBe(3); // each 0.5 → 1; the sum's 1.5 would have been 2
    expect(t.total).toBe(18);
  });
  it('refuses sums beyond the safe integer range rather than lose a cent', () => {
    expect(() => computeTotals([{ description: 'x', quantity: 1_000_000, unitAmount: Number.MAX_SAFE_INTEGER, taxRateBp: 0 }])).toThrow(/too large/);
  });
  it('writes rates as people read them', () => expect([formatRate(1900), formatRate(770), formatRate(5), formatRate(0)]).toEqual(['19%', '7.7%', '0.05%', '0%']));
  it('takes a tax rate in percent with at most two decimals at the boundary', () => {
    const s = invoiceCommands.CreateInvoice.schema;
    const base = { type: 'CreateInvoice', invoiceId: 'i1', contactId: 'c1', currency: 'eur', dueDate: '2026-12-31' };
    const withRate = (taxRate: number) => s.safeParse({ ...base, lines: [{ description: 'x', quantity: 1, unitAmount: 100, taxRate }] });
    expect(withRate(7.7).success).toBe(true);
    expect(withRate(7.775).success).toBe(false);
    expect(withRate(-1).success).toBe(false);
    expect(s.safeParse({ ...base, dueDate: '2026-02-30', lines: [{ description: 'x', quantity: 1, unitAmount: 100 }] }).error?.issues[0]?.message).toMatch(/real day/);
    expect(s.safeParse({ ...base, lines: [] }).success).toBe(false);
    expect(s.safeParse({ ...base, lines: [{ description: 'x', quantity: 1.5, unitAmount: 100 }] }).success).toBe(false);
    expect(s.safeParse({ ...base, lines: [{ description: 'x', quantity: 1, unitAmount: 10.5 }] }).success).toBe(false);
    expect(s.safeParse({ ...base, lines: [{ description: 'card 4111 1111 1111 1111', quantity: 1, unitAmount: 100 }] }).error?.issues[0]?.message).toMatch(/card number/);
  });
});

describe('CreateInvoice', () => {
  it('creates a provisional invoice with exact totals', () => spec.given([]).when(create).then([created]));
  it('is refused for an invoice id already taken', () => spec.given([created]).when(create).thenRefuses('INVOICE_EXISTS', /invoice i1 already exists/));
  it('is refused without lines', () => spec.given([]).when({ ...create, lines: [] } as InvoiceCommand).thenRefuses('NO_LINES'));
});

describe('a command on an invoice that does not exist', () => {
  const cmds: InvoiceCommand[] = [
    { type: 'CertifyRecipient', invoiceId: 'i1', recipient: active },
    issue,
    pay('p1', 100),
    { type: 'VoidInvoice', invoiceId: 'i1', reason: 'r' },
    { type: 'MarkInvoiceUncollectible', invoiceId: 'i1', reason: 'r' },
    { type: 'InvalidateRecipient', invoiceId: 'i1', contactId: 'c1', reason: 'r' },
    { type: 'ReinstateRecipient', invoiceId: 'i1', contactId: 'c1' },
  ];
  for (const c of cmds) it(`${c.type} is refused with INVOICE_NOT_FOUND`, () => spec.given([]).when(c).thenRefuses('INVOICE_NOT_FOUND', /there is no invoice i1/));
});

describe('CertifyRecipient (the process manager, from the Contact stream)', () => {
  it('certifies an active contact: the invoice becomes an issuable draft', () => spec.given([created]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: active }).then([certified]));
  it('rejects an inactive contact: the invoice is void, with the reason', () => spec.given([created]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: inactive }).then([rejected]));
  it('rejects a contact that does not exist', () =>
    spec.given([created]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: missing }).then([{ type: 'RecipientRejected', data: { invoiceId: 'i1', contactId: 'c1', reason: 'there is no contact c1' } }]));
  it('rejects a provisional invoice already flagged, even if the contact looks active now', () =>
    spec.given([created, flagged]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: active }).then([rejected]));
  it('does nothing twice', () => {
    spec.given([created, certified]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: inactive }).thenNothingHappens();
    spec.given([created, rejected]).when({ type: 'CertifyRecipient', invoiceId: 'i1', recipient: active }).thenNothingHappens();
  });
});

describe('IssueInvoice', () => {
  it('issues a certified draft with its number: INV-<year>-<sequence>', () => spec.given([created, certified]).when(issue).then([issued]));
  it('numbers are the year and a six-digit sequence', () => expect(invoiceNumber(2027, 42)).toBe('INV-2027-000042'));
  it('is refused while the recipient is not certified', () => spec.given([created]).when(issue).thenRefuses('RECIPIENT_NOT_CERTIFIED', /waits for its recipient to be certified/));
  it('is refused when the contact stream says the contact is inactive now', () => spec.given([created, certified]).when({ ...issue, recipient: inactive } as InvoiceCommand).thenRefuses('RECIPIENT_INVALID', /deactivated on 2026-03-02.*Reactivate the contact/));
  it('is refused while flagged', () => spec.given([created, certified, flagged]).when(issue).thenRefuses('RECIPIENT_INVALID'));
  it('issues again once the flag is cleared', () => spec.given([created, certified, flagged, reinstated]).when(issue).then([issued]));
  it('is refused when already issued: the number is kept', () => spec.given([created, certified, issued]).when(issue).thenRefuses('INVOICE_ISSUED', /already issued on 2026-11-02/));
  it('is refused when void (rejected recipient)', () => spec.given([created, rejected]).when(issue).thenRefuses('INVOICE_VOID', /voided.*cannot be issued/));
});

describe('RecordInvoicePayment', () => {
  it('records a partial payment, with the amount still due', () => spec.given([created, certified, issued]).when(pay('p1', 1000)).then([paid1000]));
  it('records the rest: the invoice is paid', () => {
    spec.given([created, certified, issued, paid1000]).when(pay('p2', 2308)).then([paidRest]);
    const s = [created, certified, issued, paid1000, paidRest].reduce(invoiceDecider.evolve, invoiceDecider.initialState());
    expect(s.status).toBe('paid');
  });
  it('is idempotent by payment id: the same payment again records nothing, even with another amount', () => {
    spec.given([created, certified, issued, paid1000]).when(pay('p1', 1000)).thenNothingHappens();
    spec.given([created, certified, issued, paid1000, paidRest]).when(pay('p1', 5)).thenNothingHappens();
  });
  it('refuses an overpayment, saying what is still due', () =>
    spec.given([created, certified, issued, paid1000]).when(pay('p2', 2309)).thenRefuses('OVERPAYMENT', /a payment of 23\.09 EUR is more than the 23\.08 EUR still due on invoice INV-2026-000007 \(i1\): record at most 23\.08 EUR/));
  it('refuses a payment on an invoice not issued yet', () => {
    spec.given([created]).when(pay('p1', 100)).thenRefuses('INVOICE_NOT_ISSUED');
    spec.given([created, certified]).when(pay('p1', 100)).thenRefuses('INVOICE_NOT_ISSUED', /issue it before recording a payment/);
  });
  it('refuses a payment on a paid, void or uncollectible invoice', () => {
    spec.given([created, certified, issued, paid1000, paidRest]).when(pay('p3', 1)).thenRefuses('INVOICE_PAID');
    spec.given([created, certified, issued, voided]).when(pay('p3', 1)).thenRefuses('INVOICE_VOID');
    spec.given([created, certified, issued, paid1000, uncollectible]).when(pay('p3', 1)).thenRefuses('INVOICE_UNCOLLECTIBLE');
  });
  it('refuses a payment of nothing', () => spec.given([created, certified, issued]).when(pay('p1', 0)).thenRefuses('INVALID_AMOUNT'));
  it('stores a payment once per invoice and payment id (the event key)', () => expect(invoiceDecider.eventKey!(paid1000)).toBe('invoice-payment:i1:p1'));
});

describe('VoidInvoice', () => {
  const v: InvoiceCommand = { type: 'VoidInvoice', invoiceId: 'i1', reason: 'wrong amount' };
  const expected: InvoiceEvent[] = [{ type: 'InvoiceVoided', data: { invoiceId: 'i1', reason: 'wrong amount' } }];
  it('voids a provisional, draft or open invoice', () => {
    spec.given([created]).when(v).then(expected);
    spec.given([created, certified]).when(v).then(expected);
    spec.given([created, certified, issued]).when(v).then(expected);
  });
  it('refuses a partly paid or paid invoice', () => {
    spec.given([created, certified, issued, paid1000]).when(v).thenRefuses('INVOICE_HAS_PAYMENTS', /has payments of 10\.00 EUR: a paid or partly paid invoice cannot be voided/);
    spec.given([created, certified, issued, paid1000, paidRest]).when(v).thenRefuses('INVOICE_HAS_PAYMENTS');
  });
  it('refuses a void invoice, saying when and by whom', () => spec.given([created, certified, issued, voided]).when(v).thenRefuses('INVOICE_VOID', /already void on 2026-11-03 by agent1 \(wrong amount\)/));
  it('refuses an uncollectible invoice', () => spec.given([created, certified, issued, uncollectible]).when(v).thenRefuses('INVOICE_UNCOLLECTIBLE'));
});

describe('MarkInvoiceUncollectible', () => {
  const m: InvoiceCommand = { type: 'MarkInvoiceUncollectible', invoiceId: 'i1', reason: 'customer insolvent' };
  it('writes off what is still due on an issued invoice', () => {
    spec.given([created, certified, issued, paid1000]).when(m).then([{ type: 'InvoiceMarkedUncollectible', data: { invoiceId: 'i1', reason: 'customer insolvent', amountDue: 2308, currency: 'EUR' } }]);
    spec.given([created, certified, issued]).when(m).then([{ type: 'InvoiceMarkedUncollectible', data: { invoiceId: 'i1', reason: 'customer insolvent', amountDue: 3308, currency: 'EUR' } }]);
  });
  it('refuses an invoice never issued: void it instead', () => {
    spec.given([created]).when(m).thenRefuses('INVOICE_NOT_ISSUED', /void it instead/);
    spec.given([created, certified]).when(m).thenRefuses('INVOICE_NOT_ISSUED');
  });
  it('refuses a paid, void or already uncollectible invoice', () => {
    spec.given([created, certified, issued, paid1000, paidRest]).when(m).thenRefuses('INVOICE_PAID');
    spec.given([created, certified, issued, voided]).when(m).thenRefuses('INVOICE_VOID');
    spec.given([created, certified, issued, uncollectible]).when(m).thenRefuses('INVOICE_UNCOLLECTIBLE', /already marked uncollectible on 2026-12-01 by super1/);
  });
});

describe('InvalidateRecipient and ReinstateRecipient (compensation)', () => {
  const inv: InvoiceCommand = { type: 'InvalidateRecipient', invoiceId: 'i1', contactId: 'c1', reason: inactive.description };
  const rein: InvoiceCommand = { type: 'ReinstateRecipient', invoiceId: 'i1', contactId: 'c1' };
  it('flags a live invoice: provisional, draft, open, partly paid', () => {
    for (const given of [[created], [created, certified], [created, certified, issued], [created, certified, issued, paid1000]]) spec.given(given).when(inv).then([flagged]);
  });
  it('leaves a finished invoice, an already flagged one, or another contact’s alone', () => {
    for (const given of [[created, certified, issued, paid1000, paidRest], [created, certified, issued, voided], [created, rejected], [created, certified, issued, uncollectible], [created, flagged]]) spec.given(given).when(inv).thenNothingHappens();
    spec.given([created]).when({ ...inv, contactId: 'c2' } as InvoiceCommand).thenNothingHappens();
  });
  it('clears the flag once the contact is active again, and only then', () => {
    spec.given([created, certified, issued, flagged]).when(rein).then([reinstated]);
    spec.given([created, certified, issued]).when(rein).thenNothingHappens();
  });
});

describe('numbering: gap-free per year', () => {
  const ns = DeciderSpecification(numberingDecider);
  const n1 = { type: 'InvoiceNumberAssigned' as const, data: { year: 2026, sequence: 1, invoiceId: 'i1' } };
  it('assigns the next number', () => {
    ns.given([]).when({ type: 'AssignInvoiceNumber', year: 2026, invoiceId: 'i1', sequence: 1 }).then([n1]);
    ns.given([n1]).when({ type: 'AssignInvoiceNumber', year: 2026, invoiceId: 'i2', sequence: 2 }).then([{ type: 'InvoiceNumberAssigned', data: { year: 2026, sequence: 2, invoiceId: 'i2' } }]);
  });
  it('refuses a gap or a number taken', () => {
    ns.given([n1]).when({ type: 'AssignInvoiceNumber', year: 2026, invoiceId: 'i2', sequence: 3 }).thenRefuses('NUMBER_GAP', /the next invoice number of 2026 is 2/);
    ns.given([n1]).when({ type: 'AssignInvoiceNumber', year: 2026, invoiceId: 'i2', sequence: 1 }).thenRefuses('NUMBER_GAP');
  });
  it('refuses a second number for the same invoice', () => ns.given([n1]).when({ type: 'AssignInvoiceNumber', year: 2026, invoiceId: 'i1', sequence: 2 }).thenRefuses('NUMBER_ASSIGNED'));
});
