// The YAHPO benchmark suite of `frnas bench --suite yahpo`: YAHPO Gym's own multi-objective suite
// (benchmark_suites/multi.json) restricted to the scenarios in the data folder's port, plus one fairness-style pair.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { YAHPO_DEFAULT_DIR, YAHPO_SCENARIOS, yahpoProblem, type YahpoProblem, type YahpoScenario } from './yahpo.js';

/** Total epochs of one run, in full-budget evaluations (lcbench: 40 × 52 epochs; trainsize scenarios: 40 × 27 units). */
export const YAHPO_BUDGET_EVALUATIONS = 40;

/** One problem of the suite: scenario, instance and targets. */
export interface YahpoSuiteEntry {
  scenario: YahpoScenario;
  instance: string;
  objectives: string[];
  /** Where it comes from: YAHPO's multi.json or the fairness-style pair added here. */
  origin: 'multi.json' | 'fairness-style';
}

/**
 * The fairness-style pair: overall validation accuracy against balanced accuracy (the mean of per-class recalls, so the
 * smallest class weighs as much as the largest) on lcbench 189873, both maximised — the trade-off between a model good
 * on average and one good for every group, which is what the face search trades with its disparity objectives.
 */
export const YAHPO_FAIRNESS_PAIR: YahpoSuiteEntry = { scenario: 'lcbench', instance: '189873', objectives: ['val_accuracy', 'val_balanced_accuracy'], origin: 'fairness-style' };

/** The entries of multi.json whose scenario the port covers, then the fairness-style pair. */
export function yahpoSuiteEntries(dataDir: string = YAHPO_DEFAULT_DIR): YahpoSuiteEntry[] {
  const path = join(resolve(dataDir), 'benchmark_suites', 'multi.json');
  if (!existsSync(path)) throw new Error(`bench: YAHPO suite file ${path} does not exist (the YAHPO Gym data)`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { scenario: string; instance: string; target: string[] }[];
  const entries: YahpoSuiteEntry[] = raw
    .filter((e) => (YAHPO_SCENARIOS as readonly string[]).includes(e.scenario))
    .map((e) => ({ scenario: e.scenario as YahpoScenario, instance: String(e.instance), objectives: [...e.target], origin: 'multi.json' }));
  return [...entries, YAHPO_FAIRNESS_PAIR];
}

/** Problem name of an entry: `yahpo-<scenario>-<instance>`, with `-fair` for the fairness-style pair. */
export function yahpoEntryName(entry: YahpoSuiteEntry): string {
  return `yahpo-${entry.scenario}-${entry.instance}${entry.origin === 'fairness-style' ? '-fair' : ''}`;
}

export function yahpoSuiteProblems(options: { dataDir?: string; frontSample?: number } = {}): YahpoProblem[] {
  return yahpoSuiteEntries(options.dataDir).map((entry) =>
    yahpoProblem({ ...entry, dataDir: options.dataDir, name: yahpoEntryName(entry), frontSample: options.frontSample }),
  );
}
