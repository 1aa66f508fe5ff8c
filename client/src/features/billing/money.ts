import { useMemo } from 'react';
import { useFormat } from '../../i18n/format.ts';

/**
 * Money and billing figures in the language the app is shown in. Amounts arrive in the currency's
 * minor unit (cents); Intl knows how many decimals each currency has (2 for USD, 0 for JPY).
 */
export function useMoney() {
  const { locale } = useFormat();
  return useMemo(() => {
    const formatters = new Map<string, Intl.NumberFormat>();
    function formatter(currency: string): Intl.NumberFormat {
      const code = currency.toUpperCase();
      let found = formatters.get(code);
      if (!found) {
        found = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
        formatters.set(code, found);
      }
      return found;
    }
    const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    return {
      /** `1999, 'USD'` → "$19.99" in English, "19,99 $" in German. */
      money(amount: number, currency: string): string {
        const format = formatter(currency);
        const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
        return format.format(amount / 10 ** digits);
      },
      /** 1,500,000 → "1.5M": for limits, where the exact figure is shown elsewhere. */
      compact: (value: number) => compact.format(value),
      /** 0.42 → "42%". */
      percent: (ratio: number) => percent.format(ratio),
      /** Bytes in the largest decimal unit that keeps the figure at 1 or more: "10 GB". */
      bytes(value: number): string {
        const units: [string, number][] = [
          ['terabyte', 1e12],
          ['gigabyte', 1e9],
          ['megabyte', 1e6],
          ['kilobyte', 1e3],
        ];
        const [unit, size] = units.find(([, candidate]) => value >= candidate) ?? ['byte', 1];
        return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value / size);
      },
    };
  }, [locale]);
}
