// The full benchmark of issue 10: frnas's methods in simulated time and, when /usr/bin/python3 has Optuna, Optuna's
// RandomSampler / NSGAIISampler / TPESampler on the same problems, seeds and epoch budgets; summary.md side by side.
//
//   npx tsx benchmarks/run-suite.ts [--suite all|synthetic|frnas-phase1] [--seeds 10] [--out benchmarks/results/suite]
//        [--synthetic-budget 2700] [--phase1-budget 500] [--phase1-csv ../shared/data/frnas_results/vgg_val_phase1.csv]
//        [--methods random,nsga2,...] [--python /usr/bin/python3] [--skip-optuna] [--reuse-optuna] [--report-only]
//
// --reuse-optuna takes Optuna's trials from <out>/optuna-trials.csv of an earlier run (same seeds and budgets) instead
// of running Optuna again (its runs take most of the suite's time; only frnas changed).
// --report-only rewrites summary.md, CSVs and plots from <out>/trials.csv (both libraries) without running anything.
import { forEachFlag } from './flags.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCHMARK_SUITE_NAMES,
  FRNAS_PHASE1_BUDGET_EPOCHS,
  FRNAS_PHASE1_DEFAULT_PATH,
  SYNTHETIC_BUDGET_EPOCHS,
  readTrialRecords,
  runBench,
  seedList,
  suiteProblems,
  writeBenchmarkReport,
  type BenchmarkSuiteName,
} from '../lib/bench/index.js';

interface Args {
  suite: BenchmarkSuiteName;
  seeds: number;
  out: string;
  syntheticBudget: number;
  phase1Budget: number;
  phase1Csv: string;
  methods?: string[];
  python: string;
  skipOptuna: boolean;
  reuseOptuna: boolean;
  reportOnly: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    suite: 'all',
    seeds: 10,
    out: 'benchmarks/results/suite',
    syntheticBudget: SYNTHETIC_BUDGET_EPOCHS,
    phase1Budget: FRNAS_PHASE1_BUDGET_EPOCHS,
    phase1Csv: FRNAS_PHASE1_DEFAULT_PATH,
    python: '/usr/bin/python3',
    skipOptuna: false,
    reuseOptuna: false,
    reportOnly: false,
  };
  forEachFlag(argv, (flag, { value, positiveInteger }) => {
    if (flag === '--suite') {
      const v = value();
      if (!(BENCHMARK_SUITE_NAMES as readonly string[]).includes(v)) throw new Error(`--suite must be one of ${BENCHMARK_SUITE_NAMES.join(', ')}, got ${v}`);
      args.suite = v as BenchmarkSuiteName;
    } else if (flag === '--seeds') args.seeds = positiveInteger();
    else if (flag === '--out') args.out = value();
    else if (flag === '--synthetic-budget') args.syntheticBudget = positiveInteger();
    else if (flag === '--phase1-budget') args.phase1Budget = positiveInteger();
    else if (flag === '--phase1-csv') args.phase1Csv = value();
    else if (flag === '--methods') args.methods = value().split(',').filter(Boolean);
    else if (flag === '--python') args.python = value();
    else if (flag === '--skip-optuna') args.skipOptuna = true;
    else if (flag === '--reuse-optuna') args.reuseOptuna = true;
    else if (flag === '--report-only') args.reportOnly = true;
    else throw new Error(`unknown option ${flag} (known: --suite, --seeds, --out, --synthetic-budget, --phase1-budget, --phase1-csv, --methods, --python, --skip-optuna, --reuse-optuna, --report-only)`);
  });
  return args;
}

/** Optuna's version under `python`, or undefined when it cannot be imported. */
function optunaVersion(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.out, { recursive: true });
  const seeds = seedList(args.seeds);
  const command = `npx tsx benchmarks/run-suite.ts ${process.argv.slice(2).join(' ')}`.trim();
  const notes = [`Command: \`${command}\``, `Seeds: ${seeds.join(', ')}.`];
  if (args.reportOnly) {
    const trials = join(args.out, 'trials.csv');
    if (!existsSync(trials)) throw new Error(`--report-only: ${trials} does not exist (run the suite first)`);
    const problems = suiteProblems(args.suite, { phase1Path: args.phase1Csv, syntheticBudgetEpochs: args.syntheticBudget, phase1BudgetEpochs: args.phase1Budget });
    const records = readTrialRecords(trials).filter((r) => seeds.includes(r.seed));
    const libraries = [...new Set(records.map((r) => r.library))].join(', ');
    const report = writeBenchmarkReport({ out: args.out, problems, records, notes: [...notes, `Report rewritten from ${trials} (libraries: ${libraries}).`] });
    process.stdout.write(report.markdown + '\n');
    return;
  }
  const otherTrials: string[] = [];
  const version = args.skipOptuna || args.reuseOptuna ? undefined : optunaVersion(args.python);
  if (args.reuseOptuna) {
    const optunaCsv = join(args.out, 'optuna-trials.csv');
    if (!existsSync(optunaCsv)) throw new Error(`--reuse-optuna: ${optunaCsv} does not exist (run the suite with Optuna first)`);
    otherTrials.push(optunaCsv);
    notes.push(`Optuna's trials reused from ${optunaCsv} (an earlier run of benchmarks/optuna/run_optuna.py with the same seeds and budgets).`);
  } else if (version) {
    const optunaCsv = join(args.out, 'optuna-trials.csv');
    const problems = [
      ...(args.suite === 'frnas-phase1' ? [] : ['zdt1', 'zdt2', 'zdt3', 'dtlz2']),
      ...(args.suite === 'synthetic' ? [] : ['frnas-phase1']),
    ];
    const optunaArgs = [
      'benchmarks/optuna/run_optuna.py',
      '--problems', problems.join(','),
      '--seeds', seeds.join(','),
      '--synthetic-budget', String(args.syntheticBudget),
      '--phase1-budget', String(args.phase1Budget),
      '--phase1-csv', args.phase1Csv,
      '--out', optunaCsv,
    ];
    process.stderr.write(`running ${args.python} ${optunaArgs.join(' ')}\n`);
    const started = performance.now();
    const run = spawnSync(args.python, optunaArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`the Optuna script failed (exit ${run.status ?? run.signal})`);
    otherTrials.push(optunaCsv);
    notes.push(
      `Optuna ${version} (${args.python}): \`${args.python} ${optunaArgs.join(' ')}\` (${((performance.now() - started) / 1000).toFixed(0)} s). ` +
        'Optuna runs every trial at the full budget (no multi-objective multi-fidelity pruning), so compare at equal total epochs.',
    );
  } else {
    notes.push(args.skipOptuna ? 'Optuna skipped (--skip-optuna).' : `Optuna not available under ${args.python} (apt-get install python3-optuna): frnas only.`);
  }
  const report = runBench({
    suite: args.suite,
    seeds,
    out: args.out,
    phase1Path: args.phase1Csv,
    syntheticBudgetEpochs: args.syntheticBudget,
    phase1BudgetEpochs: args.phase1Budget,
    methodNames: args.methods,
    otherTrials,
    notes,
  });
  process.stdout.write(report.markdown + '\n');
  process.stderr.write(`wrote ${report.files.join(', ')}\n`);
}

main();
