import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMetrics, runSimulated } from '../../lib/bench/index.js';
import { yahpoProblem, type YahpoProblem, type YahpoScenario } from '../../lib/bench/problems/yahpo.js';
import { resolveOnnxRuntime } from '../../lib/bench/problems/onnx-sync.js';
import type { Configuration } from '../../lib/space/types.js';
import { repoRoot, sharedData } from '../support/shared-data.js';

interface ReferenceCase {
  scenario: YahpoScenario;
  instance: string;
  configuration: Record<string, number | string>;
  outputs: Record<string, number>;
}

const FIDELITY_OF: Record<YahpoScenario, string> = { lcbench: 'epoch', rbv2_xgboost: 'trainsize', iaml_glmnet: 'trainsize' };

/** Why the YAHPO tests cannot run here, or undefined when they can. */
function missing(): string | undefined {
  if (!sharedData('yahpo')) return '../shared/data/yahpo is absent';
  try {
    resolveOnnxRuntime();
  } catch {
    return 'onnxruntime-node is not installed';
  }
  return undefined;
}

describe('bench: YAHPO Gym surrogates', function () {
  this.timeout(120_000);
  const problems: YahpoProblem[] = [];
  const open = (scenario: YahpoScenario, instance: string, objectives: string[]): YahpoProblem => {
    const problem = yahpoProblem({ scenario, instance, objectives, dataDir: sharedData('yahpo'), frontSample: 2000 });
    problems.push(problem);
    return problem;
  };
  before(function () {
    const reason = missing();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
  });
  after(() => problems.forEach((p) => p.close()));

  it('answers as the reference values of benchmarks/yahpo/reference.py (yahpo_gym definitions, Python onnxruntime)', () => {
    const reference = JSON.parse(readFileSync(join(repoRoot, 'test/bench/fixtures/yahpo-reference.json'), 'utf8')) as { cases: ReferenceCase[] };
    expect(reference.cases.length).to.be.greaterThan(8);
    const byScenario = new Map<string, YahpoProblem>();
    for (const c of reference.cases) {
      const key = `${c.scenario}/${c.instance}`;
      if (!byScenario.has(key)) byScenario.set(key, open(c.scenario, c.instance, [Object.keys(c.outputs)[0]]));
      const problem = byScenario.get(key) as YahpoProblem;
      const fidelity = c.configuration[FIDELITY_OF[c.scenario]] as number;
      const [answer] = problem.query([c.configuration as Configuration], fidelity);
      // Same model, float32 inputs on both sides: only the two runtimes' arithmetic may differ.
      expect(Object.keys(answer)).to.deep.equal(Object.keys(c.outputs), key);
      for (const [target, value] of Object.entries(c.outputs)) {
        expect(answer[target], `${key} ${target}`).to.be.closeTo(value, 1e-4 * Math.max(1, Math.abs(value)));
      }
    }
  });

  it('maps budgets to the fidelity parameter (lcbench epochs, trainsize fractions) and evaluates through it', () => {
    const lcbench = open('lcbench', '167152', ['val_accuracy', 'val_cross_entropy']);
    expect(lcbench.fidelity).to.deep.equal({ min: 52 / 27, max: 52, eta: 3 });
    expect([52 / 27, 52 / 9, 52 / 3, 52].map((b) => lcbench.fidelityValue(b))).to.deep.equal([2, 6, 17, 52]);
    expect(lcbench.objectives).to.deep.equal([
      { name: 'val_accuracy', direction: 'maximize' },
      { name: 'val_cross_entropy', direction: 'minimize' },
    ]);
    const config = lcbench.space().defaultConfiguration();
    const evaluation = lcbench.evaluate(config, 52);
    const [raw] = lcbench.query([config], 52);
    expect(evaluation).to.deep.equal({ status: 'ok', values: { val_accuracy: raw.val_accuracy, val_cross_entropy: raw.val_cross_entropy } });
    // A different fidelity gives a different answer (the fidelity input is not ignored).
    expect(lcbench.evaluate(config, 52 / 27)).to.not.deep.equal(evaluation);
    const xgboost = open('rbv2_xgboost', '28', ['acc', 'memory']);
    expect(xgboost.fidelityValue(9)).to.equal(1 / 3);
    expect(xgboost.space().names).to.not.include.members(['task_id', 'trainsize', 'repl']);
    // The booster condition carried over: a gblinear configuration has no tree parameters.
    const linear = xgboost.space().sample(50, 3).find((c) => c.booster === 'gblinear');
    expect(linear).to.not.equal(undefined);
    expect(linear).to.not.have.property('max_depth');
  });

  it('estimates the front from a random sample; a short search runs on it', () => {
    const problem = open('rbv2_xgboost', '182', ['acc', 'memory']);
    const front = problem.trueFront();
    expect(front.length).to.be.greaterThan(1);
    const reference = problem.referencePoint;
    // The reference (the sample's median per objective) is worse than the front's best value of each objective.
    expect(reference[0]).to.be.lessThan(Math.max(...front.map((p) => p[0])));
    expect(reference[1]).to.be.greaterThan(Math.min(...front.map((p) => p[1])));
    expect(problem.trueHypervolume()).to.be.greaterThan(0);
    const records = runSimulated({ problem, method: { name: 'hyperband+random', scheduler: 'hyperband', proposer: 'random' }, seed: 1, budgetEpochs: 1500 });
    const metrics = runMetrics(records, problem, 1500);
    expect(metrics.evaluations).to.be.greaterThan(20);
    expect(metrics.finalHypervolume).to.be.greaterThan(0);
  });

  it('refuses an unknown scenario, instance or target with a clear error', () => {
    const dataDir = sharedData('yahpo');
    expect(() => yahpoProblem({ scenario: 'nb301' as YahpoScenario, instance: 'x', objectives: ['acc'], dataDir })).to.throw(/scenario must be one of lcbench/);
    expect(() => yahpoProblem({ scenario: 'lcbench', instance: '42', objectives: ['val_accuracy'], dataDir })).to.throw(/no instance "42"/);
    expect(() => yahpoProblem({ scenario: 'lcbench', instance: '3945', objectives: ['acc'], dataDir })).to.throw(/no target "acc"/);
  });
});
