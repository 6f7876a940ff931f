import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportBaseline } from '../report/index.js';
import { Study } from '../search/study.js';
import { JOURNAL_FILE } from '../search/storage/journal.js';
import type { Fidelity, ObjectiveSpec, Trial } from '../search/types.js';
import type { Space } from '../space/index.js';

/** Files next to the journal that `frnas search` writes (see lib/workflows/search.ts). */
export const DEFAULT_TRIAL_FILE = 'default.json';
export const BASELINES_FILE = 'baselines.json';

/** What a study folder holds at one moment, read without the journal lock. */
export interface StudySnapshot {
  /** The absolute study folder. */
  directory: string;
  space: Space;
  objectives: readonly ObjectiveSpec[];
  fidelity: Fidelity;
  seed: number | string;
  scheduler: string;
  proposer: string;
  settings: Readonly<Record<string, unknown>>;
  /** Every trial, running ones included, by id. */
  trials: Trial[];
  /** Ids of finished trials in the order their results were written (the study's history). */
  finishOrder: number[];
  /** The default configuration's result kept beside the journal (`default.json`), when there is one. */
  defaultTrial?: Trial;
  /** Reference results outside the space (`baselines.json`, e.g. raw pixels). */
  baselines: ReportBaseline[];
  /** Journal size in bytes when read: a cheap "did anything change" check. */
  journalBytes: number;
}

/**
 * Reads a study folder while a search may be writing it: the journal is opened read-only (no `journal.lock` taken,
 * the file never modified), and a last line the writer has not finished is left out instead of being an error.
 * Every other malformed line is still an error naming its line.
 */
export function readStudySnapshot(directory: string): StudySnapshot {
  const dir = resolve(directory);
  const journal = join(dir, JOURNAL_FILE);
  if (!existsSync(journal)) throw new Error(`${dir} holds no study (no ${JOURNAL_FILE})`);
  const journalBytes = statSync(journal).size;
  // An empty journal: the writer created it and has not written the header yet.
  if (journalBytes === 0) throw new Error(`${journal} is empty: the search is starting`);
  const study = Study.open(dir, { readOnly: true, onWarning: () => undefined });
  try {
    return {
      directory: dir,
      space: study.space,
      objectives: study.objectives,
      fidelity: study.fidelity,
      seed: study.seed,
      scheduler: study.scheduler.name,
      proposer: study.proposer.name,
      settings: study.settings,
      trials: study.trials(),
      finishOrder: study.history().map((t) => t.id),
      defaultTrial: readJson<Trial>(join(dir, DEFAULT_TRIAL_FILE)),
      baselines: readJson<{ baselines?: ReportBaseline[] }>(join(dir, BASELINES_FILE))?.baselines ?? [],
      journalBytes,
    };
  } finally {
    study.close();
  }
}

/** A JSON file beside the journal (written atomically, so never half-written), undefined when it is missing. */
function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
