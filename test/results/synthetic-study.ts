// A synthetic study written through the real engine (Study + journal), for the export, reader and dashboard tests.
// Run as a script it is a "search still running": `tsx synthetic-study.ts <dir> <trials> <delay ms>` tells one trial
// every <delay> ms from a separate process that holds the journal lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Space } from '../../lib/space/index.js';
import { Study } from '../../lib/search/study.js';
import type { ObjectiveSpec, Trial } from '../../lib/search/types.js';

/** Labels a CSV writer and an HTML page must both survive: commas, quotes, a newline, markup. */
export const TRICKY_LABELS = ['plain', 'a,b', 'say "hi"', 'line one\nline two', '<img src=x onerror="window.__injected=1">'];

export const syntheticObjectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'rank_disparity', direction: 'minimize' },
];

export function syntheticSpace(): Space {
  return Space.fromJSON({
    name: 'synthetic-dashboard',
    hyperparameters: {
      x: { type: 'float', lower: 0, upper: 1, default: 0.5 },
      y: { type: 'float', lower: 0, upper: 1, default: 0.5 },
      label: { type: 'categorical', choices: TRICKY_LABELS, default: 'plain' },
    },
  });
}

/** Error and disparity of a configuration at a budget: a trade-off in x, y matters a little, more budget helps. */
function evaluate(config: Trial['config'], budget: number): { values: Record<string, number>; attributes: Record<string, unknown> } {
  const x = Number(config.x);
  const y = Number(config.y);
  const error = 0.1 + 0.6 * x * x + 0.05 * y + 0.3 / budget;
  const rankDisparity = 0.1 + 0.6 * (1 - x) * (1 - x) + 0.1 / budget;
  const female = 1 - error - rankDisparity / 4;
  const male = 1 - error + rankDisparity / 4;
  const interval = (v: number) => ({ estimate: v, lower: v - 0.02, upper: v + 0.03 });
  return {
    values: { error, rank_disparity: rankDisparity },
    attributes: {
      perGroup: { female: { accuracy: female, meanRank: 1.5 }, male: { accuracy: male, meanRank: 1.2 } },
      intervals: { level: 0.95, resamples: 200, seed: 0, identities: 20, metrics: { error: interval(error), rankDisparity: interval(rankDisparity) } },
    },
  };
}

export interface SyntheticStudyOptions {
  trials: number;
  /** Wait this long before telling each trial (a search that is still running). */
  delayMs?: number;
  seed?: number;
}

/** Runs a Hyperband study (budgets 1, 3, 9) in `dir`; every 7th trial fails with a recorded reason. */
export async function writeSyntheticStudy(dir: string, options: SyntheticStudyOptions): Promise<Trial[]> {
  const study = Study.open(dir, {
    space: syntheticSpace(),
    objectives: syntheticObjectives,
    fidelity: { min: 1, max: 9, eta: 3 },
    scheduler: 'hyperband',
    seed: options.seed ?? 1,
    fsync: false,
  });
  try {
    while (study.finishedCount < options.trials) {
      const trial = study.ask();
      if (options.delayMs) await sleep(options.delayMs);
      if (trial.id % 7 === 6) study.tell(trial.id, { status: 'failed', error: 'diverged: loss is NaN', cost: { seconds: 0.5 } });
      else {
        const { values, attributes } = evaluate(trial.config, trial.budget);
        study.tell(trial.id, { values, attributes, cost: { seconds: trial.budget * 0.5 } });
      }
    }
    return study.trials();
  } finally {
    study.close();
  }
}

const writerScript = fileURLToPath(new URL('./synthetic-study.ts', import.meta.url));

/** A search that is still running: another process appending a trial every `delayMs`, holding the journal lock. */
export function startWriter(dir: string, trials: number, delayMs: number): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dir, String(trials), String(delayMs)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, done };
}

const invoked = process.argv[1] ?? '';
if (invoked.endsWith('synthetic-study.ts')) {
  const [dir, trials, delay] = process.argv.slice(2);
  await writeSyntheticStudy(dir, { trials: Number(trials), delayMs: Number(delay) });
}
