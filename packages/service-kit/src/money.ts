/** Money as the contract shows it. */
export interface Money {
  amountMinor: number;
  currency: string;
  formatted: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats minor units in their currency, e.g. (7500, "GBP") → "£75.00". */
export function formatMoney(amountMinor: number, currency: string): string {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}

export function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency, formatted: formatMoney(amountMinor, currency) };
}

/** ISO 4217 codes the runtime knows. */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}
