import { Readable } from 'node:stream';

// CSV as RFC 4180 writes it (CRLF line ends, a field with a comma, quote or line break quoted,
// quotes doubled), made safe for spreadsheets: a cell that starts like a formula (= + - @, or a
// tab or carriage return that some programs skip before looking) is prefixed with an apostrophe,
// so opening an export never runs what a case system or a template author put in a text.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvRow = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A header row, then every row the source yields; written as the reader asks for more. */
export function csvStream(header: readonly string[], rows: AsyncIterable<readonly unknown[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield csvRow(header);
    for await (const row of rows) yield csvRow(row);
  }
  return Readable.from(lines(), { objectMode: false });
}

/** An instant as it may stand in a file name: 2026-11-18T09:00:00Z → 20261118T090000Z. */
export const fileStamp = (iso: string | undefined, otherwise: string): string => (iso ? new Date(iso).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '') : otherwise);
