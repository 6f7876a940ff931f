// trials.csv: one row per finished trial, written by the frnas runner and by benchmarks/optuna/run_optuna.py alike,
// so one implementation of the metrics serves both libraries.
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/write-file-atomic.js';
import { parseCsv } from '../data/csv.js';
import type { TrialRecord } from './runner.js';

/** The columns of trials.csv, in order (objective_1…objective_3: empty when absent or not ok). */
export const TRIAL_RECORD_COLUMNS = [
  'library',
  'problem',
  'method',
  'seed',
  'trial',
  'budget',
  'cost_epochs',
  'epochs_spent',
  'finish_time',
  'status',
  'objective_1',
  'objective_2',
  'objective_3',
] as const;

const MAX_OBJECTIVES = 3;
const STATUSES = new Set<TrialRecord['status']>(['ok', 'failed', 'infeasible']);

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function trialRecordsCsv(records: readonly TrialRecord[]): string {
  const lines = [TRIAL_RECORD_COLUMNS.join(',')];
  for (const r of records) {
    if (r.values.length > MAX_OBJECTIVES) throw new Error(`trials.csv holds at most ${MAX_OBJECTIVES} objectives, ${r.problem} has ${r.values.length}`);
    const objectives = Array.from({ length: MAX_OBJECTIVES }, (_, i) => (i < r.values.length ? String(r.values[i]) : ''));
    lines.push(
      [r.library, r.problem, r.method, r.seed, r.trial, r.budget, r.costEpochs, r.epochsSpent, r.finishTime, r.status, ...objectives].map(csvField).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function writeTrialRecords(path: string, records: readonly TrialRecord[]): void {
  writeFileAtomicSync(path, trialRecordsCsv(records));
}

/** Reads trials.csv; a malformed value is one error naming the file, line and column. */
export function readTrialRecords(path: string): TrialRecord[] {
  const rows = parseCsv(readFileSync(path, 'utf8'), path);
  if (rows.length === 0) throw new Error(`${path}: empty file, expected the header ${TRIAL_RECORD_COLUMNS.join(',')}`);
  const header = rows[0].fields;
  const at = new Map<string, number>();
  for (const name of TRIAL_RECORD_COLUMNS) {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}:${rows[0].line}: missing column "${name}"`);
    at.set(name, i);
  }
  return rows.slice(1).map(({ line, fields }) => {
    const text = (name: (typeof TRIAL_RECORD_COLUMNS)[number]): string => fields[at.get(name) as number] ?? '';
    const number = (name: (typeof TRIAL_RECORD_COLUMNS)[number]): number => {
      const raw = text(name);
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) throw new Error(`${path}:${line}: column "${name}" must be a finite number, got ${JSON.stringify(raw)}`);
      return v;
    };
    const status = text('status') as TrialRecord['status'];
    if (!STATUSES.has(status)) throw new Error(`${path}:${line}: column "status" must be ok, failed or infeasible, got ${JSON.stringify(text('status'))}`);
    const values: number[] = [];
    if (status === 'ok') {
      for (const name of ['objective_1', 'objective_2', 'objective_3'] as const) {
        if (text(name) === '') break;
        values.push(number(name));
      }
      if (values.length === 0) throw new Error(`${path}:${line}: column "objective_1" is empty for an ok trial`);
    }
    for (const name of ['library', 'problem', 'method'] as const) {
      if (text(name) === '') throw new Error(`${path}:${line}: column "${name}" is empty`);
    }
    return {
      library: text('library'),
      problem: text('problem'),
      method: text('method'),
      seed: number('seed'),
      trial: number('trial'),
      budget: number('budget'),
      costEpochs: number('cost_epochs'),
      epochsSpent: number('epochs_spent'),
      finishTime: number('finish_time'),
      status,
      values,
    };
  });
}
