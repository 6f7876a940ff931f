import { readFile } from 'node:fs/promises';
import { parseCsv, type CsvRecord } from '../util/csv.js';
import { DataError, lineError } from './errors.js';

// The CSV reader lives in lib/util/csv.ts beside the writer; re-exported for the modules that read it from here.
export { parseCsv, type CsvRecord } from '../util/csv.js';

/**
 * A metadata file's bytes as text. UTF-16 (Excel's "Unicode text") and bytes that are not UTF-8 (Latin-1 from older
 * tools) are errors naming the file and the line: read as UTF-8 they would become other identity names silently.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.subarray(0, 64).includes(0)) {
    throw new DataError(`${file}: is UTF-16 encoded (or holds NUL bytes); save it as UTF-8`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    throw lineError(file, line, 'not UTF-8 (Latin-1 or another legacy encoding?); save the file as UTF-8');
  }
}

/** A CSV file with a header row: column names and the data records. */
export interface CsvTable {
  file: string;
  columns: string[];
  rows: CsvRecord[];
}

/** Reads a CSV file with a header; every row must have as many fields as the header. */
export async function readCsvTable(file: string): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const records = parseCsv(decodeUtf8(bytes, file).replace(/^\uFEFF/, ''), file);
  if (records.length === 0) throw new DataError(`${file}: empty file, expected a header row`);
  const [header, ...rows] = records;
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      throw lineError(file, row.line, `expected ${header.fields.length} fields (${header.fields.join(',')}), found ${row.fields.length}`);
    }
  }
  return { file, columns: header.fields, rows };
}

/** Reads a whitespace-separated text file (CelebA, RFW lists) as trimmed non-empty lines with their numbers. */
export async function readTextLines(file: string): Promise<{ line: number; tokens: string[] }[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const text = decodeUtf8(bytes, file).replace(/^\uFEFF/, '');
  const lines: { line: number; tokens: string[] }[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    const trimmed = content.trim();
    if (trimmed !== '') lines.push({ line: index + 1, tokens: trimmed.split(/\s+/) });
  });
  return lines;
}
