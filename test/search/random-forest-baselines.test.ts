// The fidelity test problems and the NSGA-II baseline the random-forest proposer is compared with.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { fidelityProblems, fidelityGap, zdt1, dtlz2 } from '../../benchmarks/problems/index.js';
import { Nsga2Proposer } from '../../lib/search/proposers/nsga2.js';
import { hypervolume, paretoFront } from '../../lib/pareto/index.js';
import type { Configuration } from '../../lib/space/types.js';
import type { Trial } from '../../lib/search/types.js';

describe('fidelity test problems', () => {
  for (const problem of fidelityProblems()) {
    describe(problem.name, () => {
      const space = problem.space();
      const configs = space.sample(200, `${problem.name}-configs`);

      it('evaluates deterministically per (configuration, budget) and exactly at the full budget', () => {
        for (const c of configs.slice(0, 20)) {
          expect(problem.evaluate(c, 3)).to.deep.equal(problem.evaluate({ ...c }, 3));
          const full = problem.evaluate(c, problem.fidelity.max);
          const truth = problem.trueObjectives(problem.variables(c));
          problem.objectives.forEach((o, i) => expect(full[o.name]).to.be.closeTo(truth[i], 1e-12));
        }
      });

      it('errs less as the budget grows', () => {
        const meanError = (budget: number) => {
          let sum = 0;
          for (const c of configs) {
            const observed = problem.evaluate(c, budget);
            const truth = problem.trueObjectives(problem.variables(c));
            problem.objectives.forEach((o, i) => (sum += Math.abs(observed[o.name] - truth[i])));
          }
          return sum / configs.length;
        };
        const errors = [1, 3, 9, 27].map(meanError);
        expect(errors[0]).to.be.above(errors[1]);
        expect(errors[1]).to.be.above(errors[2]);
        expect(errors[2]).to.be.above(errors[3]);
        expect(errors[3]).to.equal(0);
      });

      it('has a non-dominated true front inside the reference point that no sample beats', () => {
        const front = problem.paretoFront();
        expect(front.length).to.be.at.least(20);
        expect(paretoFront(front)).to.have.length(front.length);
        for (const p of front) p.forEach((v, i) => expect(v).to.be.below(problem.referencePoint[i]));
        const frontVolume = hypervolume(front, problem.referencePoint);
        const sampled = configs.map((c) => problem.trueObjectives(problem.variables(c)));
        expect(hypervolume(sampled, problem.referencePoint)).to.be.below(frontVolume);
      });
    });
  }

  it('maps budgets to a log-scaled gap: 1 at the minimum, 0 at the maximum', () => {
    [1, 2 / 3, 1 / 3, 0].forEach((gap, i) => expect(fidelityGap([1, 3, 9, 27][i])).to.be.closeTo(gap, 1e-12));
    expect(() => fidelityGap(30)).to.throw(/outside the fidelity range/);
    expect(() => zdt1().evaluate({ x0: 2 }, 27)).to.throw(/x0/);
  });
});

describe('Nsga2Proposer', () => {
  function run(seed: string, evaluations: number): { history: Trial[]; proposer: Nsga2Proposer } {
    const problem = zdt1(4);
    const space = problem.space();
    const proposer = new Nsga2Proposer({ populationSize: 12 });
    const history: Trial[] = [];
    const pending: Configuration[] = [];
    for (let i = 0; i < evaluations; i++) {
      const config = proposer.propose({
        space, objectives: problem.objectives, history, pending, budget: 27, fidelity: problem.fidelity, rng: seedrandom(`${seed}|${i}`),
      });
      expect(space.isValid(config)).to.equal(true);
      history.push({
        id: i, config, configId: space.configId(config), budget: 27, status: 'ok', values: problem.evaluate(config, 27), cost: { seconds: 0, budget: 27 }, attributes: {},
      });
    }
    return { history, proposer };
  }

  it('is deterministic and never repeats a configuration', () => {
    const a = run('n', 60).history;
    const b = run('n', 60).history;
    expect(a.map((t) => t.configId)).to.deep.equal(b.map((t) => t.configId));
    expect(new Set(a.map((t) => t.configId)).size).to.equal(a.length);
  });

  it('improves the hypervolume over its random initial population on ZDT1', () => {
    const problem = zdt1(4);
    let better = 0;
    for (const seed of ['s1', 's2', 's3']) {
      const { history } = run(seed, 150);
      const points = history.map((t) => problem.objectives.map((o) => t.values[o.name]));
      // Random search with the same number of evaluations.
      const random = problem.space().sample(150, `random-${seed}`).map((c) => problem.trueObjectives(problem.variables(c)));
      const reference = [1.1, 10];
      if (hypervolume(points, reference) > hypervolume(random, reference)) better++;
    }
    expect(better).to.equal(3);
  });

  it('rejects bad options', () => {
    expect(() => new Nsga2Proposer({ populationSize: 1 })).to.throw(/populationSize/);
    expect(() => new Nsga2Proposer({ crossoverProbability: 2 })).to.throw(/crossoverProbability/);
  });

  it('works for three objectives (DTLZ2)', () => {
    const problem = dtlz2();
    const space = problem.space();
    const proposer = new Nsga2Proposer({ populationSize: 5 });
    const history: Trial[] = space.sample(8, 'd').map((c, i) => ({
      id: i, config: c, configId: space.configId(c), budget: 27, status: 'ok', values: problem.evaluate(c, 27), cost: { seconds: 0, budget: 27 }, attributes: {},
    }));
    const config = proposer.propose({ space, objectives: problem.objectives, history, pending: [], budget: 27, fidelity: problem.fidelity, rng: seedrandom('d3') });
    expect(space.isValid(config)).to.equal(true);
  });
});
