// The benchmark suites: which problems, budgets and methods `frnas bench` runs.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Nsga2Proposer } from '../search/proposers/nsga2.js';
import { RandomForestProposer } from '../search/proposers/random-forest/index.js';
import { TpeProposer } from '../search/proposers/tpe/index.js';
import { ANALYTIC_FIDELITY, ANALYTIC_PROBLEM_NAMES, analyticProblem } from './problems/analytic.js';
import { FRNAS_PHASE1_DEFAULT_PATH, FRNAS_PHASE1_EPOCHS, frnasPhase1Problem, type FrnasPhase1Disparity } from './problems/frnas-phase1.js';
import { runSimulated, type BenchmarkMethod, type TrialRecord } from './runner.js';
import type { BenchmarkProblem } from './problem.js';
import { yahpoSuiteProblems, YAHPO_BUDGET_EVALUATIONS } from './problems/yahpo-suite.js';

export type BenchmarkSuiteName = 'synthetic' | 'frnas-phase1' | 'all' | 'yahpo';
/** 'all' is synthetic + frnas-phase1; 'yahpo' (YAHPO Gym surrogates, needs onnxruntime-node) runs on its own. */
export const BENCHMARK_SUITE_NAMES: readonly BenchmarkSuiteName[] = ['synthetic', 'frnas-phase1', 'all', 'yahpo'];

/** 100 evaluations at the full 27 epochs. */
export const SYNTHETIC_BUDGET_EPOCHS = 100 * ANALYTIC_FIDELITY.max;
/** 50 evaluations of 10 epochs: 1/7 of the table's 353 configurations. */
export const FRNAS_PHASE1_BUDGET_EPOCHS = 50 * FRNAS_PHASE1_EPOCHS;

/** A problem of a suite with its total epoch budget per run. */
export interface SuiteProblem {
  problem: BenchmarkProblem;
  budgetEpochs: number;
}

export interface SuiteProblemOptions {
  /** FR-NAS phase-1 CSV (default ../shared/data/frnas_results/vgg_val_phase1.csv from the working directory). */
  phase1Path?: string;
  phase1Disparity?: FrnasPhase1Disparity;
  syntheticBudgetEpochs?: number;
  phase1BudgetEpochs?: number;
  /** Told when a problem is left out (the FR-NAS table is absent). */
  onSkip?: (message: string) => void;
  /** YAHPO Gym data folder (default ../shared/data/yahpo). */
  yahpoDir?: string;
  /** Total epochs per run on a YAHPO problem, in full-budget evaluations (default 40). */
  yahpoBudgetEvaluations?: number;
}

/** The problems of a suite. A missing FR-NAS table skips that problem with a message (an error for 'frnas-phase1' alone). */
export function suiteProblems(suite: BenchmarkSuiteName, options: SuiteProblemOptions = {}): SuiteProblem[] {
  if (!BENCHMARK_SUITE_NAMES.includes(suite)) throw new Error(`bench: suite must be one of ${BENCHMARK_SUITE_NAMES.join(', ')}, got ${JSON.stringify(suite)}`);
  const problems: SuiteProblem[] = [];
  if (suite === 'yahpo') {
    const evaluations = options.yahpoBudgetEvaluations ?? YAHPO_BUDGET_EVALUATIONS;
    return yahpoSuiteProblems({ dataDir: options.yahpoDir }).map((problem) => ({ problem, budgetEpochs: evaluations * problem.fidelity.max }));
  }
  if (suite === 'synthetic' || suite === 'all') {
    for (const name of ANALYTIC_PROBLEM_NAMES) problems.push({ problem: analyticProblem(name), budgetEpochs: options.syntheticBudgetEpochs ?? SYNTHETIC_BUDGET_EPOCHS });
  }
  if (suite === 'frnas-phase1' || suite === 'all') {
    const path = resolve(options.phase1Path ?? FRNAS_PHASE1_DEFAULT_PATH);
    if (!existsSync(path)) {
      const message = `FR-NAS phase-1 table not found at ${path}: skipping problem frnas-phase1 (pass its path to use it)`;
      if (suite === 'frnas-phase1') throw new Error(message);
      (options.onSkip ?? console.warn)(message);
    } else {
      problems.push({ problem: frnasPhase1Problem({ path, disparity: options.phase1Disparity }), budgetEpochs: options.phase1BudgetEpochs ?? FRNAS_PHASE1_BUDGET_EPOCHS });
    }
  }
  return problems;
}

/** frnas's methods in the comparison; ASHA runs on 4 simulated workers, the others on one. */
export const DEFAULT_BENCHMARK_METHODS: readonly BenchmarkMethod[] = [
  { name: 'random', scheduler: 'random', proposer: 'random' },
  { name: 'nsga2', scheduler: 'random', proposer: () => new Nsga2Proposer() },
  { name: 'tpe', scheduler: 'random', proposer: () => new TpeProposer() },
  { name: 'hyperband+random', scheduler: 'hyperband', proposer: 'random' },
  { name: 'hyperband+rf', scheduler: 'hyperband', proposer: () => new RandomForestProposer() },
  { name: 'hyperband+tpe', scheduler: 'hyperband', proposer: () => new TpeProposer() },
  { name: 'asha+rf', scheduler: 'asha', proposer: () => new RandomForestProposer(), workers: 4 },
  { name: 'asha+rf+hv', scheduler: 'asha', proposer: () => new RandomForestProposer(), promotion: 'hypervolume', workers: 4 },
  { name: 'hyperband+rf-all', scheduler: 'hyperband', proposer: () => new RandomForestProposer({ trainingData: 'all-budgets' }) },
  { name: 'asha+rf-all', scheduler: 'asha', proposer: () => new RandomForestProposer({ trainingData: 'all-budgets' }), workers: 4 },
  { name: 'asha+tpe', scheduler: 'asha', proposer: () => new TpeProposer(), workers: 4 },
  { name: 'asha+tpe+hv', scheduler: 'asha', proposer: () => new TpeProposer(), promotion: 'hypervolume', workers: 4 },
];

/** Methods named by --methods beside the defaults: ASHA with one simulated worker (a laptop's search). */
export const ONE_WORKER_BENCHMARK_METHODS: readonly BenchmarkMethod[] = [
  { name: 'asha+tpe@1', scheduler: 'asha', proposer: () => new TpeProposer(), workers: 1 },
  { name: 'asha+rf@1', scheduler: 'asha', proposer: () => new RandomForestProposer(), workers: 1 },
  { name: 'asha+rf+hv@1', scheduler: 'asha', proposer: () => new RandomForestProposer(), promotion: 'hypervolume', workers: 1 },
  { name: 'asha+random@1', scheduler: 'asha', proposer: 'random', workers: 1 },
];

/** Every method `--methods` may name. */
export const BENCHMARK_METHOD_CATALOG: readonly BenchmarkMethod[] = [...DEFAULT_BENCHMARK_METHODS, ...ONE_WORKER_BENCHMARK_METHODS];

/**
 * The methods of `--suite yahpo` unless --methods says otherwise: the candidates for a default per situation
 * (docs/benchmarks.md, "YAHPO Gym"), without the slow random-forest variants of the other suites.
 */
export const YAHPO_BENCHMARK_METHOD_NAMES: readonly string[] = ['random', 'tpe', 'hyperband+random', 'hyperband+rf', 'hyperband+tpe', 'asha+rf', 'asha+rf@1', 'asha+tpe', 'asha+tpe@1', 'asha+random@1'];

export interface RunSuiteOptions {
  problems: readonly SuiteProblem[];
  /** Number of seeds (1…n) or the list of seeds. */
  seeds: number | readonly number[];
  methods?: readonly BenchmarkMethod[];
  /** Called after every run (progress display). */
  onRun?: (info: { problem: string; method: string; seed: number; records: number; done: number; total: number }) => void;
}

export function seedList(seeds: number | readonly number[]): number[] {
  const list = typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i + 1) : [...seeds];
  if (list.length === 0 || list.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`bench: seeds must be a positive count or non-negative integers, got ${JSON.stringify(seeds)}`);
  return list;
}

/** Runs every method × problem × seed in simulated time; the trials of all runs, run after run. */
export function runBenchmarkSuite(options: RunSuiteOptions): TrialRecord[] {
  const methods = options.methods ?? DEFAULT_BENCHMARK_METHODS;
  const seeds = seedList(options.seeds);
  const total = options.problems.length * methods.length * seeds.length;
  const records: TrialRecord[] = [];
  let done = 0;
  for (const { problem, budgetEpochs } of options.problems) {
    for (const method of methods) {
      for (const seed of seeds) {
        const run = runSimulated({ problem, method, seed, budgetEpochs });
        records.push(...run);
        done++;
        options.onRun?.({ problem: problem.name, method: method.name, seed, records: run.length, done, total });
      }
    }
  }
  return records;
}
