// `frnas bench`: the benchmark suite in simulated time (lib/bench), registered by lib/cli/main.ts.
import { Command, Option } from 'commander';
import { BENCHMARK_SUITE_NAMES, FRNAS_PHASE1_DEFAULT_PATH, FRNAS_PHASE1_DISPARITIES, runBench, type BenchmarkSuiteName, type FrnasPhase1Disparity } from '../bench/index.js';
import { realFaceStudy } from '../workflows/index.js';
import { positiveInteger } from './options.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const DEFAULT_BENCH_OUT = 'benchmarks/results/bench';

interface BenchCommandOptions {
  suite: BenchmarkSuiteName | 'lfw';
  data?: string;
  evalData?: string;
  seeds: number;
  out: string;
  phase1Csv: string;
  phase1Disparity: FrnasPhase1Disparity;
  syntheticBudget?: number;
  phase1Budget?: number;
  methods?: string;
  otherTrials: string[];
  yahpoDir?: string;
}

/** `frnas bench --suite lfw`: the real-face study (lib/workflows/real-face-study.ts). */
async function runRealFaceSuite(o: BenchCommandOptions): Promise<void> {
  const outcome = await realFaceStudy({
    out: o.out === DEFAULT_BENCH_OUT ? 'benchmarks/results/lfw-study' : o.out,
    data: o.data ?? 'folder:../shared/data/lfw_train',
    evaluationData: o.evalData ?? 'folder:../shared/data/lfw_balanced',
  });
  process.stdout.write(outcome.markdown + '\n');
  process.stderr.write(`wrote ${outcome.file}\n`);
}

/** Adds `frnas bench --suite synthetic|frnas-phase1|all --seeds 10 --out <dir>`. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmark frnas search methods in simulated time: ZDT1/2/3, DTLZ2 with a fidelity, FR-NAS phase 1 (table)')
    .addOption(new Option('--suite <name>', "problems to run ('lfw': the real-face study, trained on --data, evaluated on --eval-data)").choices([...BENCHMARK_SUITE_NAMES, 'lfw']).default('all'))
    .option('--data <spec>', "--suite lfw: training people (default folder:../shared/data/lfw_train)")
    .option('--eval-data <spec>', "--suite lfw: evaluation people (default folder:../shared/data/lfw_balanced)")
    .option('--seeds <n>', 'seeds 1…n per method and problem', positiveInteger('--seeds'), 10)
    .option('--out <dir>', 'where to write summary.md, CSV and SVG files', DEFAULT_BENCH_OUT)
    .option('--phase1-csv <file>', 'FR-NAS phase-1 results table', FRNAS_PHASE1_DEFAULT_PATH)
    .addOption(new Option('--phase1-disparity <column>', 'second FR-NAS objective').choices([...FRNAS_PHASE1_DISPARITIES]).default('Rank Disparity'))
    .option('--synthetic-budget <epochs>', 'total epochs per run on ZDT/DTLZ2 (default 2700)', positiveInteger('--synthetic-budget'))
    .option('--phase1-budget <epochs>', 'total epochs per run on FR-NAS phase 1 (default 500)', positiveInteger('--phase1-budget'))
    .option('--methods <list>', 'comma-separated frnas methods (default: all; --suite yahpo: the default candidates)')
    .option('--yahpo-dir <dir>', '--suite yahpo: YAHPO Gym data folder (default ../shared/data/yahpo; needs onnxruntime-node)')
    .option('--other-trials <csv>', 'trials.csv of another library (benchmarks/optuna/run_optuna.py), repeatable', collect, [])
    // Synchronous except for the real-face study, so a bad --methods throws from parse() itself.
    .action((o: BenchCommandOptions) => {
      if (o.suite === 'lfw') return runRealFaceSuite(o);
      const report = runBench({
        suite: o.suite,
        seeds: o.seeds,
        out: o.out,
        phase1Path: o.phase1Csv,
        phase1Disparity: o.phase1Disparity,
        syntheticBudgetEpochs: o.syntheticBudget,
        phase1BudgetEpochs: o.phase1Budget,
        methodNames: o.methods?.split(',').map((s) => s.trim()).filter(Boolean),
        otherTrials: o.otherTrials,
        yahpoDir: o.yahpoDir,
        notes: [`Command: frnas bench --suite ${o.suite} --seeds ${o.seeds} --out ${o.out}`],
      });
      process.stdout.write(report.markdown + '\n');
      process.stderr.write(`wrote ${report.files.join(', ')}\n`);
    });
}
