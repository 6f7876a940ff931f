import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  ANALYTIC_PROBLEM_NAMES,
  DEFAULT_BENCHMARK_METHODS,
  analyticProblem,
  epochsToReach,
  frnasPhase1Problem,
  hypervolumeAt,
  quartiles,
  readTrialRecords,
  runMetrics,
  runSimulated,
  summarizeMethod,
  writeBenchmarkReport,
  writeTrialRecords,
  type BenchmarkMethod,
  type BenchmarkProblem,
  type TrialRecord,
} from '../../lib/bench/index.js';
import { registerBenchCommand } from '../../lib/cli/bench.js';
import { hypervolume } from '../../lib/pareto/index.js';
import { sharedData } from '../support/shared-data.js';

/** Tiny budgets: a few full-fidelity evaluations, enough for every scheduler to promote. */
const TINY_SYNTHETIC = 6 * 27;
const TINY_PHASE1 = 8 * 10;

function phase1Path(): string | undefined {
  const dir = sharedData('frnas_results');
  return dir && existsSync(join(dir, 'vgg_val_phase1.csv')) ? join(dir, 'vgg_val_phase1.csv') : undefined;
}

function checkRun(problem: BenchmarkProblem, method: BenchmarkMethod, records: TrialRecord[], budget: number): void {
  expect(records.length, `${problem.name}/${method.name}`).to.be.greaterThan(0);
  const largestTrial = problem.fidelity.max;
  let spent = 0;
  let clock = 0;
  records.forEach((r, i) => {
    expect(r.trial).to.equal(i);
    spent += r.costEpochs;
    expect(r.epochsSpent).to.be.closeTo(spent, 1e-9);
    expect(r.finishTime, 'virtual clock never goes back').to.be.at.least(clock);
    clock = r.finishTime;
    expect(r.costEpochs).to.be.greaterThan(0).and.at.most(r.budget + 1e-9);
    if (r.status === 'ok') expect(r.values).to.have.length(problem.objectives.length);
  });
  // A trial is started only while spent + planned < budget, so at most `workers` trials overshoot.
  expect(spent).to.be.at.most(budget + (method.workers ?? 1) * largestTrial);
  // With one worker the clock is the epochs; with more it runs faster than the epochs spent.
  if ((method.workers ?? 1) === 1) expect(clock).to.be.closeTo(spent * problem.secondsPerEpoch, 1e-9);
  else expect(clock).to.be.lessThan(spent * problem.secondsPerEpoch);
  const metrics = runMetrics(records, problem, budget);
  expect(metrics.finalHypervolume).to.be.at.least(0);
  expect(metrics.hypervolumeRatio).to.be.at.most(1 + 1e-9);
  expect(metrics.hypervolumeAt25).to.be.at.most(metrics.hypervolumeAt50);
  expect(metrics.hypervolumeAt50).to.be.at.most(metrics.finalHypervolume);
  expect(metrics.finalHypervolume).to.be.closeTo(hypervolume(metrics.front, [...problem.referencePoint]), 1e-12);
}


/** A default method by name (the list's order is not part of its contract). */
function method(name: string): BenchmarkMethod {
  const found = DEFAULT_BENCHMARK_METHODS.find((m) => m.name === name);
  if (!found) throw new Error(`no default method ${name}`);
  return found;
}
describe('bench: runner on every problem (tiny budgets, simulated time)', () => {
  for (const name of ANALYTIC_PROBLEM_NAMES) {
    it(`${name}: every default method runs, within budget, deterministically`, () => {
      const problem = analyticProblem(name);
      for (const method of DEFAULT_BENCHMARK_METHODS) {
        const records = runSimulated({ problem, method, seed: 3, budgetEpochs: TINY_SYNTHETIC });
        checkRun(problem, method, records, TINY_SYNTHETIC);
        expect(runSimulated({ problem, method, seed: 3, budgetEpochs: TINY_SYNTHETIC }), 'same seed, same run').to.deep.equal(records);
      }
    });
  }

  it('frnas-phase1: every default method runs on the table', function () {
    const path = phase1Path();
    if (!path) {
      console.log('    (../shared/data/frnas_results/vgg_val_phase1.csv absent: skipped)');
      this.skip();
    }
    const problem = frnasPhase1Problem({ path });
    for (const method of DEFAULT_BENCHMARK_METHODS) {
      const records = runSimulated({ problem, method, seed: 5, budgetEpochs: TINY_PHASE1 });
      checkRun(problem, method, records, TINY_PHASE1);
      for (const r of records) expect(r.budget).to.equal(10);
    }
  });

  it('4 simulated workers: ASHA spends the same epochs in under a third of the simulated time; sync SH with 4 workers completes', () => {
    const problem = analyticProblem('zdt1');
    const budget = 20 * 27;
    const one = runSimulated({ problem, method: { name: 'asha', scheduler: 'asha', proposer: 'random', workers: 1 }, seed: 1, budgetEpochs: budget });
    const four = runSimulated({ problem, method: { name: 'asha', scheduler: 'asha', proposer: 'random', workers: 4 }, seed: 1, budgetEpochs: budget });
    const last = (r: TrialRecord[]) => r[r.length - 1];
    expect(last(four).finishTime).to.be.lessThan(last(one).finishTime / 3);
    // Sync SH with 4 workers: a rung waits for its last result, yet the run completes and never runs more than 4 at once.
    const sh = runSimulated({ problem, method: { name: 'sh', scheduler: 'sh', proposer: 'random', workers: 4 }, seed: 1, budgetEpochs: budget });
    checkRun(problem, { name: 'sh', scheduler: 'sh', proposer: 'random', workers: 4 }, sh, budget);
  });

  it('charges a promotion only the extra epochs (continues from the checkpoint)', () => {
    const problem = analyticProblem('zdt2');
    const records = runSimulated({ problem, method: { name: 'hb', scheduler: 'hyperband', proposer: 'random' }, seed: 2, budgetEpochs: 300 });
    const promoted = records.filter((r) => r.costEpochs < r.budget);
    expect(promoted.length).to.be.greaterThan(0);
    for (const r of promoted) expect([3 - 1, 9 - 3, 27 - 9]).to.include(r.costEpochs);
  });
});

describe('bench: metrics', () => {
  const problem = analyticProblem('zdt1');
  const record = (trial: number, epochsSpent: number, values: number[], budget = 27): TrialRecord => ({
    library: 'frnas', problem: 'zdt1', method: 'm', seed: 1, trial, budget, costEpochs: 27, epochsSpent, finishTime: epochsSpent, status: 'ok', values,
  });

  it('HV counts only full-budget results within the budget; IGD+ of the final front', () => {
    const records = [record(0, 27, [0.5, 0.5]), record(1, 28, [0.1, 0.1], 1), record(2, 55, [0.2, 0.6]), record(3, 82, [0, 0])];
    const m = runMetrics(records, problem, 60);
    expect(m.front).to.deep.equal([[0.5, 0.5], [0.2, 0.6]]);
    expect(m.finalHypervolume).to.be.closeTo(hypervolume([[0.5, 0.5], [0.2, 0.6]], [1.1, 1.1]), 1e-12);
    expect(m.evaluations).to.equal(3);
    expect(hypervolumeAt(m.trace, 26)).to.equal(0);
    expect(hypervolumeAt(m.trace, 27)).to.be.closeTo(0.36, 1e-12);
    expect(epochsToReach(m.trace, 0.36)).to.equal(27);
    expect(epochsToReach(m.trace, 0.9)).to.equal(Infinity);
    expect(m.igdPlus).to.be.greaterThan(0);
  });

  it('median and IQR over seeds (simple-statistics quantiles), Infinity kept', () => {
    expect(quartiles([1, 2, 3, 4, 5])).to.deep.equal({ median: 3, q1: 2, q3: 4 });
    expect(quartiles([1, Infinity, Infinity]).median).to.equal(Infinity);
    const runs = [1, 2, 3].map((seed) => runMetrics(runSimulated({ problem, method: method('random'), seed, budgetEpochs: 81 }), problem, 81));
    const s = summarizeMethod(runs, 3);
    expect(s.curve.map((c) => c.epochs)).to.deep.equal([0, 27, 54, 81]);
    expect(s.finalHypervolume.median).to.equal(quartiles(runs.map((r) => r.finalHypervolume)).median);
  });
});

describe('bench: trials.csv, report and CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-bench-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('trials.csv round-trips; a bad value names file, line and column', () => {
    const problem = analyticProblem('dtlz2');
    const records = runSimulated({ problem, method: method('hyperband+random'), seed: 1, budgetEpochs: 60 });
    const file = join(dir, 'trials.csv');
    writeTrialRecords(file, records);
    expect(readTrialRecords(file)).to.deep.equal(records);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3].replace(/,ok,/, ',okay,');
    writeFileSync(file, lines.join('\n'));
    expect(() => readTrialRecords(file)).to.throw(`${file}:4: column "status"`);
  });

  it('writes summary.md, CSVs and SVG plots with both libraries side by side', () => {
    const problem = analyticProblem('zdt1');
    const mine = runSimulated({ problem, method: method('asha+rf'), seed: 1, budgetEpochs: 108 });
    // Another library's rows (as the Optuna script writes them): full-budget trials only.
    const theirs = runSimulated({ problem, method: method('random'), seed: 1, budgetEpochs: 108, library: 'optuna' });
    const report = writeBenchmarkReport({ out: dir, problems: [{ problem, budgetEpochs: 108 }], records: [...mine, ...theirs] });
    for (const f of ['summary.md', 'trials.csv', 'runs.csv', 'curves.csv', 'hv-zdt1.svg', 'front-zdt1-frnas.svg', 'front-zdt1-optuna.svg']) expect(existsSync(join(dir, f)), f).to.equal(true);
    expect(report.markdown).to.include('| zdt1 | frnas/asha+rf |').and.include('| zdt1 | optuna/random |').and.include('## Goal');
    expect(readFileSync(join(dir, 'hv-zdt1.svg'), 'utf8')).to.match(/^<svg[\s\S]*<polygon[\s\S]*<\/svg>$/);
  });

  it('frnas bench --suite synthetic --seeds 1 writes the summary', async () => {
    const program = new Command().exitOverride();
    registerBenchCommand(program);
    const writes: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'frnas', 'bench', '--suite', 'synthetic', '--seeds', '1', '--synthetic-budget', '54', '--methods', 'random,asha+rf', '--out', dir]);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    for (const name of ANALYTIC_PROBLEM_NAMES) expect(summary).to.include(`| ${name} | frnas/asha+rf |`);
    expect(writes.join('')).to.include('# Benchmark summary');
  });

  it('frnas bench rejects an unknown method by name', () => {
    const program = new Command().exitOverride();
    registerBenchCommand(program);
    expect(() => program.parse(['node', 'frnas', 'bench', '--suite', 'synthetic', '--seeds', '1', '--methods', 'nope', '--out', dir])).to.throw('unknown method "nope"');
  });
});
