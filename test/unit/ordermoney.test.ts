/** The add-payment dialog's exact conversion in major units (renderer/src/views/orders/money.ts), never "minor units". */
import { describe, expect, it } from 'vitest';
import { formatExactMinor } from '../../renderer/src/views/orders/money.js';

describe('formatExactMinor', () => {
  it('shows the exact base amount in major units with the currency', () => {
    expect(formatExactMinor('11058', 'EUR')).toBe('110.58 EUR');
    expect(formatExactMinor('12532.4', 'EUR')).toBe('125.324 EUR');
    expect(formatExactMinor('12532.40', 'EUR')).toBe('125.324 EUR');
    expect(formatExactMinor('5', 'EUR')).toBe('0.05 EUR');
    expect(formatExactMinor('0.5', 'EUR')).toBe('0.005 EUR');
    expect(formatExactMinor('123456789', 'USD')).toBe('1,234,567.89 USD');
  });
  it('follows the currency’s decimals', () => {
    expect(formatExactMinor('1500', 'JPY')).toBe('1,500 JPY');
    expect(formatExactMinor('1500.25', 'JPY')).toBe('1,500.25 JPY');
    expect(formatExactMinor('12345', 'KWD')).toBe('12.345 KWD');
  });
});
