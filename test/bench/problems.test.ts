import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import {
  ANALYTIC_PROBLEM_NAMES,
  analyticProblem,
  frnasPhase1Problem,
  readFrnasPhase1Table,
  readTrialRecords,
} from '../../lib/bench/index.js';
import { hypervolume, nonDominatedSort } from '../../lib/pareto/index.js';
import { repoRoot, sharedData } from '../support/shared-data.js';

const PYTHON = '/usr/bin/python3';

function phase1Path(): string | undefined {
  const dir = sharedData('frnas_results');
  return dir && existsSync(join(dir, 'vgg_val_phase1.csv')) ? join(dir, 'vgg_val_phase1.csv') : undefined;
}

function hasOptuna(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' }).status === 0;
}

describe('bench: analytic problems', () => {
  it('observation at the full budget is the true objective; true-front hypervolumes as documented', () => {
    const expected: Record<string, number> = { zdt1: 1.21 - 1 / 3, zdt2: 1.21 - 2 / 3, dtlz2: 1.331 - Math.PI / 6 };
    for (const name of ANALYTIC_PROBLEM_NAMES) {
      const problem = analyticProblem(name);
      const config = problem.space().sample(1, 7)[0];
      const x = Array.from({ length: 6 }, (_, i) => config[`x${i}`] as number);
      const result = problem.evaluate(config, 27);
      expect(result.status === 'ok' && problem.objectives.map((o) => result.values[o.name])).to.deep.equal(problem.trueObjectives(x));
      const sampled = hypervolume(problem.trueFront().map((p) => [...p]), [...problem.referencePoint]);
      if (expected[name] !== undefined) expect(problem.trueHypervolume()).to.be.closeTo(expected[name], 1e-12);
      // The sampled front approaches the closed form from below.
      expect(sampled).to.be.at.most(problem.trueHypervolume() + 1e-9);
      expect(sampled).to.be.closeTo(problem.trueHypervolume(), name === 'dtlz2' ? 0.05 : 0.01);
    }
  });

  it('rejects a budget outside the fidelity and a variable outside [0, 1]', () => {
    const problem = analyticProblem('zdt1');
    expect(() => problem.evaluate({ x0: 0.5, x1: 0.5, x2: 0.5, x3: 0.5, x4: 0.5, x5: 0.5 }, 30)).to.throw('outside the fidelity range');
    expect(() => problem.evaluate({ x0: 2, x1: 0.5, x2: 0.5, x3: 0.5, x4: 0.5, x5: 0.5 }, 27)).to.throw('x0 must be a number in [0, 1]');
  });

  it('benchmarks/optuna/run_optuna.py computes the same true objectives', function () {
    if (!existsSync(PYTHON)) {
      console.log(`    (${PYTHON} absent: skipped)`);
      this.skip();
    }
    const rng = seedrandom('python-agreement');
    const xs = Array.from({ length: 10 }, () => Array.from({ length: 6 }, () => rng()));
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(repoRoot, 'benchmarks', 'optuna'))})`,
      'try:',
      '    import run_optuna as r',
      'except ImportError:',
      '    print("NO-OPTUNA"); sys.exit(0)',
      'xs = json.loads(sys.stdin.read())',
      'print(json.dumps({n: [r.ANALYTIC[n][0](x) for x in xs] for n in r.ANALYTIC}))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(xs), encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    if (run.stdout.trim() === 'NO-OPTUNA') {
      console.log('    (optuna not importable: skipped)');
      this.skip();
    }
    const python = JSON.parse(run.stdout) as Record<string, number[][]>;
    for (const name of ANALYTIC_PROBLEM_NAMES) {
      const problem = analyticProblem(name);
      xs.forEach((x, i) => problem.trueObjectives(x).forEach((v, k) => expect(python[name][i][k]).to.be.closeTo(v, 1e-12)));
    }
  });
});

describe('bench: FR-NAS phase-1 table', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-phase1-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const header = 'index,epoch,Error,Disparity,Rank Disparity,Ratio,Rank Ratio,Error Ratio';

  it('a small table: optimizer case merged (mean), diverged and empty rows failed, missing combinations forbidden', () => {
    const file = join(dir, 't.csv');
    writeFileSync(
      file,
      [
        header,
        'resnet_ArcFace_SGD,10,0.2,0.05,0.4,0,0,0',
        'resnet_ArcFace_sgd,10,0.4,0.07,0.6,0,0,0',
        'resnet_CosFace_AdamW_0.001_cosine,10,0.1,0.02,0.9,0,0,0',
        'vgg_MagFace_AdamW,10,1.0,0.0,0.0,,0,0',
        'vgg_ArcFace_Adam,10,,,,,,',
      ].join('\n') + '\n',
    );
    const problem = frnasPhase1Problem({ path: file });
    expect(problem.rows).to.have.length(4);
    const sgd = problem.lookup({ backbone: 'resnet', head: 'ArcFace', optimizer: 'sgd', setting: 'default' });
    expect(sgd?.values?.error).to.be.closeTo(0.3, 1e-12);
    expect(sgd?.values?.disparity).to.be.closeTo(0.5, 1e-12);
    expect(sgd?.lines).to.deep.equal([2, 3]);
    const diverged = problem.evaluate({ backbone: 'vgg', head: 'MagFace', optimizer: 'adamw', setting: 'default' }, 10);
    expect(diverged.status === 'failed' && diverged.error).to.include('diverged');
    const empty = problem.evaluate({ backbone: 'vgg', head: 'ArcFace', optimizer: 'adam', setting: 'default' }, 10);
    expect(empty.status === 'failed' && empty.error).to.include('no results');
    const space = problem.space();
    const valid = new Set(problem.rows.map((r) => `${r.backbone}|${r.head}|${r.optimizer}|${r.setting}`));
    for (const c of space.sample(200, 1)) expect(valid.has(`${c.backbone}|${c.head}|${c.optimizer}|${c.setting}`), JSON.stringify(c)).to.equal(true);
    expect(space.isValid({ backbone: 'vgg', head: 'CosFace', optimizer: 'sgd', setting: 'cosine' })).to.equal(false);
    const front = problem.trueFront().map((p) => [...p]).sort((a, b) => a[0] - b[0]);
    expect(front).to.have.length(2);
    [[0.1, 0.9], [0.3, 0.5]].forEach((p, i) => p.forEach((v, k) => expect(front[i][k]).to.be.closeTo(v, 1e-12)));
    expect(() => problem.evaluate({ backbone: 'vgg', head: 'ArcFace', optimizer: 'adam', setting: 'default' }, 5)).to.throw('only has results at 10 epochs');
  });

  it('a malformed row is one error naming file, line and field', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, [header, 'resnet_ArcFace_SGD,10,0.2,0.05,0.4,0,0,0', 'resnet_ArcFace_Adam,10,abc,0.05,0.4,0,0,0'].join('\n'));
    expect(() => readFrnasPhase1Table(file)).to.throw(`${file}:3: field "Error"`);
    writeFileSync(file, [header, 'resnet_Softmax_SGD,10,0.2,0.05,0.4,0,0,0'].join('\n'));
    expect(() => readFrnasPhase1Table(file)).to.throw(`${file}:2: field "index"`);
    writeFileSync(file, 'index,epoch,Error\nresnet_ArcFace_SGD,10,0.2\n');
    expect(() => readFrnasPhase1Table(file)).to.throw(`${file}:1: missing column "Rank Disparity"`);
    expect(() => frnasPhase1Problem({ path: join(dir, 'absent.csv') })).to.throw('cannot read the FR-NAS phase-1 table');
  });

  it('the real table: 355 rows, 353 configurations, diverged rows failed, true front from the table', function () {
    const path = phase1Path();
    if (!path) {
      console.log('    (../shared/data/frnas_results/vgg_val_phase1.csv absent: skipped)');
      this.skip();
    }
    const problem = frnasPhase1Problem({ path });
    expect(problem.rows).to.have.length(353);
    const failed = problem.rows.filter((r) => !r.values);
    expect(failed.length).to.be.within(50, 55);
    const ok = problem.rows.flatMap((r) => (r.values ? [[r.values.error, r.values.disparity]] : []));
    expect(problem.trueFront()).to.deep.equal(nonDominatedSort(ok)[0].map((i) => ok[i]));
    for (const row of problem.rows) {
      const config = { backbone: row.backbone, head: row.head, optimizer: row.optimizer, setting: row.setting };
      expect(problem.space().isValid(config), JSON.stringify(config)).to.equal(true);
    }
  });

  it('run_optuna.py reads the real table the same way', function () {
    const path = phase1Path();
    if (!path || !hasOptuna()) {
      console.log('    (table or Optuna absent: skipped)');
      this.skip();
    }
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(repoRoot, 'benchmarks', 'optuna'))})`,
      'import run_optuna as r',
      `t = r.read_phase1(${JSON.stringify(path)}, "Rank Disparity")`,
      'print(json.dumps({"|".join(k): v for k, v in t.items()}))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const python = JSON.parse(run.stdout) as Record<string, number[] | null>;
    const problem = frnasPhase1Problem({ path });
    expect(Object.keys(python).sort()).to.deep.equal(problem.rows.map((r) => `${r.backbone}|${r.head}|${r.optimizer}|${r.setting}`).sort());
    for (const r of problem.rows) {
      const theirs = python[`${r.backbone}|${r.head}|${r.optimizer}|${r.setting}`];
      if (!r.values) expect(theirs).to.equal(null);
      else {
        expect(theirs?.[0]).to.be.closeTo(r.values.error, 1e-12);
        expect(theirs?.[1]).to.be.closeTo(r.values.disparity, 1e-9);
      }
    }
  });

  it('run_optuna.py on a tiny budget writes trials.csv that frnas reads', function () {
    this.timeout(60_000);
    if (!hasOptuna()) {
      console.log(`    (${PYTHON} has no optuna — apt-get install python3-optuna: skipped)`);
      this.skip();
    }
    const out = join(dir, 'optuna.csv');
    const run = spawnSync(
      PYTHON,
      ['benchmarks/optuna/run_optuna.py', '--problems', 'zdt1,dtlz2', '--samplers', 'RandomSampler,TPESampler', '--seeds', '1', '--synthetic-budget', '81', '--out', out],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(run.status, run.stderr).to.equal(0);
    const records = readTrialRecords(out);
    expect(records).to.have.length(2 * 2 * 3);
    for (const r of records) {
      expect(r.library).to.equal('optuna');
      expect(r.budget).to.equal(27);
      expect(r.values).to.have.length(r.problem === 'dtlz2' ? 3 : 2);
    }
    expect(readFileSync(out, 'utf8').split('\n')[0]).to.equal(
      'library,problem,method,seed,trial,budget,cost_epochs,epochs_spent,finish_time,status,objective_1,objective_2,objective_3',
    );
  });
});
