// One call for `frnas bench` and benchmarks/run-suite.ts: run the frnas methods, merge other libraries' trials, report.
import { existsSync } from 'node:fs';
import { readTrialRecords } from './records.js';
import { writeBenchmarkReport, type BenchmarkReport } from './report.js';
import { BENCHMARK_METHOD_CATALOG, YAHPO_BENCHMARK_METHOD_NAMES, runBenchmarkSuite, seedList, suiteProblems, type BenchmarkSuiteName } from './suite.js';
import type { BenchmarkMethod, TrialRecord } from './runner.js';
import type { FrnasPhase1Disparity } from './problems/frnas-phase1.js';

export interface BenchOptions {
  suite: BenchmarkSuiteName;
  /** Number of seeds (1…n) or the list. */
  seeds: number | readonly number[];
  out: string;
  phase1Path?: string;
  phase1Disparity?: FrnasPhase1Disparity;
  syntheticBudgetEpochs?: number;
  phase1BudgetEpochs?: number;
  /** Only these frnas methods (names of DEFAULT_BENCHMARK_METHODS or `methods`). */
  methodNames?: readonly string[];
  methods?: readonly BenchmarkMethod[];
  /** trials.csv files of other libraries (benchmarks/optuna/run_optuna.py) to show side by side. */
  otherTrials?: readonly string[];
  /** YAHPO Gym data folder (--suite yahpo; default ../shared/data/yahpo). */
  yahpoDir?: string;
  /** Lines added to summary.md under the title. */
  notes?: readonly string[];
  onMessage?: (line: string) => void;
}

export function runBench(options: BenchOptions): BenchmarkReport {
  const say = options.onMessage ?? ((line: string) => process.stderr.write(line + '\n'));
  const problems = suiteProblems(options.suite, {
    phase1Path: options.phase1Path,
    phase1Disparity: options.phase1Disparity,
    syntheticBudgetEpochs: options.syntheticBudgetEpochs,
    phase1BudgetEpochs: options.phase1BudgetEpochs,
    onSkip: say,
    yahpoDir: options.yahpoDir,
  });
  let methods = options.methods;
  const methodNames = options.methodNames ?? (options.suite === 'yahpo' && !methods ? YAHPO_BENCHMARK_METHOD_NAMES : undefined);
  if (methodNames) {
    const all = methods ?? BENCHMARK_METHOD_CATALOG;
    const known = new Map(all.map((m) => [m.name, m]));
    methods = methodNames.map((name) => {
      const method = known.get(name);
      if (!method) throw new Error(`bench: unknown method ${JSON.stringify(name)} (known: ${[...known.keys()].join(', ')})`);
      return method;
    });
  }
  const seeds = seedList(options.seeds);
  const records: TrialRecord[] = runBenchmarkSuite({
    problems,
    seeds,
    methods,
    onRun: (r) => say(`[${r.done}/${r.total}] ${r.problem} ${r.method} seed ${r.seed}: ${r.records} trials`),
  });
  for (const path of options.otherTrials ?? []) {
    if (!existsSync(path)) throw new Error(`bench: trials file ${path} does not exist`);
    const theirs = readTrialRecords(path);
    const names = new Set(problems.map((p) => p.problem.name));
    records.push(...theirs.filter((r) => names.has(r.problem) && seeds.includes(r.seed)));
  }
  return writeBenchmarkReport({ out: options.out, problems, records, notes: options.notes });
}
