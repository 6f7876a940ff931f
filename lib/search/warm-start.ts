// Warm starts: results of an earlier study (its folder) or of a CSV table, read as known trials and added to a study
// with Study#addTrial, so the proposer's model starts from them. Mapping: by hyperparameter name; every earlier
// configuration must be valid in the new space (docs/search.md, "Warm starts").
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCsv } from '../util/csv.js';
import type { Space } from '../space/index.js';
import type { Configuration, HyperparameterValue } from '../space/types.js';
import { Study, StudyError } from './study.js';
import { JournalStorage } from './storage/journal.js';
import type { KnownTrial, ObjectiveSpec } from './types.js';

/** CSV columns with a meaning of their own; every other column is a hyperparameter, an objective or an attribute. */
export const WARM_START_CSV_COLUMNS = ['budget', 'status', 'reason'] as const;

export interface KnownTrialsRead {
  /** Results to add, with where each came from (`file line N`, `study trial N`). */
  trials: (KnownTrial & { source: string })[];
  /** Results left out because their budget is outside the study's fidelity range. */
  outsideFidelity: number;
}

function parseValue(space: Space, name: string, cell: string, where: string): HyperparameterValue {
  const hp = space.hyperparameters.find((h) => h.name === name);
  if (!hp) throw new StudyError(`${where}: unknown hyperparameter '${name}'`);
  const choices = hp.kind === 'float' || hp.kind === 'integer' ? undefined : hp.values();
  if (hp.kind === 'float' || hp.kind === 'integer') {
    const value = Number(cell);
    if (cell === '' || !Number.isFinite(value)) throw new StudyError(`${where}: ${name} must be a number, got ${JSON.stringify(cell)}`);
    return value; // range and integrality: Space#validate, when the trial is added
  }
  // Categorical, ordinal, constant and integer: a CSV cell is text, the choice is the one that prints the same.
  const match = (choices ?? []).find((c) => String(c) === cell);
  if (match === undefined) throw new StudyError(`${where}: ${name} must be one of ${(choices ?? []).map(String).join(', ')}, got ${JSON.stringify(cell)}`);
  return match;
}

/**
 * Reads the results of a CSV table: a header row, then one result per row. Columns: one per hyperparameter (named as in
 * the space; an empty cell leaves it inactive), `budget` (required), one per objective (required for an ok row),
 * optional `status` (`ok`, `failed`, `timeout`; default ok) and `reason` (why a trial failed); other columns become
 * attributes. (Not `error` for the reason: FR-NAS's first objective is called error.)
 */
export function readKnownTrialsCsv(file: string, space: Space, objectives: readonly ObjectiveSpec[], fidelity: { min: number; max: number }): KnownTrialsRead {
  const records = parseCsv(readFileSync(file, 'utf8'), file);
  const name = basename(file);
  if (records.length === 0) throw new StudyError(`${name}: empty CSV, expected a header row`);
  const header = records[0].fields;
  if (!header.includes('budget')) throw new StudyError(`${name} line ${records[0].line}: no "budget" column (columns: ${header.join(', ')})`);
  const hyperparameters = new Set(space.names);
  const objectiveNames = new Set(objectives.map((o) => o.name));
  const result: KnownTrialsRead = { trials: [], outsideFidelity: 0 };
  for (const { line, fields } of records.slice(1)) {
    const where = `${name} line ${line}`;
    if (fields.length !== header.length) throw new StudyError(`${where}: ${fields.length} fields, the header has ${header.length}`);
    const config: Configuration = {};
    const values: Record<string, number> = {};
    const attributes: Record<string, unknown> = {};
    let budget = Number.NaN;
    let status: KnownTrial['status'] = 'ok';
    let error: string | undefined;
    header.forEach((column, i) => {
      const cell = fields[i];
      if (column === 'budget') {
        budget = Number(cell);
        if (cell === '' || !Number.isFinite(budget)) throw new StudyError(`${where}: budget must be a number, got ${JSON.stringify(cell)}`);
      } else if (column === 'status') {
        if (cell !== '' && cell !== 'ok' && cell !== 'failed' && cell !== 'timeout') throw new StudyError(`${where}: status must be ok, failed or timeout, got ${JSON.stringify(cell)}`);
        if (cell !== '') status = cell;
      } else if (column === 'reason') {
        if (cell !== '') error = cell;
      } else if (hyperparameters.has(column)) {
        if (cell !== '') config[column] = parseValue(space, column, cell, where);
      } else if (objectiveNames.has(column)) {
        if (cell !== '') values[column] = Number(cell);
      } else if (cell !== '') {
        attributes[column] = Number.isFinite(Number(cell)) ? Number(cell) : cell;
      }
    });
    if (budget < fidelity.min || budget > fidelity.max) {
      result.outsideFidelity++;
      continue;
    }
    result.trials.push({ config, budget, status, values, attributes, ...(error === undefined ? {} : { error }), source: where });
  }
  return result;
}

/** Reads the finished trials of an earlier study folder (its journal, read-only); running trials are left out. */
export function readKnownTrialsOfStudy(directory: string, fidelity: { min: number; max: number }): KnownTrialsRead {
  const earlier = Study.open(directory, { readOnly: true });
  try {
    const result: KnownTrialsRead = { trials: [], outsideFidelity: 0 };
    for (const t of earlier.trials()) {
      if (t.status === 'running' || t.status === 'pending') continue;
      if (t.budget < fidelity.min || t.budget > fidelity.max) {
        result.outsideFidelity++;
        continue;
      }
      result.trials.push({
        config: t.config, budget: t.budget, status: t.status, values: t.values, attributes: t.attributes,
        ...(t.error === undefined ? {} : { error: t.error }), source: `${basename(directory)} trial ${t.id}`,
      });
    }
    return result;
  } finally {
    earlier.close();
  }
}

export interface WarmStartOutcome {
  /** Results added to the study. */
  added: number;
  /** Results left out because their budget is outside the study's fidelity range. */
  outsideFidelity: number;
}

/**
 * Adds the results of an earlier study folder or a CSV file (see `readKnownTrialsCsv`) to `study` with `addTrial`.
 * Every result is checked before any is added: one that does not fit (a configuration outside the space, a missing
 * objective) is an error naming its line or trial, and the study is left as it was.
 */
export function warmStart(study: Study, source: string): WarmStartOutcome {
  if (!existsSync(source)) throw new StudyError(`warm start: ${source} does not exist (expected a study folder or a CSV file)`);
  const range = study.fidelity;
  const read = statSync(source).isDirectory()
    ? (() => {
        if (!JournalStorage.exists(source)) throw new StudyError(`warm start: ${source} holds no study journal`);
        return readKnownTrialsOfStudy(source, range);
      })()
    : readKnownTrialsCsv(source, study.space, study.objectives, range);
  // Dry run on a throw-away study with the same space and objectives: nothing is written unless everything fits.
  const check = Study.inMemory({ space: study.space, objectives: study.objectives, fidelity: study.fidelity });
  try {
    for (const known of read.trials) {
      try {
        check.addTrial(known);
      } catch (error) {
        throw new StudyError(`warm start: ${known.source}: ${(error as Error).message.replace(/^addTrial \(trial \d+\): /, '')}`);
      }
    }
  } finally {
    check.close();
  }
  for (const { source: _source, ...known } of read.trials) study.addTrial(known);
  return { added: read.trials.length, outsideFidelity: read.outsideFidelity };
}
