import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { Space } from '../../lib/space/index.js';
import { FIDELITY, boxSpace, context, initialDesignHistory, multiBudgetHistory, sphere, trial } from './helpers/proposer-fixtures.js';
import type { Configuration } from '../../lib/space/types.js';
import type { ObjectiveSpec, ProposalContext, Trial } from '../../lib/search/types.js';
import { RandomForestProposer, type RandomForestTrainingData } from '../../lib/search/proposers/random-forest/index.js';
import { analyticProblem, runMetrics, runSimulated } from '../../lib/bench/index.js';
import { optimize, TpeProposer } from '../../lib/search/index.js';
import { faceSearchProposer } from '../../lib/workflows/index.js';


/** A sequential search: propose, evaluate at the max budget, tell. Returns the best value after each evaluation. */
function runSearch(space: Space, propose: (ctx: ProposalContext) => Configuration, f: (c: Configuration) => number, evaluations: number, seed: string): number[] {
  const objectives: ObjectiveSpec[] = [{ name: 'loss', direction: 'minimize' }];
  const history: Trial[] = [];
  const best: number[] = [];
  for (let i = 0; i < evaluations; i++) {
    const config = propose({ ...context(space, objectives, history, `${seed}|${i}`), budget: FIDELITY.max });
    const value = f(config);
    history.push(trial(space, i, config, FIDELITY.max, { loss: value }));
    best.push(Math.min(value, best.length ? best[best.length - 1] : Infinity));
  }
  return best;
}

describe('RandomForestProposer', () => {
  const objectives: ObjectiveSpec[] = [{ name: 'loss', direction: 'minimize' }];

  it('starts with the random initial design', () => {
    const space = boxSpace(3);
    const proposer = new RandomForestProposer({ initialDesign: 5 });
    const history = initialDesignHistory(proposer, space, objectives, 5);
    proposer.propose(context(space, objectives, history, 'after'));
    expect(proposer.lastProposal?.kind).to.not.equal('initial');
  });

  it('is deterministic: same history and stream, same proposal', () => {
    const space = boxSpace(4);
    const sampled = space.sample(30, 'history');
    const history = sampled.map((c, i) => trial(space, i, c, 27, { loss: sphere(space, c) }));
    const a = new RandomForestProposer({ randomFraction: 0 }).propose(context(space, objectives, history, 'same'));
    const proposer = new RandomForestProposer({ randomFraction: 0 });
    const b = proposer.propose(context(space, objectives, history, 'same'));
    expect(proposer.lastProposal?.kind).to.equal('model');
    expect(a).to.deep.equal(b);
    const c = new RandomForestProposer({ randomFraction: 0 }).propose(context(space, objectives, history, 'other'));
    expect(c).to.not.deep.equal(a);
  });

  it('proposes valid configurations that are neither evaluated nor pending, also in a tiny discrete space', () => {
    const space = Space.fromJSON({
      hyperparameters: {
        a: { type: 'categorical', choices: ['p', 'q', 'r', 's'], default: 'p' },
        b: { type: 'ordinal', sequence: [1, 2, 3, 4], default: 1 },
      },
    });
    const all: Configuration[] = [];
    for (const a of ['p', 'q', 'r', 's']) for (const b of [1, 2, 3, 4]) all.push({ a, b });
    const score = (c: Configuration) => ['p', 'q', 'r', 's'].indexOf(c.a as string) + (c.b as number);
    const history = all.slice(0, 12).map((c, i) => trial(space, i, c, 27, { loss: score(c) }));
    const pending = all.slice(12, 14);
    const remaining = new Set(all.slice(14).map((c) => space.configId(c)));
    for (let s = 0; s < 5; s++) {
      const proposer = new RandomForestProposer({ initialDesign: 0, randomFraction: 0, minPointsForModel: 5 });
      const config = proposer.propose(context(space, objectives, history, `tiny${s}`, pending));
      expect(space.isValid(config)).to.equal(true);
      expect(remaining.has(space.configId(config)), JSON.stringify(config)).to.equal(true);
    }
  });

  it('trains on the highest budget with enough ok results and imputes failures there', () => {
    const space = boxSpace(3);
    const history = multiBudgetHistory(space);
    const proposer = new RandomForestProposer({ randomFraction: 0, minPointsForModel: 8 });
    proposer.propose(context(space, objectives, history, 'budget'));
    expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 3, trainingPoints: 13 });
    // Too few results anywhere: a random proposal.
    const few = new RandomForestProposer({ randomFraction: 0, minPointsForModel: 31 });
    few.propose(context(space, objectives, history, 'budget'));
    expect(few.lastProposal?.kind).to.equal('random');
  });

  it("with trainingData 'all-budgets' trains on every budget, the budget a feature, once enough ok results exist in all", () => {
    const space = boxSpace(3);
    const history = multiBudgetHistory(space);
    const proposer = new RandomForestProposer({ randomFraction: 0, trainingData: 'all-budgets' });
    const config = proposer.propose(context(space, objectives, history, 'budget'));
    expect(space.isValid(config)).to.equal(true);
    // 30 + 10 + 3 ok results and the 3 failed trials; predictions are made at the highest budget seen (9).
    expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 9, trainingPoints: 46 });
    const few = new RandomForestProposer({ randomFraction: 0, minPointsForModel: 44, trainingData: 'all-budgets' });
    few.propose(context(space, objectives, history, 'budget'));
    expect(few.lastProposal?.kind).to.equal('random');
  });

  it("with 'all-budgets' keeps using what low budgets show once the top budget holds a few poor results", () => {
    const space = boxSpace(3);
    // 40 low-budget results show the optimum (0.3, 0.3, 0.3) under a small offset; the 8 results at the top budget all
    // lie in the far corner, so a model of the top budget alone knows little about where the optimum is.
    const low = space.sample(40, 'low').map((c, i) => trial(space, i, c, 1, { loss: sphere(space, c) + 0.05 }));
    const corner = space.sample(400, 'corner').filter((c) => space.encode(c).every((v) => v > 0.6)).slice(0, 8);
    expect(corner).to.have.length(8);
    const top = corner.map((c, i) => trial(space, 40 + i, c, 9, { loss: sphere(space, c) }));
    const history = [...low, ...corner.map((c, i) => trial(space, 48 + i, c, 1, { loss: sphere(space, c) + 0.05 })), ...top];
    const distance = (trainingData: RandomForestTrainingData) => {
      let sum = 0;
      for (let seed = 0; seed < 8; seed++) {
        const proposer = new RandomForestProposer({ randomFraction: 0, trainingData });
        sum += sphere(space, proposer.propose(context(space, objectives, history, `corner${seed}`)));
        expect(proposer.lastProposal).to.include({ kind: 'model', trainingBudget: 9 });
      }
      return sum / 8;
    };
    const all = distance('all-budgets');
    const highest = distance('highest-budget');
    expect(all, `all-budgets ${all} vs highest-budget ${highest}`).to.be.below(highest / 2);
    expect(all).to.be.below(0.15);
  });

  it('scalarises several objectives by ParEGO with weights drawn from the stream', () => {
    const space = boxSpace(3);
    const two: ObjectiveSpec[] = [{ name: 'error', direction: 'minimize' }, { name: 'accuracy', direction: 'maximize' }];
    const history = space.sample(20, 'mo').map((c, i) => {
      const x = space.encode(c);
      return trial(space, i, c, 27, { error: x[0], accuracy: x[1] - x[0] });
    });
    const proposer = new RandomForestProposer({ randomFraction: 0 });
    const config = proposer.propose(context(space, two, history, 'mo'));
    expect(space.isValid(config)).to.equal(true);
    const weights = proposer.lastProposal?.weights ?? [];
    expect(weights).to.have.length(2);
    expect(weights[0] + weights[1]).to.be.closeTo(1, 1e-12);
  });

  it('handles the FR-NAS space: categoricals, conditional (inactive) learning rates and failed trials', () => {
    const space = Space.fromFile(fileURLToPath(new URL('../../search-spaces/frnas-dpn.json', import.meta.url)));
    const two: ObjectiveSpec[] = [{ name: 'error', direction: 'minimize' }, { name: 'disparity', direction: 'minimize' }];
    const history = space.sample(40, 'frnas').map((c, i) => {
      // SGD with a large learning rate "diverges": a failed trial.
      if (c.optimizer === 'SGD' && (c.lr_sgd as number) > 0.5) return trial(space, i, c, 9, {}, 'failed');
      return trial(space, i, c, 9, { error: Number(c.edge1) / 9 + (c.head === 'ArcFace' ? 0.1 : 0), disparity: Number(c.edge3) / 9 });
    });
    const taken = new Set(history.map((t) => t.configId));
    for (const seed of ['f1', 'f2', 'f3']) {
      const proposer = new RandomForestProposer({ randomFraction: 0 });
      const config = proposer.propose(context(space, two, history, seed));
      expect(proposer.lastProposal?.kind).to.equal('model');
      expect(space.isValid(config)).to.equal(true);
      expect(taken.has(space.configId(config))).to.equal(false);
    }
  });

  it('copes with constant costs and with a budget where every trial failed', () => {
    const space = boxSpace(3);
    const configs = space.sample(20, 'flat');
    const flat = configs.map((c, i) => trial(space, i, c, 27, { loss: 1 }));
    const proposer = new RandomForestProposer({ randomFraction: 0 });
    expect(space.isValid(proposer.propose(context(space, objectives, flat, 'flat')))).to.equal(true);
    expect(proposer.lastProposal?.kind).to.equal('model');
    const failed = configs.map((c, i) => trial(space, i, c, 27, {}, 'failed'));
    expect(space.isValid(proposer.propose(context(space, objectives, failed, 'failed')))).to.equal(true);
    expect(proposer.lastProposal?.kind).to.equal('random');
  });

  it('gives the same study twice under Hyperband with the same seed (through optimize)', async () => {
    const space = boxSpace(3);
    const run = async () => (await optimize({
      space, objectives, fidelity: { min: 1, max: 9, eta: 3 }, scheduler: 'hyperband', proposer: new RandomForestProposer(), seed: 7, stop: { trials: 80 },
      evaluate: (config, budget) => ({ loss: sphere(space, config) + 1 / budget }),
    })).trials.map((t) => `${t.configId}@${t.budget}`);
    const first = await run();
    expect(first).to.have.length(80);
    expect(await run()).to.deep.equal(first);
  });

  it("gives the same study twice under ASHA with 'all-budgets' (through optimize)", async () => {
    const space = boxSpace(3);
    const run = async () => (await optimize({
      space, objectives, fidelity: { min: 1, max: 9, eta: 3 }, scheduler: 'asha', seed: 8, stop: { trials: 60 },
      proposer: new RandomForestProposer({ trainingData: 'all-budgets' }),
      evaluate: (config, budget) => ({ loss: sphere(space, config) + 1 / budget }),
    })).trials.map((t) => `${t.configId}@${t.budget}`);
    const first = await run();
    expect(first).to.have.length(60);
    expect(await run()).to.deep.equal(first);
  });

  it('rejects bad options with one clear error', () => {
    expect(() => new RandomForestProposer({ randomFraction: 2 })).to.throw(/randomFraction/);
    expect(() => new RandomForestProposer({ initialDesign: -1 })).to.throw(/initialDesign/);
    expect(() => new RandomForestProposer({ nTrees: 0 })).to.throw(/nTrees/);
    expect(() => new RandomForestProposer({ minPointsForModel: 0 })).to.throw(/minPointsForModel/);
    // @ts-expect-error: not a training-data rule
    expect(() => new RandomForestProposer({ trainingData: 'lowest-budget' })).to.throw(/trainingData must be one of highest-budget, all-budgets/);
  });

  it('beats random search on a 4-D quadratic over seeds (best value after 50 evaluations)', function () {
    this.timeout(30000);
    const space = boxSpace(4);
    const f = (c: Configuration) => sphere(space, c);
    const seeds = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    let wins = 0;
    const rfBest: number[] = [];
    const randomBest: number[] = [];
    for (const seed of seeds) {
      const rf = new RandomForestProposer({ initialDesign: 10 });
      const rfRun = runSearch(space, (ctx) => rf.propose(ctx), f, 50, `rf${seed}`);
      const randomRun = runSearch(space, (ctx) => ctx.space.sampleWith(ctx.rng), f, 50, `rs${seed}`);
      rfBest.push(rfRun[rfRun.length - 1]);
      randomBest.push(randomRun[randomRun.length - 1]);
      if (rfRun[rfRun.length - 1] < randomRun[randomRun.length - 1]) wins++;
    }
    const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
    expect(wins, `rf ${rfBest.join(', ')} vs random ${randomBest.join(', ')}`).to.be.at.least(5);
    expect(median(rfBest)).to.be.below(median(randomBest));
  });
});

describe('faceSearchProposer (the study settings of search() and coordinateSearch())', () => {
  it("builds the 'rf' or 'tpe' proposer with its training-data rule, passes names through, and rejects the rule for other proposers", () => {
    expect(faceSearchProposer({})).to.equal('rf');
    expect(faceSearchProposer({ proposer: 'tpe' })).to.equal('tpe');
    const built = faceSearchProposer({ trainingData: 'all-budgets' });
    expect(built).to.be.instanceOf(RandomForestProposer);
    expect((built as RandomForestProposer).options.trainingData).to.equal('all-budgets');
    const tpe = faceSearchProposer({ proposer: 'tpe', trainingData: 'highest-budget' });
    expect(tpe).to.be.instanceOf(TpeProposer);
    expect((tpe as TpeProposer).options.trainingData).to.equal('highest-budget');
    expect(() => faceSearchProposer({ proposer: 'nsga2', trainingData: 'highest-budget' })).to.throw(/proposerData \(--proposer-data\) applies to the model-based proposers 'rf' and 'tpe' only, got proposer 'nsga2'/);
  });
});

describe("RandomForestProposer 'all-budgets' on a fidelity problem", () => {
  it('finds more hypervolume than the highest-budget rule on ZDT3 under Hyperband (600 epochs, 5 seeds)', function () {
    this.timeout(120_000);
    const problem = analyticProblem('zdt3');
    const finalHypervolume = (trainingData: RandomForestTrainingData, seed: number): number => {
      const method = { name: trainingData, scheduler: 'hyperband' as const, proposer: () => new RandomForestProposer({ trainingData }) };
      return runMetrics(runSimulated({ problem, method, seed, budgetEpochs: 600 }), problem, 600).finalHypervolume;
    };
    const all: number[] = [];
    const highest: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      all.push(finalHypervolume('all-budgets', seed));
      highest.push(finalHypervolume('highest-budget', seed));
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[2];
    expect(median(all), `all-budgets ${all.map((v) => v.toFixed(3))} vs highest-budget ${highest.map((v) => v.toFixed(3))}`).to.be.above(median(highest) * 1.25);
  });
});
