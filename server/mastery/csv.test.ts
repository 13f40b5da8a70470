import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvFileName, parseCsv, toCsv } from './csv.js';

describe('CSV export', () => {
  it('starts with a header row and ends every line with CRLF, behind a BOM so Excel reads accents', () => {
    const text = toCsv(['student', 'score'], [['Diego Hernández', 0.5], ['Lin Zhou', 1]]);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.slice(1)).toBe('student,score\r\nDiego Hernández,0.5\r\nLin Zhou,1\r\n');
  });

  it('quotes commas, quotes and line breaks, and leaves empty cells for missing values', () => {
    expect(csvField('Okafor, Maya')).toBe('"Okafor, Maya"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('never lets a spreadsheet run a name or an answer as a formula, but keeps negative numbers numeric', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-0.25)).toBe('-0.25');
  });

  it('writes tiny and long numbers in full, never in exponent notation', () => {
    expect(csvField(1e-7)).toBe('0.0000001');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(-0)).toBe('0');
  });

  it('refuses a row whose width differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['x']])).toThrow(/row 1 has 1 fields/);
  });

  it('reads back exactly the text it wrote, whatever the text', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 8 }), (rows) => {
      const back = parseCsv(toCsv(['a', 'b'], rows)).slice(1);
      const guarded = rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
      expect(back).toEqual(guarded);
    }));
  });

  it('names the file after the activity and the date, in characters every system accepts', () => {
    expect(csvFileName('Grade 7 Ratios — Post-test (Período 2)', new Date('2025-03-04T10:00:00Z'))).toBe('growthline-grade-7-ratios-post-test-periodo-2-2025-03-04.csv');
    expect(csvFileName('¿?', new Date('2025-03-04T10:00:00Z'))).toBe('growthline-activity-2025-03-04.csv');
  });
});
