import { describe, expect, it } from '@jest/globals';
import { formatMoney, isCurrencyCode, money } from '../src/money.js';

describe('money', () => {
  it('formats minor units with each currency\'s own number of decimals', () => {
    expect(formatMoney(7500, 'GBP')).toBe('£75.00');
    expect(formatMoney(5025, 'GBP')).toBe('£50.25');
    expect(formatMoney(123456789, 'GBP')).toBe('£1,234,567.89');
    expect(formatMoney(7500, 'JPY')).toBe('JP¥7,500');
    expect(formatMoney(1234, 'BHD')).toBe('BHD\u00a01.234');
    expect(formatMoney(1999, 'EUR')).toBe('€19.99');
    // Formatters are kept per currency: the second call of each gives the same text.
    expect(formatMoney(7500, 'JPY')).toBe('JP¥7,500');
    expect(formatMoney(5025, 'GBP')).toBe('£50.25');
  });

  it('carries the amount, the currency and the text together', () => {
    expect(money(1, 'USD')).toEqual({ amountMinor: 1, currency: 'USD', formatted: 'US$0.01' });
  });

  it('knows ISO 4217 codes and nothing else', () => {
    expect(isCurrencyCode('GBP')).toBe(true);
    expect(isCurrencyCode('gbp')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('GBPX')).toBe(false);
  });
});
