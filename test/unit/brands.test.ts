/**
 * Card brands read the same everywhere: the backend's labels (a plan's method, the customer's
 * notices) use domain/cards' words, which must stay those of the Cards panel (the renderer keeps
 * its own copy, as it imports only types from domain/).
 */
import { describe, expect, it } from 'vitest';
import { BRANDS, BRAND_LABELS, brandLabel } from '../../domain/cards/events.js';
import { noticeText } from '../../domain/plans/text.js';
import { brandLabel as panelBrandLabel } from '../../renderer/src/views/accounts/labels.js';

describe('brand labels', () => {
  it('the domain writes every brand as the Cards panel does', () => {
    for (const b of BRANDS) expect(brandLabel(b)).toBe(panelBrandLabel(b));
    expect(BRAND_LABELS.visa).toBe('Visa');
    expect(brandLabel('mastercard')).toBe('Mastercard');
    expect(brandLabel('amex')).toBe('Amex');
    // An unknown brand (from data older than the list) shows as stored.
    expect(brandLabel('diners')).toBe('diners');
  });

  it("a renewal notice names the card by its brand's label", () => {
    const method = { methodId: 'm1', accountId: 'a1', status: 'active' as const, brand: 'amex', last4: '0005', expiryMonth: 1, expiryYear: 2030 };
    expect(noticeText({ planId: 'p1', dueDate: '2026-03-01', amount: 1999, currency: 'EUR' }, method, false)).toContain('charged to your Amex card ending 0005.');
  });
});
