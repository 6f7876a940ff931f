import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { Space } from '../../lib/space/index.js';
import { boxSpace, context, initialDesignHistory, multiBudgetHistory, sphere, trial } from './helpers/proposer-fixtures.js';
import type { Configuration } from '../../lib/space/types.js';
import type { ObjectiveSpec, Trial } from '../../lib/search/types.js';
import { TpeProposer, defaultWeights, splitByBudgetReached, splitObservations } from '../../lib/search/proposers/tpe/index.js';
import { categoricalParzen, logDensity, normalCdf, normalQuantile, numericParzen, sampleParzen } from '../../lib/search/proposers/tpe/parzen.js';
import { optimize } from '../../lib/search/index.js';
import { hypervolume } from '../../lib/pareto/index.js';
import { analyticProblem } from '../../lib/bench/index.js';

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];

describe('TPE Parzen estimators', () => {
  it('standard normal CDF and quantile are accurate and inverse to each other', () => {
    expect(normalCdf(0)).to.be.closeTo(0.5, 1e-7);
    expect(normalCdf(1.959963985)).to.be.closeTo(0.975, 1e-7);
    expect(normalCdf(-3)).to.be.closeTo(0.0013498980, 1e-8);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).to.be.closeTo(p, 1e-6 * Math.max(1, p * 10));
  });

  it("sets bandwidths by Optuna's rule (larger neighbour gap, prior among the neighbours, magic clip)", () => {
    // Worked by hand: prior 0.5 sorted in, ends 0 and 1 added, endpoints use their inner gap, clip to [1/10, 1].
    const observations = [0.1, 0.15, 0.3, 0.9, 0.95, 0.7, 0.6, 0.05];
    const parzen = numericParzen(observations, observations.map(() => 1), 1);
    const expected = [0.1, 0.15, 0.2, 0.2, 0.1, 0.2, 0.1, 0.1, 1];
    Array.from(parzen.sigmas).forEach((s, i) => expect(s, `sigma ${i}`).to.be.closeTo(expected[i], 1e-12));
    expect(Array.from(parzen.mus)).to.deep.equal([...observations, 0.5]);
    Array.from(parzen.weights).forEach((w) => expect(w).to.be.closeTo(1 / 9, 1e-12));
  });

  it('has a truncated density that integrates to 1 on [0, 1] and that its samples follow', () => {
    const parzen = numericParzen([0.05, 0.2, 0.22, 0.8], [1, 2, 1, 0.5], 1);
    const bins = 20;
    const mass = new Array<number>(bins).fill(0);
    const steps = 4000;
    let total = 0;
    for (let i = 0; i < steps; i++) {
      const x = (i + 0.5) / steps;
      const p = Math.exp(logDensity(parzen, x)) / steps;
      total += p;
      mass[Math.min(bins - 1, Math.floor(x * bins))] += p;
    }
    expect(total).to.be.closeTo(1, 1e-3);
    const rng = seedrandom('parzen');
    const n = 40000;
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < n; i++) {
      const x = sampleParzen(parzen, rng);
      expect(x).to.be.within(0, 1);
      counts[Math.min(bins - 1, Math.floor(x * bins))]++;
    }
    counts.forEach((c, b) => expect(c / n, `bin ${b}`).to.be.closeTo(mass[b], 0.01));
  });

  it('mixes categorical observations with a uniform prior', () => {
    // Two observations of choice 0 and one of 2, weights 1, prior 1: each observation puts 1 + 1/4 spread.
    const parzen = categoricalParzen([0, 0, 2], [1, 1, 1], 1, 3);
    const obs = (c: number, k: number) => ((c === k ? 1 : 0) + 0.25) / 1.75;
    const expected = [0, 1, 2].map((c) => (obs(c, 0) * 2 + obs(c, 2)) / 4 + 1 / 12);
    Array.from(parzen.probabilities).forEach((p, c) => expect(p).to.be.closeTo(expected[c], 1e-12));
    expect(parzen.probabilities.reduce((s, p) => s + p, 0)).to.be.closeTo(1, 1e-12);
    expect(logDensity(parzen, 1)).to.be.closeTo(Math.log(expected[1]), 1e-12);
  });
});

describe('TPE split into good and other observations', () => {
  it("has Optuna's default weights: a linear ramp for all but the newest 25", () => {
    expect(defaultWeights(3)).to.deep.equal([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).to.have.length(30);
    [1 / 30, 0.275, 0.5166666666666667, 0.7583333333333333, 1].forEach((v, i) => expect(w[i]).to.be.closeTo(v, 1e-12));
    expect(w.slice(5).every((v) => v === 1)).to.equal(true);
  });

  it('takes the lowest losses for one objective', () => {
    const split = splitObservations([[5], [1], [3], [0.5], [9]], 2);
    expect(split.below).to.deep.equal([1, 3]);
    expect(split.above).to.deep.equal([0, 2, 4]);
    expect(split.belowWeights).to.deep.equal([1, 1]);
  });

  it('takes whole fronts, thins the last one by hypervolume and weights by contribution (hand-made case)', () => {
    // Front 0: A(1,5) B(2,3) C(4,1); front 1: D(3,4) E(5,2); front 2: F(6,6). Four good ones: front 0 + one of
    // D, E. Reference of front 1: (5.5, 4.4); D alone 2.5 x 0.4 = 1.0 < E alone 0.5 x 2.4 = 1.2, so E.
    const losses = [[3, 4], [1, 5], [6, 6], [2, 3], [5, 2], [4, 1]]; // D A F B E C
    const split = splitObservations(losses, 4);
    expect(split.below).to.deep.equal([1, 3, 4, 5]);
    expect(split.above).to.deep.equal([0, 2]);
    // Contributions with reference (5.5, 5.5): A 1 x 0.5, B 2 x 2, E dominated by C: 0, C 1.5 x 2 less the
    // 0.5 x 1 that E still covers without C = 2.5.
    const [a, b, e, c] = split.belowWeights;
    expect(a).to.be.closeTo(0.125, 1e-12);
    expect(b).to.equal(1);
    expect(e).to.be.below(1e-9);
    expect(c).to.be.closeTo(0.625, 1e-12);
  });
});

describe('TpeProposer', () => {
  const objectives: ObjectiveSpec[] = [{ name: 'loss', direction: 'minimize' }];

  it('starts with the random initial design, then uses the model', () => {
    const space = boxSpace(3);
    const proposer = new TpeProposer({ initialDesign: 5, minPointsForModel: 5 });
    const history = initialDesignHistory(proposer, space, objectives, 5);
    proposer.propose(context(space, objectives, history, 'after'));
    expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 27, trainingPoints: 5, goodPoints: 1 });
  });

  it('is deterministic: same history and stream, same proposal', () => {
    const space = boxSpace(4);
    const history = space.sample(30, 'history').map((c, i) => trial(space, i, c, 27, { loss: sphere(space, c) }));
    const a = new TpeProposer().propose(context(space, objectives, history, 'same'));
    const b = new TpeProposer().propose(context(space, objectives, history, 'same'));
    expect(a).to.deep.equal(b);
    expect(new TpeProposer().propose(context(space, objectives, history, 'other'))).to.not.deep.equal(a);
  });

  it("with 'highest-budget', fits on the highest budget with enough ok results, failed trials among the others", () => {
    const space = boxSpace(3);
    const history = multiBudgetHistory(space);
    const proposer = new TpeProposer({ minPointsForModel: 8, trainingData: 'highest-budget' });
    proposer.propose(context(space, objectives, history, 'budget'));
    expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 3, trainingPoints: 13, goodPoints: 1 });
    const few = new TpeProposer({ minPointsForModel: 31, trainingData: 'highest-budget' });
    few.propose(context(space, objectives, history, 'budget'));
    expect(few.lastProposal?.kind).to.equal('random');
  });

  it("by default ('all-budgets') fits every configuration at the highest budget it reached, min points counted over all", () => {
    const space = boxSpace(3);
    // 30 configurations: 3 reached 9, 7 reached 3, 3 failed at 3 (their ok results at 1 no longer count), 17 stayed at 1.
    const history = multiBudgetHistory(space);
    const proposer = new TpeProposer({ minPointsForModel: 8 });
    proposer.propose(context(space, objectives, history, 'budget'));
    // 27 ok: the good set is ceil(10 %) = 3, exactly the three at budget 9.
    expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 9, trainingPoints: 30, goodPoints: 3 });
    const enough = new TpeProposer({ minPointsForModel: 27 });
    enough.propose(context(space, objectives, history, 'budget'));
    expect(enough.lastProposal?.kind).to.equal('model');
    const few = new TpeProposer({ minPointsForModel: 28 });
    few.propose(context(space, objectives, history, 'budget'));
    expect(few.lastProposal?.kind).to.equal('random');
  });

  it('splits by budget reached first, then by value inside the budget that does not fit (hand-made)', () => {
    const observations = [
      { budget: 1, losses: [0.0] }, // best value of all, but only at budget 1
      { budget: 9, losses: [0.9] },
      { budget: 3, losses: [0.5] },
      { budget: 3, losses: [0.2] },
      { budget: 3, losses: [0.3] },
      { budget: 9, losses: [0.8] },
    ];
    const split = splitByBudgetReached(observations, 3);
    expect([...split.below].sort()).to.deep.equal([1, 3, 5]);
    expect(split.belowWeights).to.deep.equal([1, 1, 1]);
    expect(split.above).to.deep.equal([0, 2, 4]);
    expect(splitByBudgetReached(observations, 5).below.sort()).to.deep.equal([1, 2, 3, 4, 5]);
    // Two objectives: budget 9 fits whole; at budget 3 the dominated point is left out, then hypervolume picks.
    const two = [
      { budget: 3, losses: [0.1, 0.9] },
      { budget: 3, losses: [0.5, 0.5] },
      { budget: 3, losses: [0.6, 0.6] },
      { budget: 9, losses: [0.7, 0.7] },
      { budget: 3, losses: [0.9, 0.1] },
    ];
    const mo = splitByBudgetReached(two, 3);
    expect(mo.below).to.include(3);
    expect(mo.below).to.not.include(2);
    expect(mo.below).to.have.length(3);
    expect(mo.above).to.include(2);
  });

  it('proposes valid configurations that are neither evaluated nor pending until a tiny discrete space is exhausted', () => {
    const space = Space.fromJSON({
      hyperparameters: {
        a: { type: 'categorical', choices: ['p', 'q', 'r', 's'], default: 'p' },
        b: { type: 'ordinal', sequence: [1, 2, 3, 4], default: 1 },
      },
    });
    const score = (c: Configuration) => ['p', 'q', 'r', 's'].indexOf(c.a as string) + (c.b as number);
    const proposer = new TpeProposer({ initialDesign: 4, minPointsForModel: 4 });
    const history: Trial[] = [];
    const pending = [{ a: 'p', b: 1 }];
    for (let i = 0; i < 15; i++) {
      const config = proposer.propose(context(space, objectives, history, `d${i}`, pending));
      expect(space.isValid(config)).to.equal(true);
      const id = space.configId(config);
      expect(history.some((t) => t.configId === id) || id === space.configId(pending[0]), `proposal ${i} repeats ${id}`).to.equal(false);
      history.push(trial(space, i, config, 27, { loss: score(config) }));
    }
  });

  it('handles the FR-NAS space: categoricals, conditional (inactive) learning rates and failed trials, two objectives', () => {
    const space = Space.fromFile(fileURLToPath(new URL('../../search-spaces/frnas-dpn.json', import.meta.url)));
    const two: ObjectiveSpec[] = [{ name: 'error', direction: 'minimize' }, { name: 'accuracy', direction: 'maximize' }];
    const history = space.sample(40, 'frnas').map((c, i) => {
      if (c.optimizer === 'SGD' && (c.lr_sgd as number) > 0.5) return trial(space, i, c, 9, {}, 'failed');
      return trial(space, i, c, 9, { error: Number(c.edge1) / 9 + (c.head === 'ArcFace' ? 0.1 : 0), accuracy: 1 - Number(c.edge3) / 9 });
    });
    const taken = new Set(history.map((t) => t.configId));
    for (const seed of ['f1', 'f2', 'f3']) {
      const proposer = new TpeProposer();
      const config = proposer.propose(context(space, two, history, seed));
      expect(proposer.lastProposal?.kind).to.equal('model');
      expect(space.isValid(config)).to.equal(true);
      expect(taken.has(space.configId(config))).to.equal(false);
    }
  });

  it('rejects bad options with one clear error', () => {
    expect(() => new TpeProposer({ randomFraction: 2 })).to.throw(/randomFraction/);
    expect(() => new TpeProposer({ initialDesign: -1 })).to.throw(/initialDesign/);
    expect(() => new TpeProposer({ candidates: 0 })).to.throw(/candidates/);
    expect(() => new TpeProposer({ priorWeight: 0 })).to.throw(/priorWeight/);
    expect(() => new TpeProposer({ bandwidthFactor: -1 })).to.throw(/bandwidthFactor/);
    expect(() => new TpeProposer({ minPointsForModel: 1 })).to.throw(/minPointsForModel/);
    expect(() => new TpeProposer({ trainingData: 'every-budget' as 'all-budgets' })).to.throw(/TpeProposer: trainingData must be one of highest-budget, all-budgets, got "every-budget"/);
  });

  it("is the 'tpe' proposer of optimize and gives the same study twice under Hyperband", async () => {
    const space = boxSpace(3);
    const run = async () => (await optimize({
      space, objectives, fidelity: { min: 1, max: 9, eta: 3 }, scheduler: 'hyperband', proposer: 'tpe', seed: 7, stop: { trials: 80 },
      evaluate: (config, budget) => ({ loss: sphere(space, config) + 1 / budget }),
    })).trials.map((t) => `${t.configId}@${t.budget}`);
    const first = await run();
    expect(first).to.have.length(80);
    expect(await run()).to.deep.equal(first);
  });

  it('beats random search on a 4-D quadratic over seeds (best value after 50 evaluations)', async function () {
    this.timeout(30000);
    const space = boxSpace(4);
    const best = async (proposer: 'tpe' | 'random', seed: number) => {
      const { trials } = await optimize({
        space, objectives, fidelity: { min: 1, max: 1, eta: 3 }, scheduler: 'random', proposer, seed, stop: { trials: 50 },
        evaluate: (config) => ({ loss: sphere(space, config) }),
      });
      return Math.min(...trials.map((t) => t.values.loss));
    };
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 7; seed++) {
      tpe.push(await best('tpe', seed));
      random.push(await best('random', seed));
    }
    expect(tpe.filter((v, i) => v < random[i]).length, `tpe ${tpe.join(', ')} vs random ${random.join(', ')}`).to.be.at.least(5);
    expect(median(tpe)).to.be.below(median(random) / 2);
  });

  it('finds more hypervolume than random search on DTLZ2 at full fidelity (3 objectives)', async function () {
    this.timeout(60000);
    const problem = analyticProblem('dtlz2');
    const run = async (proposer: 'tpe' | 'random', seed: number) => {
      const { trials } = await optimize({
        space: problem.space(), objectives: problem.objectives, fidelity: { min: 27, max: 27, eta: 3 }, scheduler: 'random', proposer, seed,
        stop: { trials: 60 }, evaluate: (config) => {
          const result = problem.evaluate(config, 27);
          if (result.status !== 'ok') throw new Error(result.error);
          return result.values;
        },
      });
      return hypervolume(trials.map((t) => problem.objectives.map((o) => t.values[o.name])), problem.referencePoint);
    };
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      tpe.push(await run('tpe', seed));
      random.push(await run('random', seed));
    }
    expect(median(tpe), `tpe ${tpe.join(', ')} vs random ${random.join(', ')}`).to.be.above(median(random) * 1.15);
  });

  it("under ASHA on DTLZ2, 'all-budgets' finds more hypervolume than 'highest-budget' (median of 5 seeds, 1,200 epochs)", async function () {
    this.timeout(60000);
    const problem = analyticProblem('dtlz2');
    const run = async (trainingData: 'all-budgets' | 'highest-budget', seed: number) => {
      const { trials } = await optimize({
        space: problem.space(), objectives: problem.objectives, fidelity: problem.fidelity, scheduler: 'asha', proposer: new TpeProposer({ trainingData }), seed,
        stop: { budget: 1200 }, evaluate: (config, budget) => {
          const result = problem.evaluate(config, budget);
          if (result.status !== 'ok') throw new Error(result.error);
          return result.values;
        },
      });
      // The true objectives of the configurations that reached the full budget (as the benchmarks count them).
      const full = trials.filter((t) => t.status === 'ok' && t.budget === problem.fidelity.max);
      return hypervolume(full.map((t) => problem.trueObjectives(problem.space().hyperparameters.map((hp) => t.config[hp.name] as number))), problem.referencePoint);
    };
    const all: number[] = [];
    const highest: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      all.push(await run('all-budgets', seed));
      highest.push(await run('highest-budget', seed));
    }
    expect(median(all), `all-budgets ${all.join(', ')} vs highest-budget ${highest.join(', ')}`).to.be.above(median(highest) * 1.5);
  });
});
