import { expect } from 'chai';
import {
  Hyperband,
  Study,
  SuccessiveHalving,
  hyperbandBrackets,
  maxPromotions,
  successiveHalvingBrackets,
  type BracketShape,
} from '../../lib/search/index.js';
import { toySpace } from './helpers/toy-space.js';

// Tables computed by hand from SMAC3 2.x successive_halving.py / hyperband.py:
//   s_max = floor(log_eta(max/min)); bracket i has maxIter = s_max - i promotions,
//   n0 = ceil(eta^maxIter * (s_max + 1) / (maxIter + 1)), rung j keeps floor(n0 / eta^j) configurations
//   at budget max / eta^(maxIter - j).

// (min 1, max 27, eta 3): s_max = 3.
//   i=0: n0 = ceil(27*4/4) = 27 -> 27, 9, 3, 1 at 1, 3, 9, 27
//   i=1: n0 = ceil(9*4/3)  = 12 -> 12, 4, 1    at 3, 9, 27
//   i=2: n0 = ceil(3*4/2)  = 6  -> 6, 2        at 9, 27
//   i=3: n0 = ceil(1*4/1)  = 4  -> 4           at 27
const HYPERBAND_1_27_3: BracketShape[] = [
  { sizes: [27, 9, 3, 1], budgets: [1, 3, 9, 27] },
  { sizes: [12, 4, 1], budgets: [3, 9, 27] },
  { sizes: [6, 2], budgets: [9, 27] },
  { sizes: [4], budgets: [27] },
];

// (min 1, max 100, eta 3): s_max = floor(4.19) = 4; budgets are 100 / 3^k, not rounded.
//   i=0: n0 = ceil(81*5/5) = 81 -> 81, 27, 9, 3, 1 at 100/81, 100/27, 100/9, 100/3, 100
//   i=1: n0 = ceil(27*5/4) = ceil(33.75) = 34 -> 34, floor(11.33) = 11, floor(3.78) = 3, floor(1.26) = 1
//   i=2: n0 = ceil(9*5/3) = 15 -> 15, 5, 1
//   i=3: n0 = ceil(3*5/2) = ceil(7.5) = 8 -> 8, floor(2.67) = 2
//   i=4: n0 = ceil(1*5/1) = 5 -> 5
const HYPERBAND_1_100_3: BracketShape[] = [
  { sizes: [81, 27, 9, 3, 1], budgets: [100 / 81, 100 / 27, 100 / 9, 100 / 3, 100] },
  { sizes: [34, 11, 3, 1], budgets: [100 / 27, 100 / 9, 100 / 3, 100] },
  { sizes: [15, 5, 1], budgets: [100 / 9, 100 / 3, 100] },
  { sizes: [8, 2], budgets: [100 / 3, 100] },
  { sizes: [5], budgets: [100] },
];

function expectShapes(actual: BracketShape[], expected: BracketShape[]): void {
  expect(actual.map((b) => b.sizes)).to.deep.equal(expected.map((b) => b.sizes));
  expect(actual.length).to.equal(expected.length);
  actual.forEach((bracket, i) => {
    expect(bracket.budgets.length).to.equal(expected[i].budgets.length);
    bracket.budgets.forEach((b, j) => expect(b).to.be.closeTo(expected[i].budgets[j], 1e-9));
  });
}

describe('search: SMAC3 bracket sizes', () => {
  it('s_max = floor(log_eta(max/min))', () => {
    expect(maxPromotions({ min: 1, max: 27, eta: 3 })).to.equal(3);
    expect(maxPromotions({ min: 1, max: 100, eta: 3 })).to.equal(4);
    expect(maxPromotions({ min: 2.5, max: 10, eta: 2 })).to.equal(2);
    expect(maxPromotions({ min: 1, max: 243, eta: 3 })).to.equal(5);
    expect(maxPromotions({ min: 5, max: 5, eta: 3 })).to.equal(0);
  });

  it('Hyperband (min 1, max 27, eta 3)', () => {
    expectShapes(hyperbandBrackets({ min: 1, max: 27, eta: 3 }), HYPERBAND_1_27_3);
  });

  it('Hyperband (min 1, max 100, eta 3)', () => {
    expectShapes(hyperbandBrackets({ min: 1, max: 100, eta: 3 }), HYPERBAND_1_100_3);
  });

  it('successive halving is the most explorative Hyperband bracket', () => {
    expectShapes(successiveHalvingBrackets({ min: 1, max: 27, eta: 3 }), HYPERBAND_1_27_3.slice(0, 1));
    expectShapes(successiveHalvingBrackets({ min: 1, max: 100, eta: 3 }), HYPERBAND_1_100_3.slice(0, 1));
  });

  it('the paper setting (min 2.5, max 10, eta 2) gives brackets 4-2-1, 3-1, 3', () => {
    expect(hyperbandBrackets({ min: 2.5, max: 10, eta: 2 }).map((b) => b.sizes)).to.deep.equal([[4, 2, 1], [3, 1], [3]]);
  });

  it('rejects a bad fidelity naming the field', () => {
    expect(() => hyperbandBrackets({ min: 0, max: 27, eta: 3 })).to.throw(/fidelity\.min/);
    expect(() => hyperbandBrackets({ min: 3, max: 1, eta: 3 })).to.throw(/fidelity\.max/);
    expect(() => hyperbandBrackets({ min: 1, max: 27, eta: 1 })).to.throw(/fidelity\.eta/);
  });

  for (const [name, make, expected] of [
    ['Hyperband', () => new Hyperband(), HYPERBAND_1_27_3],
    ['SuccessiveHalving', () => new SuccessiveHalving(), HYPERBAND_1_27_3.slice(0, 1)],
  ] as const) {
    it(`${name} runs exactly those rungs, one bracket run after the other (sequential asks and tells)`, () => {
      const study = Study.inMemory({
        space: toySpace(),
        objectives: [{ name: 'loss', direction: 'minimize' }],
        fidelity: { min: 1, max: 27, eta: 3 },
        scheduler: make(),
        seed: 1,
      });
      const total = expected.reduce((sum, b) => sum + b.sizes.reduce((a, c) => a + c, 0), 0) * (name === 'Hyperband' ? 1 : 2);
      for (let i = 0; i < total; i++) {
        const trial = study.ask();
        study.tell(trial.id, { values: { loss: Number(trial.config.x) / trial.budget } });
      }
      const byRun = new Map<number, Map<number, { count: number; budgets: Set<number> }>>();
      for (const t of study.trials()) {
        const run = byRun.get(t.bracket ?? -1) ?? new Map<number, { count: number; budgets: Set<number> }>();
        byRun.set(t.bracket ?? -1, run);
        const rung = run.get(t.rung ?? -1) ?? { count: 0, budgets: new Set<number>() };
        run.set(t.rung ?? -1, rung);
        rung.count++;
        rung.budgets.add(t.budget);
      }
      const runs = [...byRun.keys()].sort((a, b) => a - b);
      expect(runs).to.deep.equal(Array.from({ length: name === 'Hyperband' ? 4 : 2 }, (_, i) => i));
      for (const r of runs) {
        const shape = expected[r % expected.length];
        const rungs = byRun.get(r)!;
        expect([...rungs.keys()].sort()).to.deep.equal(shape.sizes.map((_, j) => j));
        shape.sizes.forEach((size, j) => {
          expect(rungs.get(j)!.count, `run ${r} rung ${j}`).to.equal(size);
          expect([...rungs.get(j)!.budgets]).to.deep.equal([shape.budgets[j]]);
        });
      }
    });
  }
});
