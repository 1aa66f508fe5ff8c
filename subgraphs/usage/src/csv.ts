/** A CSV cell: text, a number, or empty. */
export type CsvValue = string | number | null | undefined;

/** Characters a spreadsheet reads as the start of a formula (OWASP's list, with tab and carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell, RFC 4180 style: quoted when it holds a quote, comma or line break, quotes doubled. Text
 * that a spreadsheet would run as a formula gets a leading apostrophe, so `=HYPERLINK(...)` in a key's
 * name stays text. Numbers are written as they are (a negative number is not text).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`A CSV cell cannot hold ${value}`);
    return String(value);
  }
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text: CRLF after every record (RFC 4180), the header first. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
