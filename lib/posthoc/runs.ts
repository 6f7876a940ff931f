import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GroupRankSummary } from '../fairness/index.js';
import type { Configuration } from '../space/types.js';
import type { EpochReport, FaceMetrics, FaceTrainingSpec, RankedImages } from '../train/index.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { formatCsv, type CsvCell } from '../util/csv.js';

/**
 * Run folder layout (docs/workflow.md): `<retrain-dir>/<model>/seed-<s>/` holding
 * `config.json` (what was trained), `metrics.csv` + `metrics.jsonl` (one row per epoch), `result.json`
 * (final metrics on validation and test, per group; written last, so its presence means "done"),
 * `checkpoints/` (the trainer's), and `transfer/<data>.json` written by `frnas evaluate`.
 */
export const RUN_FILES = {
  config: 'config.json',
  metricsCsv: 'metrics.csv',
  metricsJsonl: 'metrics.jsonl',
  result: 'result.json',
  checkpoints: 'checkpoints',
  transfer: 'transfer',
} as const;

/** Searched architectures come from a study's front; baselines are hand-picked (e.g. the default configuration). */
export type RunKind = 'searched' | 'baseline';

/** `config.json` of a run folder. */
export interface RunConfig {
  format: 'frnas-run';
  version: 1;
  /** Display name of the model (the same for all its seeds), e.g. `301-CosFace-SGD`. */
  model: string;
  kind: RunKind;
  configId: string;
  /** The search-space point (or phase-1 config) that was trained. */
  config: Configuration;
  seed: number;
  epochs: number;
  spec: FaceTrainingSpec;
  /** Data spec (`synthetic:...`, `celeba:<dir>`, a config name's spec) and its split. */
  data: string;
  /** The other data set the run is evaluated on (validation and test), when the search used one. */
  evaluationData?: string;
  split: { seed: number; mode?: string; validation: number; test: number };
  /** The search the configuration came from, with its values there. */
  origin?: { searchDir: string; trialId: number; budget: number; values: Record<string, number> };
}

/** Metrics of a trained model on one evaluation split. */
export interface SplitEvaluation {
  metrics: FaceMetrics;
  perGroup: Record<string, GroupRankSummary>;
  /** Per-image ranks (test split of runs written since per-image ranks were kept): for paired comparisons. */
  ranking?: RankedImages;
}

/** `result.json` of a finished run. */
export interface RunResult {
  format: 'frnas-run-result';
  version: 1;
  model: string;
  kind: RunKind;
  configId: string;
  seed: number;
  epochs: number;
  /** Wall seconds of training and evaluation, summed over resumed sessions as far as they were logged. */
  seconds: number;
  trainableParameters: number;
  validation: SplitEvaluation;
  test: SplitEvaluation;
  finishedAt: string;
}

/** One line of `metrics.jsonl`; `validation` only on evaluated epochs. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  learningRate: number;
  seconds: number;
  images: number;
  validation?: FaceMetrics;
}

/** Metric columns of the CSV, in order (FaceMetrics keys). */
export const METRIC_KEYS = ['error', 'accuracy', 'meanRank', 'disparity', 'rankDisparity', 'ratio', 'rankRatio', 'errorRatio', 'count'] as const satisfies readonly (keyof FaceMetrics)[];

const CSV_HEADER = ['epoch', 'loss', 'learning_rate', 'seconds', 'images', ...METRIC_KEYS.map((k) => `val_${snakeCase(k)}`)];

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function csvRow(row: EpochMetrics): CsvCell[] {
  const metrics = METRIC_KEYS.map((k) => (row.validation ? String(row.validation[k]) : ''));
  return [row.epoch, row.loss, row.learningRate, row.seconds, row.images, ...metrics];
}

/**
 * Per-epoch metrics of one run, as CSV and JSONL so any plotting tool reads them. Rows are appended as
 * epochs finish; `restart(epochs)` keeps the rows a resumed run continues from and drops later ones (they
 * were trained after the last checkpoint and will be trained again).
 */
export class MetricLog {
  readonly csvFile: string;
  readonly jsonlFile: string;
  private rows: EpochMetrics[];

  constructor(
    readonly dir: string,
    private readonly onEpoch?: (row: EpochMetrics) => void,
  ) {
    this.csvFile = join(dir, RUN_FILES.metricsCsv);
    this.jsonlFile = join(dir, RUN_FILES.metricsJsonl);
    this.rows = readMetricLog(dir);
  }

  /** The rows logged so far. */
  entries(): readonly EpochMetrics[] {
    return this.rows;
  }

  /** Keeps rows of epochs <= `epochs` and rewrites both files. */
  async restart(epochs: number): Promise<void> {
    this.rows = this.rows.filter((r) => r.epoch <= epochs);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.csvFile, await formatCsv([CSV_HEADER, ...this.rows.map(csvRow)]));
    await writeFileAtomic(this.jsonlFile, this.rows.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Appends one epoch (training figures, plus validation metrics when that epoch was evaluated). */
  async append(report: EpochReport, validation?: FaceMetrics): Promise<EpochMetrics> {
    const row: EpochMetrics = { epoch: report.epoch, loss: report.loss, learningRate: report.learningRate, seconds: report.seconds, images: report.images };
    if (validation) row.validation = validation;
    this.rows.push(row);
    await appendFile(this.csvFile, await formatCsv([csvRow(row)]));
    await appendFile(this.jsonlFile, JSON.stringify(row) + '\n');
    this.onEpoch?.(row);
    return row;
  }
}

/**
 * Rows of `metrics.jsonl` in `dir` (none when missing). A malformed line (e.g. torn by a killed run, which the next
 * run's rows then follow) is skipped with a warning naming the file and line; the rows after it are kept.
 */
export function readMetricLog(dir: string, onWarning: (message: string) => void = (message) => console.warn(message)): EpochMetrics[] {
  const file = join(dir, RUN_FILES.metricsJsonl);
  if (!existsSync(file)) return [];
  const rows: EpochMetrics[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      onWarning(`${file} line ${i + 1}: skipped, not valid JSON (${(error as Error).message})`);
      return;
    }
    const epoch = (value as { epoch?: unknown } | null)?.epoch;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof epoch !== 'number' || !Number.isFinite(epoch)) {
      onWarning(`${file} line ${i + 1}: skipped, not a row of epoch metrics`);
      return;
    }
    rows.push(value as EpochMetrics);
  });
  return rows;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: unreadable ${what}: ${(error as Error).message}`, { cause: error });
  }
}

export function readRunConfig(runDir: string): RunConfig {
  const file = join(runDir, RUN_FILES.config);
  if (!existsSync(file)) throw new Error(`${resolve(runDir)} is not a run folder (no ${RUN_FILES.config})`);
  const config = readJson<RunConfig>(file, 'run config');
  if (config.format !== 'frnas-run') throw new Error(`${file}: format is not frnas-run`);
  return config;
}

export function readRunResult(runDir: string): RunResult | undefined {
  const file = join(runDir, RUN_FILES.result);
  if (!existsSync(file)) return undefined;
  const result = readJson<RunResult>(file, 'run result');
  if (result.format !== 'frnas-run-result') throw new Error(`${file}: format is not frnas-run-result`);
  return result;
}

/** Every run folder (a folder with `config.json` of format frnas-run) at or below `dir`, sorted. */
export function findRunFolders(dir: string): string[] {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`${root}: no such folder`);
  const found: string[] = [];
  const visit = (folder: string, depth: number): void => {
    if (existsSync(join(folder, RUN_FILES.config))) {
      try {
        if ((JSON.parse(readFileSync(join(folder, RUN_FILES.config), 'utf8')) as { format?: string }).format === 'frnas-run') {
          found.push(folder);
          return;
        }
      } catch {
        // Not a run folder's config; keep looking below.
      }
    }
    if (depth >= 4) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== RUN_FILES.checkpoints) visit(join(folder, entry.name), depth + 1);
    }
  };
  visit(root, 0);
  return found.sort();
}

/** A readable model name: `<edges>-<head>-<optimizer>` for the FR-NAS space, the backbone for phase-1 configs, else the id. */
export function modelLabel(config: Configuration, configId: string): string {
  const rate = config.lr ?? (config.optimizer === 'SGD' ? config.lr_sgd : config.lr_adam);
  const lr = typeof rate === 'number' ? `lr${Number(rate.toPrecision(3))}` : undefined;
  if (config.edge1 !== undefined && config.edge2 !== undefined && config.edge3 !== undefined) {
    return [`${config.edge1}${config.edge2}${config.edge3}`, config.head, config.optimizer, lr].filter((p) => p !== undefined).join('-');
  }
  if (config.backbone !== undefined) return [config.backbone, config.head, config.optimizer, lr].filter((p) => p !== undefined).join('-');
  return configId;
}
