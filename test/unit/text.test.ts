import { describe, expect, it } from 'vitest';
import { containsCardNumber, freeText, luhnValid } from '../../domain/shared/text.js';
import { formatDecimal, formatMoney } from '../../domain/shared/money.js';

describe('card numbers in free text', () => {
  it('finds Luhn-valid runs of 13 to 19 digits, with spaces or dashes', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(containsCardNumber('card 4111 1111 1111 1111 lost')).toBe(true);
    expect(containsCardNumber('ref 4111-1111-1111-1111')).toBe(true);
    expect(containsCardNumber('amex 378282246310005 here')).toBe(true);
    expect(containsCardNumber('phone +44 20 7946 0958, order 12345')).toBe(false);
    expect(containsCardNumber('4111111111111112')).toBe(false);
  });
  it('the freeText schema refuses them with a message that says why', () => {
    const r = freeText(100).safeParse('customer read me 5500 0000 0000 0004');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/card number/);
    expect(freeText(100).safeParse('  fine  ').data).toBe('fine');
  });
});

describe('money', () => {
  it('formats minor units exactly per currency', () => {
    expect(formatMoney({ amount: 12345, currency: 'EUR' })).toBe('123.45 EUR');
    expect(formatMoney({ amount: -5, currency: 'USD' })).toBe('-0.05 USD');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('500 JPY');
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toBe('1.234 KWD');
  });
  it('groups thousands with a comma, as the screens write money (en-US)', () => {
    expect(formatMoney({ amount: 500_000, currency: 'EUR' })).toBe('5,000.00 EUR');
    expect(formatMoney({ amount: 126_450, currency: 'EUR' })).toBe('1,264.50 EUR');
    expect(formatMoney({ amount: 99_999, currency: 'EUR' })).toBe('999.99 EUR');
    expect(formatMoney({ amount: -123_456_789, currency: 'USD' })).toBe('-1,234,567.89 USD');
    expect(formatMoney({ amount: 1_500, currency: 'JPY' })).toBe('1,500 JPY');
    expect(formatMoney({ amount: 1_234_567, currency: 'KWD' })).toBe('1,234.567 KWD');
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' })).toBe('90,071,992,547,409.91 EUR');
  });
  it('writes a plain decimal without grouping for machine formats (CSV, XLSX)', () => {
    expect(formatDecimal(126_450, 'EUR')).toBe('1264.50');
    expect(formatDecimal(-5, 'USD')).toBe('-0.05');
    expect(formatDecimal(1_500, 'JPY')).toBe('1500');
    expect(Number(formatDecimal(123_456_789, 'EUR'))).toBe(1_234_567.89);
  });
});

describe('no false alarms', () => {
  it('does not flag digit windows inside a longer reference', () => {
    // 4111111111111112 fails Luhn as a whole, though some of its 13-15 digit windows pass.
    expect(containsCardNumber('ticket 4111111111111112')).toBe(false);
    expect(containsCardNumber('ref 12345678901234567890123')).toBe(false);
  });
});
