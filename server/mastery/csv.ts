// Writes tables as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they need it) for the
// teacher's export. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed
// with an apostrophe, because student names and answers come from outside. Pure: rows in, text out.

export type CsvValue = string | number | boolean | null | undefined;

/** A UTF-8 byte order mark: without it Excel reads "Hernández" as mojibake. */
export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: numbers as written (no exponent for the values we export), text guarded and quoted as needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

// Integers and short decimals print as themselves; anything a float made long is printed in full
// precision (never "1e-7"), so the file holds exactly the number the API returned.
function numberText(n: number): string {
  if (Object.is(n, -0)) return '0';
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

/** The whole file: BOM, header row, then one line per row, every line ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[], o: { bom?: boolean } = {}): string {
  for (const [i, r] of rows.entries()) {
    if (r.length !== header.length) throw new RangeError(`CSV row ${i + 1} has ${r.length} fields, the header has ${header.length}`);
  }
  return `${o.bom === false ? '' : CSV_BOM}${[header, ...rows].map((r) => `${csvLine(r)}\r\n`).join('')}`;
}

/** Reads CSV text back into rows (the tests use it to check an export against the API). */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** A file name safe in a Content-Disposition header and on every file system. */
export function csvFileName(title: string, date: Date): string {
  const slug = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `growthline-${slug || 'activity'}-${date.toISOString().slice(0, 10)}.csv`;
}
