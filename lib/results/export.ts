import { resolve } from 'node:path';
import type { Trial } from '../search/types.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { readStudySnapshot, type StudySnapshot } from './read.js';
import { formatCsv } from '../util/csv.js';

export type ExportFormat = 'csv' | 'json';

export interface ExportTrialsOptions {
  format: ExportFormat;
  /** Write the export to this file (atomically); without it only the returned `content` holds it. */
  out?: string;
}

export interface ExportedTrials {
  format: ExportFormat;
  /** One per trial of the study, running ones included. */
  rows: TrialRow[];
  /** Column names of the CSV, in order. */
  columns: string[];
  /** The CSV text or the JSON text. */
  content: string;
  /** The file written, when `out` was given. */
  file?: string;
}

/** One cell of an exported row: empty cells are null (an empty CSV field). */
export type Cell = string | number | boolean | null;
/** One trial as a flat record, keyed by column name (`config.<name>`, `values.<objective>`, `attr.<dotted path>`). */
export type TrialRow = Record<string, Cell>;

/**
 * Every trial of a study as flat rows, like Optuna's `trials_dataframe`: id, configuration (one `config.<name>`
 * column per hyperparameter), budget, bracket and rung, status, objective values, cost, parent trial, error, and every
 * attribute flattened to dotted names (`attr.perGroup.female.accuracy`, `attr.intervals.metrics.error.lower`).
 * The study is read without its lock, so a running search can be exported.
 */
export async function exportTrials(studyDir: string, options: ExportTrialsOptions): Promise<ExportedTrials> {
  if (options.format !== 'csv' && options.format !== 'json') {
    throw new Error(`exportTrials: format must be 'csv' or 'json', got ${JSON.stringify(options.format)}`);
  }
  const snapshot = readStudySnapshot(studyDir);
  const { rows, columns } = trialRows(snapshot);
  const content =
    options.format === 'csv'
      ? await formatCsv([columns, ...rows.map((row) => columns.map((c) => row[c]))])
      : JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))), null, 2) + '\n';
  const file = options.out === undefined ? undefined : resolve(options.out);
  if (file) await writeFileAtomic(file, content);
  return { format: options.format, rows, columns, content, file };
}

/** The flat rows of a snapshot's trials and their columns: fixed columns first, then config, then attributes. */
export function trialRows(snapshot: Pick<StudySnapshot, 'trials' | 'objectives' | 'space'>): { rows: TrialRow[]; columns: string[] } {
  const objectiveNames = snapshot.objectives.map((o) => o.name);
  const rows = snapshot.trials.map((t) => trialRow(t, objectiveNames));
  const fixed = ['trial', 'config_id', 'status', 'budget', 'bracket', 'rung', 'parent_trial', ...objectiveNames.map((n) => `values.${n}`), 'cost.seconds', 'cost.budget', 'error'];
  // Hyperparameters in the space's order, then any the space does not name (none in a well-formed journal).
  const spaceNames = snapshot.space.names.map((n) => `config.${n}`);
  const seen = new Set<string>(rows.flatMap((r) => Object.keys(r)));
  const configColumns = [...spaceNames.filter((c) => seen.has(c)), ...[...seen].filter((c) => c.startsWith('config.') && !spaceNames.includes(c)).sort()];
  const attributeColumns = [...seen].filter((c) => c.startsWith('attr.')).sort();
  return { rows, columns: [...fixed, ...configColumns, ...attributeColumns] };
}

function trialRow(t: Trial, objectiveNames: readonly string[]): TrialRow {
  const row: TrialRow = {
    trial: t.id,
    config_id: t.configId,
    status: t.status,
    budget: t.budget,
    bracket: t.bracket ?? null,
    rung: t.rung ?? null,
    parent_trial: t.parentTrialId ?? null,
    'cost.seconds': t.status === 'running' ? null : t.cost.seconds,
    'cost.budget': t.status === 'running' ? null : t.cost.budget,
    error: t.error ?? null,
  };
  for (const n of objectiveNames) row[`values.${n}`] = t.values[n] ?? null;
  for (const [k, v] of Object.entries(t.config)) row[`config.${k}`] = v;
  flatten(t.attributes, 'attr', row);
  return row;
}

/** Scalar leaves of `value` under dotted names; arrays are kept whole as JSON text (one cell). */
function flatten(value: unknown, path: string, into: TrialRow): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') into[path] = value;
  else if (Array.isArray(value)) into[path] = JSON.stringify(value);
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, `${path}.${k}`, into);
}
