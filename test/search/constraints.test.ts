import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Space } from '../../lib/space/index.js';
import {
  Asha,
  RandomForestProposer,
  Study,
  SuccessiveHalving,
  TpeProposer,
  constraintViolation,
  isFeasible,
  optimize,
  type Proposer,
  type Trial,
} from '../../lib/search/index.js';

// Two objectives on x, y in [0, 1]: f1 = x, f2 = 1 - x + y. The constraint x >= 0.5 (0.5 - x <= 0) cuts away the
// half of the front with the best f1, so an unconstrained search would put infeasible points on its front.
const space = Space.fromJSON({ hyperparameters: { x: { type: 'float', lower: 0, upper: 1 }, y: { type: 'float', lower: 0, upper: 1 } } });
const objectives = [
  { name: 'f1', direction: 'minimize' as const },
  { name: 'f2', direction: 'minimize' as const },
];
const values = (c: Record<string, unknown>): { f1: number; f2: number } => ({ f1: c.x as number, f2: 1 - (c.x as number) + (c.y as number) });
const constraints = (t: Trial): number[] => [0.5 - (t.config.x as number)];

function tellAll(study: Study, n: number): void {
  for (let i = 0; i < n; i++) {
    const trial = study.ask();
    study.tell(trial.id, { values: values(trial.config) });
  }
}

describe('search: constraints', () => {
  it('stores the values when told, keeps infeasible trials off the front, and resumes from the journal without calling again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-constraints-'));
    try {
      let calls = 0;
      const counted = (t: Trial): number[] => (calls++, constraints(t));
      const { trials, paretoFront } = await optimize({ space, objectives, constraints: counted, storage: dir, seed: 3, stop: { trials: 60 }, evaluate: (c) => values(c) });
      expect(calls).to.equal(60);
      for (const t of trials) expect(t.attributes.constraints).to.deep.equal([0.5 - (t.config.x as number)]);
      const infeasible = trials.filter((t) => !isFeasible(t));
      expect(infeasible.length).to.be.greaterThan(5);
      expect(paretoFront.length).to.be.greaterThan(0);
      expect(paretoFront.every((t) => (t.config.x as number) >= 0.5)).to.equal(true);
      // Without constraints the same trials give a front with infeasible members: the filter is doing the work.
      const free = Study.inMemory({ space, objectives, seed: 3 });
      tellAll(free, 60);
      expect(free.paretoFront().some((t) => (t.config.x as number) < 0.5)).to.equal(true);
      const reopened = Study.open(dir, { space, objectives, constraints: () => { throw new Error('must not be called on replay'); } });
      expect(reopened.paretoFront().map((t) => t.id)).to.deep.equal(paretoFront.map((t) => t.id));
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a constraints function that throws or answers nonsense fails that trial with the reason; the search goes on', async () => {
    const { trials } = await optimize({
      space, objectives, stop: { trials: 12 }, seed: 1,
      constraints: (t) => ((t.id % 3 === 0 ? (t.id % 2 === 0 ? 'bad' : [NaN]) : [0]) as number[]),
      evaluate: (c) => values(c),
    });
    expect(trials.filter((t) => t.status === 'failed').map((t) => t.id)).to.deep.equal([0, 3, 6, 9]);
    expect(trials[0].error).to.match(/^constraints: constraints must return a non-empty array of numbers/);
    expect(trials[1].status).to.equal('ok');
    expect(() => Study.inMemory({ space, objectives, constraints: 5 as unknown as () => number[] })).to.throw(/"constraints" must be a function/);
  });

  it('promotes feasible results before infeasible ones (SH and ASHA)', () => {
    const fidelity = { min: 1, max: 9, eta: 3 };
    const promotedFromRung0 = (scheduler: () => SuccessiveHalving | Asha, withConstraints: boolean): Trial[] => {
      // x >= 0.3 feasible: rung 0 holds more feasible results than it promotes, so no infeasible one need go up.
      const mild = (t: Trial): number[] => [0.3 - (t.config.x as number)];
      const study = Study.inMemory({ space, objectives: [{ name: 'loss', direction: 'minimize' }], fidelity, scheduler: scheduler(), constraints: withConstraints ? mild : undefined, seed: 5 });
      const parents: Trial[] = [];
      for (let i = 0; i < 40; i++) {
        const trial = study.ask();
        if (trial.rung === 1 && trial.parentTrialId !== undefined) parents.push(study.trials()[trial.parentTrialId]);
        // The loss favours infeasible configurations (small x): without the rule they are promoted first.
        study.tell(trial.id, { values: { loss: trial.config.x as number } });
      }
      return parents;
    };
    for (const scheduler of [() => new SuccessiveHalving(), () => new Asha()]) {
      const name = scheduler().name;
      const constrained = promotedFromRung0(scheduler, true);
      expect(constrained.length, name).to.be.greaterThan(3);
      expect(constrained.every((t) => (t.config.x as number) >= 0.3), name).to.equal(true);
      // The same search without constraints promotes infeasible configurations: the rule is doing the work.
      expect(promotedFromRung0(scheduler, false).some((t) => (t.config.x as number) < 0.3), name).to.equal(true);
    }
  });

  it('ranks infeasible results by violation when too few are feasible', () => {
    const study = Study.inMemory({ space, objectives: [{ name: 'loss', direction: 'minimize' }], fidelity: { min: 1, max: 3, eta: 3 }, scheduler: new Asha(), seed: 2 });
    // Told constraints directly (ask/tell): all infeasible, violations 0.3, 0.1, 0.2; loss would pick the first.
    for (const violation of [0.3, 0.1, 0.2]) {
      const trial = study.ask();
      study.tell(trial.id, { values: { loss: violation * -10 }, attributes: { constraints: [violation, -1] } });
    }
    const promoted = study.ask();
    expect(promoted.parentTrialId).to.equal(1);
    expect(constraintViolation(study.trials()[1])).to.be.closeTo(0.1, 1e-12);
  });

  for (const [name, make] of [['tpe', () => new TpeProposer({ initialDesign: 10 })], ['rf', () => new RandomForestProposer({ initialDesign: 10 })]] as const) {
    it(`the ${name} proposer treats infeasible results as bad: its model proposals are mostly feasible`, () => {
      const proposals = (withConstraints: boolean): number => {
        const study = Study.inMemory({ space, objectives, proposer: make() as Proposer, constraints: withConstraints ? constraints : undefined, seed: 11 });
        let feasible = 0;
        for (let i = 0; i < 50; i++) {
          const trial = study.ask();
          if (i >= 20 && (trial.config.x as number) >= 0.5) feasible++;
          study.tell(trial.id, { values: values(trial.config) });
        }
        return feasible;
      };
      // 30 model proposals after 20 trials: told the constraint, the proposer avoids x < 0.5, which its objectives favour.
      const told = proposals(true);
      expect(told).to.be.at.least(22);
      expect(told).to.be.greaterThan(proposals(false));
    });
  }
});
