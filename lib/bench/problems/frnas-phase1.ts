// FR-NAS phase 1 as a tabular benchmark: the 355 trained configurations of the FR-NAS architecture study on
// VGGFace2 (vgg_val_phase1.csv, see ../shared/data/frnas_results/ABOUT.md), looked up instead of trained.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv } from '../../data/csv.js';
import { Space } from '../../space/index.js';
import type { Configuration } from '../../space/types.js';
import type { ObjectiveSpec } from '../../search/types.js';
import { hypervolume, nonDominatedSort } from '../../pareto/index.js';
import type { BenchmarkEvaluation, BenchmarkProblem } from '../problem.js';

/** Default location of the table, relative to the working directory (the repository root). */
export const FRNAS_PHASE1_DEFAULT_PATH = '../shared/data/frnas_results/vgg_val_phase1.csv';
/** Every row of the table is the result after this many epochs (a single fidelity). */
export const FRNAS_PHASE1_EPOCHS = 10;

/** The table's disparity columns, usable as the second objective. */
export type FrnasPhase1Disparity = 'Rank Disparity' | 'Disparity' | 'Ratio' | 'Rank Ratio' | 'Error Ratio';
export const FRNAS_PHASE1_DISPARITIES: readonly FrnasPhase1Disparity[] = ['Rank Disparity', 'Disparity', 'Ratio', 'Rank Ratio', 'Error Ratio'];

/**
 * Hypervolume reference per disparity column. Rank Disparity: error 0.5 and rank disparity 1 (about half of the
 * trained models fall inside; the table's full range, up to 13.7, would make every HV read 13.5–13.7). The other
 * columns: error 1 (nothing identified) and a round value just above the largest disparity of a trained model.
 */
export const FRNAS_PHASE1_REFERENCE: Readonly<Record<FrnasPhase1Disparity, readonly [number, number]>> = {
  'Rank Disparity': [0.5, 1],
  Disparity: [1, 0.15],
  Ratio: [1, 0.6],
  'Rank Ratio': [1, 0.6],
  'Error Ratio': [1, 0.55],
};

const HEADS = ['ArcFace', 'CosFace', 'MagFace'] as const;
const INDEX_PATTERN = /^(.+)_(ArcFace|CosFace|MagFace)_([A-Za-z]+)(?:_([0-9.eE+-]+)_cosine)?$/;

/** One configuration of the table (duplicates after normalising the optimizer's case are merged). */
export interface FrnasPhase1Row {
  backbone: string;
  head: string;
  /** Lower case: adam, adamw, sgd, rmsprop, rmsproptf. */
  optimizer: string;
  /** 'default' (the optimizer's default hyperparameters) or 'cosine' (the tuned learning rate with a cosine schedule). */
  setting: 'default' | 'cosine';
  /** The tuned learning rate of a 'cosine' row. */
  learningRate?: number;
  /** Error and the chosen disparity; undefined for a diverged or empty row (a failed trial). */
  values?: { error: number; disparity: number };
  /** Why the row is a failed trial. */
  failure?: string;
  /** 1-based CSV lines the row comes from. */
  lines: number[];
}

export interface FrnasPhase1Options {
  /** CSV path (default FRNAS_PHASE1_DEFAULT_PATH, resolved against the working directory). */
  path?: string;
  /** Second objective (default 'Rank Disparity'). */
  disparity?: FrnasPhase1Disparity;
  /** Hypervolume reference (default FRNAS_PHASE1_REFERENCE[disparity]). */
  referencePoint?: readonly [number, number];
  /** Simulated seconds per epoch (default 1; the table has no timings). */
  secondsPerEpoch?: number;
}

export interface FrnasPhase1Problem extends BenchmarkProblem {
  readonly path: string;
  readonly disparity: FrnasPhase1Disparity;
  /** The table's configurations, one per key. */
  readonly rows: readonly FrnasPhase1Row[];
  /** The row of a configuration, or undefined when the table has none. */
  lookup(config: Configuration): FrnasPhase1Row | undefined;
}

function keyOf(backbone: unknown, head: unknown, optimizer: unknown, setting: unknown): string {
  return `${String(backbone)}|${String(head)}|${String(optimizer)}|${String(setting)}`;
}

/** Reads and checks the table; a malformed row is one error naming the file, line and field. */
export function readFrnasPhase1Table(path: string, disparity: FrnasPhase1Disparity = 'Rank Disparity'): FrnasPhase1Row[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the FR-NAS phase-1 table (${(error as Error).message})`, { cause: error });
  }
  const records = parseCsv(text, path);
  if (records.length === 0) throw new Error(`${path}: empty file, expected a header with index, epoch, Error, ${disparity}`);
  const header = records[0].fields;
  const column = (name: string): number => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${path}:${records[0].line}: missing column "${name}" (header: ${header.join(', ')})`);
    return at;
  };
  const indexColumn = column('index');
  const epochColumn = column('epoch');
  const errorColumn = column('Error');
  const disparityColumn = column(disparity);
  const byKey = new Map<string, { row: FrnasPhase1Row; ok: { error: number; disparity: number }[]; failures: string[] }>();
  for (const record of records.slice(1)) {
    const where = `${path}:${record.line}`;
    const field = (at: number): string => record.fields[at] ?? '';
    const index = field(indexColumn);
    const match = INDEX_PATTERN.exec(index);
    if (!match) throw new Error(`${where}: field "index" must be <backbone>_<ArcFace|CosFace|MagFace>_<optimizer>[_<lr>_cosine], got ${JSON.stringify(index)}`);
    const [, backbone, head, optimizerLabel, lrText] = match;
    const epoch = field(epochColumn);
    if (epoch !== '' && Number(epoch) !== FRNAS_PHASE1_EPOCHS) throw new Error(`${where}: field "epoch" must be ${FRNAS_PHASE1_EPOCHS} (a single fidelity), got ${epoch}`);
    const optimizer = optimizerLabel.toLowerCase();
    const setting = lrText === undefined ? 'default' : 'cosine';
    const learningRate = lrText === undefined ? undefined : Number(lrText);
    if (learningRate !== undefined && !(learningRate > 0)) throw new Error(`${where}: field "index" has learning rate ${lrText}, expected a positive number`);
    const key = keyOf(backbone, head, optimizer, setting);
    let entry = byKey.get(key);
    if (!entry) {
      entry = { row: { backbone, head, optimizer, setting, learningRate, lines: [] }, ok: [], failures: [] };
      byKey.set(key, entry);
    } else if (entry.row.learningRate !== learningRate) {
      throw new Error(`${where}: field "index" has learning rate ${lrText} for ${backbone}/${head}/${optimizer}, line ${entry.row.lines[0]} has ${entry.row.learningRate}`);
    }
    entry.row.lines.push(record.line);
    const errorText = field(errorColumn);
    const disparityText = field(disparityColumn);
    if (errorText === '' && disparityText === '') {
      entry.failures.push(`line ${record.line} has no results`);
      continue;
    }
    const error = Number(errorText);
    const disparityValue = Number(disparityText);
    if (errorText === '' || !Number.isFinite(error) || error < 0 || error > 1) throw new Error(`${where}: field "Error" must be a number in [0, 1], got ${JSON.stringify(errorText)}`);
    if (disparityText === '' || !Number.isFinite(disparityValue) || disparityValue < 0) {
      throw new Error(`${where}: field "${disparity}" must be a non-negative number, got ${JSON.stringify(disparityText)}`);
    }
    // Error 1 (and disparity 0) means training diverged: nothing was learnt, so it is not a fair model.
    if (error >= 1) entry.failures.push(`line ${record.line}: training diverged (Error = 1)`);
    else entry.ok.push({ error, disparity: disparityValue });
  }
  return [...byKey.values()].map(({ row, ok, failures }) => {
    // Rows repeated under two spellings of the optimizer are repeated runs: their mean is the configuration's result.
    if (ok.length > 0) row.values = { error: mean(ok.map((v) => v.error)), disparity: mean(ok.map((v) => v.disparity)) };
    else row.failure = failures.join('; ');
    return row;
  });
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function disparityObjectiveName(disparity: FrnasPhase1Disparity): string {
  return disparity.toLowerCase().replace(/ /g, '_');
}

/**
 * FR-NAS phase 1 as a benchmark problem. Space: categorical backbone × head × optimizer × setting; combinations
 * the table lacks are forbidden clauses, so the space is exactly the table's configurations (a sampler never
 * proposes one the study did not train). Diverged and empty rows are failed trials that still cost their epochs.
 */
export function frnasPhase1Problem(options: FrnasPhase1Options = {}): FrnasPhase1Problem {
  const path = resolve(options.path ?? FRNAS_PHASE1_DEFAULT_PATH);
  const disparity = options.disparity ?? 'Rank Disparity';
  if (!FRNAS_PHASE1_DISPARITIES.includes(disparity)) throw new Error(`frnas-phase1: disparity must be one of ${FRNAS_PHASE1_DISPARITIES.join(', ')}, got ${JSON.stringify(disparity)}`);
  const referencePoint = options.referencePoint ?? FRNAS_PHASE1_REFERENCE[disparity];
  const secondsPerEpoch = options.secondsPerEpoch ?? 1;
  if (!(secondsPerEpoch > 0)) throw new Error(`frnas-phase1: secondsPerEpoch must be a positive number, got ${secondsPerEpoch}`);
  const rows = readFrnasPhase1Table(path, disparity);
  const byKey = new Map(rows.map((r) => [keyOf(r.backbone, r.head, r.optimizer, r.setting), r]));
  const objectives: ObjectiveSpec[] = [
    { name: 'error', direction: 'minimize' },
    { name: disparityObjectiveName(disparity), direction: 'minimize' },
  ];
  const backbones = [...new Set(rows.map((r) => r.backbone))].sort();
  const optimizers = [...new Set(rows.map((r) => r.optimizer))].sort();
  const settings = ['default', 'cosine'];
  // The default configuration must be allowed: the first trained one (backbone order) with default settings.
  const first = rows.filter((r) => r.values && r.setting === 'default').sort((a, b) => keyOf(a.backbone, a.head, a.optimizer, '').localeCompare(keyOf(b.backbone, b.head, b.optimizer, '')))[0] ?? rows[0];
  const forbidden: { equals: Record<string, string> }[] = [];
  for (const backbone of backbones) {
    for (const head of HEADS) {
      for (const optimizer of optimizers) {
        for (const setting of settings) {
          if (!byKey.has(keyOf(backbone, head, optimizer, setting))) forbidden.push({ equals: { backbone, head, optimizer, setting } });
        }
      }
    }
  }
  const spaceJSON = {
    name: 'frnas-phase1',
    description: 'FR-NAS phase-1 configurations (vgg_val_phase1.csv): only combinations the table holds are allowed',
    hyperparameters: {
      backbone: { type: 'categorical' as const, choices: backbones, default: first.backbone },
      head: { type: 'categorical' as const, choices: [...HEADS], default: first.head },
      optimizer: { type: 'categorical' as const, choices: optimizers, default: first.optimizer },
      setting: { type: 'categorical' as const, choices: settings, default: first.setting },
    },
    forbidden,
  };
  let space: Space | undefined;
  let front: number[][] | undefined;
  const lookup = (config: Configuration): FrnasPhase1Row | undefined => byKey.get(keyOf(config.backbone, config.head, config.optimizer, config.setting));
  const problem: FrnasPhase1Problem = {
    name: 'frnas-phase1',
    path,
    disparity,
    rows,
    objectives,
    fidelity: { min: FRNAS_PHASE1_EPOCHS, max: FRNAS_PHASE1_EPOCHS, eta: 3 },
    referencePoint,
    secondsPerEpoch,
    space: () => (space ??= Space.fromJSON(spaceJSON)),
    lookup,
    evaluate(config: Configuration, budget: number): BenchmarkEvaluation {
      if (budget !== FRNAS_PHASE1_EPOCHS) throw new Error(`frnas-phase1: the table only has results at ${FRNAS_PHASE1_EPOCHS} epochs, got budget ${budget}`);
      const row = lookup(config);
      if (!row) return { status: 'failed', error: `not in the table: ${JSON.stringify(config)}` };
      if (!row.values) return { status: 'failed', error: row.failure ?? 'no result' };
      return { status: 'ok', values: { [objectives[0].name]: row.values.error, [objectives[1].name]: row.values.disparity } };
    },
    trueFront: () => {
      if (!front) {
        const points = rows.flatMap((r) => (r.values ? [[r.values.error, r.values.disparity]] : []));
        front = nonDominatedSort(points)[0].map((i) => points[i]);
      }
      return front;
    },
    trueHypervolume: () => hypervolume(problem.trueFront().map((p) => [...p]), [...referencePoint]),
  };
  return problem;
}
