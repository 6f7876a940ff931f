// frnas's one CSV module: every CSV file frnas writes goes through `formatCsv` (fast-csv's formatter) and every CSV
// it reads through `parseCsv`. The reader is our own because it must be synchronous (warm start and the benchmark
// records read files in constructors) and name the line of a bad record in its error, which fast-csv's streaming
// parser does not report (its row numbers are not lines once a quoted field holds a newline).
import { lineError } from '../data/errors.js';

/** A value of a CSV field: numbers and booleans are written with String(), null and undefined as an empty field. */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Rows (the header first, if any) as CSV text, each row ending in '\n'. A field is quoted only when it holds a comma,
 * a quote (doubled) or a line break, so plain numbers and names read back unchanged in any spreadsheet.
 */
export async function formatCsv(rows: readonly (readonly CsvCell[])[]): Promise<string> {
  if (rows.length === 0) return '';
  // Loaded on use: the reader below is imported by frnas/search (warm starts), which must not pay for fast-csv (~35 ms).
  const { writeToString } = await import('fast-csv');
  return (await writeToString(rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : cell))))) + '\n';
}

/** One parsed CSV record with the 1-based line it starts on (for error messages). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines.
 * Whitespace around fields is trimmed (VGGFace2's meta file writes `n000001, "Name", 424, 0, m`).
 * Blank lines are skipped. A quote left open is an error naming the line where the field began.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endField = (): void => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '' && !quoted) {
      inQuotes = true;
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (ch === ',') {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (quoted) {
      // Text after a closing quote: only whitespace is allowed before the next comma.
      if (ch.trim() !== '') throw lineError(file, line, `unexpected text after a quoted field`);
    } else {
      field += ch;
    }
  }
  if (inQuotes) throw lineError(file, quoteLine, 'a quoted field is never closed');
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return records;
}
