import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Dates, numbers and relative times in the language the app is shown in. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return useMemo(() => {
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const number = new Intl.NumberFormat(locale);
    const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    return {
      locale,
      dateTime: (value: string | Date) => dateTime.format(new Date(value)),
      date: (value: string | Date) => date.format(new Date(value)),
      number: (value: number) => number.format(value),
      /** "in 5 minutes", "vor 2 Tagen": the largest unit that fits. */
      relative(value: string | Date, now: number = Date.now()): string {
        const seconds = Math.round((new Date(value).getTime() - now) / 1000);
        const units: [Intl.RelativeTimeFormatUnit, number][] = [
          ['year', 31_536_000],
          ['month', 2_592_000],
          ['day', 86_400],
          ['hour', 3_600],
          ['minute', 60],
        ];
        for (const [unit, size] of units) {
          if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
        }
        return relative.format(seconds, 'second');
      },
    };
  }, [locale]);
}
