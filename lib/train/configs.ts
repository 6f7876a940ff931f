import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Configuration } from '../space/types.js';
import { headNames } from '../models/heads.js';
import type { OptimizerName } from './optimizers.js';
import type { ScheduleName } from './schedules.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The grid of FR-NAS phase-1 training configurations: backbones × heads × optimizers, shared settings. */
export interface TrainingConfigGrid {
  backbones: readonly string[];
  /** Default CosFace, ArcFace, MagFace. */
  heads?: readonly string[];
  /** Default Adam, AdamW, SGD. */
  optimizers?: readonly OptimizerName[];
  /** Default 64. */
  batchSize?: number;
  /** One learning rate for all; default per optimizer: SGD 0.1, Adam/AdamW 0.001 (phase 1b). */
  lr?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Default 1e-4. */
  weightDecay?: number;
  /** Default cosine. */
  sched?: ScheduleName;
  /** Default 0.5 (used by the step schedule). */
  lrCycleDecay?: number;
  /** Extra keys copied into every configuration (e.g. seed, loss). */
  extra?: Configuration;
}

/** The configurations of the grid, in backbone, head, optimizer order (keys as FR-NAS's config files). */
export function trainingConfigs(grid: TrainingConfigGrid): Configuration[] {
  if (grid.backbones.length === 0) throw new Error('createTrainingConfigs needs at least one backbone');
  const heads = grid.heads ?? headNames.filter((h) => h !== 'Softmax');
  const optimizers = grid.optimizers ?? ['Adam', 'AdamW', 'SGD'];
  const configs: Configuration[] = [];
  for (const backbone of grid.backbones) {
    for (const head of heads) {
      for (const optimizer of optimizers) {
        configs.push({
          backbone,
          batch_size: grid.batchSize ?? 64,
          lr: grid.lr ?? (optimizer === 'SGD' ? 0.1 : 0.001),
          momentum: grid.momentum ?? 0.9,
          weight_decay: grid.weightDecay ?? 1e-4,
          sched: grid.sched ?? 'cosine',
          lr_cycle_decay: grid.lrCycleDecay ?? 0.5,
          head,
          optimizer,
          ...grid.extra,
        });
      }
    }
  }
  return configs;
}

/** Writes one JSON file per configuration (`<backbone>_<head>_<optimizer>.json`) into `dir`. */
export async function createTrainingConfigs(grid: TrainingConfigGrid, dir: string): Promise<{ path: string; config: Configuration }[]> {
  await mkdir(dir, { recursive: true });
  const written: { path: string; config: Configuration }[] = [];
  for (const config of trainingConfigs(grid)) {
    const path = join(dir, `${String(config.backbone)}_${String(config.head)}_${String(config.optimizer)}.json`);
    await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
    written.push({ path, config });
  }
  return written;
}

/** Reads a configuration file (a flat JSON object of numbers, strings and booleans). */
export async function readTrainingConfig(path: string): Promise<Configuration> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read configuration ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`configuration ${path} is not a JSON object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!['number', 'string', 'boolean'].includes(typeof value)) throw new Error(`configuration ${path}: ${key} must be a number, string or boolean`);
  }
  return parsed as Configuration;
}
