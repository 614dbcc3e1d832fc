/** Money as the contract shows it. */
export interface Money {
  amountMinor: number;
  currency: string;
  formatted: string;
}

/** Per currency: its formatter and the power of ten between minor and major units. */
const formatters = new Map<string, { format: Intl.NumberFormat; unit: number }>();

/** Formats minor units in their currency, e.g. (7500, "GBP") → "£75.00". */
export function formatMoney(amountMinor: number, currency: string): string {
  let formatter = formatters.get(currency);
  if (!formatter) {
    const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    formatter = { format, unit: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    formatters.set(currency, formatter);
  }
  return formatter.format.format(amountMinor / formatter.unit);
}

export function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency, formatted: formatMoney(amountMinor, currency) };
}

/** What each three-letter code checked so far turned out to be (at most 26³ entries). */
const knownCodes = new Map<string, boolean>();

/**
 * ISO 4217 codes the runtime knows. The answer is kept per code: the check builds a number
 * format and reads the runtime's list of currencies, and it runs for every amount a subgraph
 * serialises (1–2 % of commerce's CPU per request before it was kept).
 */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  let known = knownCodes.get(code);
  if (known === undefined) {
    try {
      new Intl.NumberFormat('en', { style: 'currency', currency: code });
      known = Intl.supportedValuesOf('currency').includes(code);
    } catch {
      known = false;
    }
    knownCodes.set(code, known);
  }
  return known;
}
