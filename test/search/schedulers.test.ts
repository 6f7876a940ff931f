import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { Asha, Study, SuccessiveHalving, rankByNonDominationAndCrowding, type Direction, type Trial } from '../../lib/search/index.js';
import { toySpace } from './helpers/toy-space.js';

const loss = [{ name: 'loss', direction: 'minimize' as const }];

function study(scheduler: 'sh' | 'asha' | 'hyperband' | 'random', fidelity = { min: 1, max: 9, eta: 3 }): Study {
  return Study.inMemory({ space: toySpace(), objectives: loss, fidelity, scheduler, seed: 7 });
}

describe('search: schedulers', () => {
  it('ASHA promotes as soon as a rung holds eta results per promotion, best first, never waiting', () => {
    const s = study('asha');
    const told: Record<number, number> = {};
    const step = (value: number): Trial => {
      const t = s.ask();
      s.tell(t.id, { values: { loss: value } });
      told[t.id] = value;
      return t;
    };
    const t0 = step(0.5);
    const t1 = step(0.2);
    const t2 = step(0.9);
    expect([t0, t1, t2].map((t) => [t.rung, t.budget, t.parentTrialId])).to.deep.equal([[0, 1, undefined], [0, 1, undefined], [0, 1, undefined]]);
    const t3 = step(0.3); // rung 0 has 3 results: floor(3/3) = 1 -> the best (t1) goes to rung 1
    expect([t3.rung, t3.budget, t3.parentTrialId]).to.deep.equal([1, 3, t1.id]);
    const t4 = step(0.1); // t1 already promoted, rung 1 too small: a new configuration
    expect([t4.rung, t4.parentTrialId]).to.deep.equal([0, undefined]);
    const t5 = step(0.25); // rung 0: top floor(4/3) = 1 is now t4
    expect([t5.rung, t5.parentTrialId]).to.deep.equal([1, t4.id]);
    const t6 = step(0.05);
    expect(t6.rung).to.equal(0);
    const t7 = step(0.2); // rung 0 top 1 = t6
    expect([t7.rung, t7.parentTrialId]).to.deep.equal([1, t6.id]);
    const t8 = s.ask(); // rung 1 holds 0.3, 0.25, 0.2: t7 goes to the top rung
    expect([t8.rung, t8.budget, t8.parentTrialId]).to.deep.equal([2, 9, t7.id]);
  });

  for (const objectives of [1, 2, 3]) {
    it(`ASHA follows the rule "best not-yet-promoted of the top floor(n/eta)" at every decision (${objectives} objective${objectives > 1 ? 's' : ''})`, () => {
      const names = ['a', 'b', 'c'].slice(0, objectives);
      const directions: Direction[] = names.map((_, i) => (i === 1 ? 'maximize' : 'minimize'));
      const s = Study.inMemory({
        space: toySpace(),
        objectives: names.map((name, i) => ({ name, direction: directions[i] })),
        fidelity: { min: 1, max: 27, eta: 3 },
        scheduler: 'asha',
        seed: 2,
      });
      const rng = seedrandom(`values-${objectives}`);
      for (let step = 0; step < 300; step++) {
        // The oracle: from the top rung down, rank each rung's ok results from scratch.
        const trials = s.trials();
        let expected: number | undefined;
        for (let k = 2; k >= 0 && expected === undefined; k--) {
          const ok = trials.filter((t) => t.rung === k && t.status === 'ok');
          const promoted = new Set(trials.filter((t) => t.rung === k + 1).map((t) => t.parentTrialId));
          const order = rankByNonDominationAndCrowding(ok.map((t) => names.map((n) => t.values[n])), directions);
          expected = order.slice(0, Math.floor(ok.length / 3)).map((i) => ok[i].id).find((id) => !promoted.has(id));
        }
        const trial = s.ask();
        expect(trial.parentTrialId, `step ${step}`).to.equal(expected);
        if (rng() < 0.1) s.tell(trial.id, { status: 'failed', error: 'x' });
        else s.tell(trial.id, { values: Object.fromEntries(names.map((n) => [n, Math.floor(rng() * 8) / (1 + trial.budget)])) });
      }
    });
  }

  it('ASHA starts new configurations while rungs are still running (concurrent workers never wait)', () => {
    const s = study('asha');
    const running = Array.from({ length: 12 }, () => s.ask());
    expect(running.every((t) => t.rung === 0 && t.parentTrialId === undefined)).to.equal(true);
    expect(new Set(running.map((t) => t.configId)).size).to.equal(12);
  });

  it('ASHA never promotes failed trials and does not count them', () => {
    const s = study('asha');
    const a = s.ask();
    const b = s.ask();
    const c = s.ask();
    s.tell(a.id, { status: 'failed', error: 'out of memory' });
    s.tell(b.id, { values: { loss: Number.NaN } });
    s.tell(c.id, { values: { loss: 0.5 } });
    const next = s.ask();
    expect(next.parentTrialId).to.equal(undefined);
    expect(s.trials()[b.id].status).to.equal('failed');
  });

  it('successive halving waits for a whole rung, starting a new bracket run meanwhile (as SMAC3)', () => {
    const s = study('sh');
    const first = Array.from({ length: 9 }, () => s.ask());
    expect(first.every((t) => t.bracket === 0 && t.rung === 0 && t.budget === 1)).to.equal(true);
    const extra = s.ask();
    expect([extra.bracket, extra.rung]).to.deep.equal([1, 0]);
    first.slice(0, 8).forEach((t, i) => s.tell(t.id, { values: { loss: 1 - i / 10 } }));
    expect(s.ask().bracket).to.equal(1); // rung 0 of bracket 0 not complete yet
    s.tell(first[8].id, { values: { loss: 0.95 } });
    const promoted = [s.ask(), s.ask(), s.ask()];
    // losses 1, .9, ..., .3, .95: the three best are first[7], first[6], first[5]
    expect(promoted.map((t) => t.parentTrialId)).to.deep.equal([first[7].id, first[6].id, first[5].id]);
    expect(promoted.every((t) => t.bracket === 0 && t.rung === 1 && t.budget === 3)).to.equal(true);
  });

  it('successive halving never promotes failed trials, even when fewer than 1/eta succeeded', () => {
    const s = Study.inMemory({ space: toySpace(), objectives: loss, fidelity: { min: 1, max: 9, eta: 3 }, scheduler: new SuccessiveHalving() });
    const rung = Array.from({ length: 9 }, () => s.ask());
    rung.forEach((t, i) => {
      if (i === 4) s.tell(t.id, { values: { loss: 0.7 } });
      else if (i % 2 === 0) s.tell(t.id, { status: 'timeout' });
      else s.tell(t.id, { values: { loss: Number.POSITIVE_INFINITY } });
    });
    const next = s.ask();
    expect([next.bracket, next.rung, next.parentTrialId]).to.deep.equal([0, 1, rung[4].id]);
    const after = s.ask();
    expect([after.bracket, after.rung]).to.deep.equal([1, 0]); // only one could be promoted
  });

  it('random search runs every trial at the full budget', () => {
    const s = study('random');
    const trials = Array.from({ length: 5 }, () => s.ask());
    expect(trials.map((t) => t.budget)).to.deep.equal([9, 9, 9, 9, 9]);
  });

  it('ASHA budgets are the most explorative bracket\'s', () => {
    const asha = new Asha();
    Study.inMemory({ space: toySpace(), objectives: loss, fidelity: { min: 1, max: 100, eta: 3 }, scheduler: asha });
    asha.budgets().forEach((b, k) => expect(b).to.be.closeTo(100 / 3 ** (4 - k), 1e-9));
  });
});
