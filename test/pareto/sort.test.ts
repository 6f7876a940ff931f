import { expect } from 'chai';
import { nonDominatedSort, paretoFront, paretoRanks, uniqueParetoFront, weakParetoFront, paretoDominates, nonDominatedRecords, crowdingDistance } from '../../lib/pareto/index.js';
import type { ObjectiveDirection } from '../../lib/pareto/index.js';
import { bruteFronts, randomPoints } from './brute-force.js';

describe('pareto/nonDominatedSort', () => {
  it('sorts a hand-made 2-D set into its fronts', () => {
    const points = [
      [1, 5], // 0: front 0
      [2, 2], // 1: front 0
      [5, 1], // 2: front 0
      [3, 3], // 3: dominated by 1 -> front 1
      [2, 6], // 4: dominated by 0 -> front 1
      [4, 4], // 5: dominated by 3 -> front 2
      [6, 6], // 6: front 3
    ];
    expect(nonDominatedSort(points)).to.deep.equal([[0, 1, 2], [3, 4], [5], [6]]);
    expect(paretoRanks(points)).to.deep.equal([0, 0, 0, 1, 1, 2, 3]);
    expect(paretoFront(points)).to.deep.equal([0, 1, 2]);
  });

  it('keeps duplicates together and weakly-dominated points behind', () => {
    const points = [
      [1, 1],
      [1, 1],
      [1, 2], // same f1, worse f2: dominated
      [2, 1], // same f2, worse f1: dominated
      [1, 2],
    ];
    expect(nonDominatedSort(points)).to.deep.equal([[0, 1], [2, 3, 4]]);
    expect(uniqueParetoFront(points)).to.deep.equal([0]);
    expect(nonDominatedSort([[3, 3, 3], [3, 3, 3], [3, 3, 4]])).to.deep.equal([[0, 1], [2]]);
  });

  it('respects maximised objectives', () => {
    // (error, accuracy-like score): minimise the first, maximise the second.
    const points = [
      [0.1, 0.5],
      [0.2, 0.9],
      [0.2, 0.4],
    ];
    const directions: ObjectiveDirection[] = ['minimize', 'maximize'];
    expect(nonDominatedSort(points, directions)).to.deep.equal([[0, 1], [2]]);
    expect(nonDominatedSort(points)).to.deep.equal([[0, 2], [1]]);
    expect(paretoDominates([0.1, 0.5], [0.2, 0.4], directions)).to.equal(true);
    expect(paretoDominates([0.2, 0.4], [0.1, 0.5], directions)).to.equal(false);
    expect(paretoDominates([1, 1], [1, 1])).to.equal(false);
  });

  it('handles empty sets, single points and one objective', () => {
    expect(nonDominatedSort([])).to.deep.equal([]);
    expect(paretoFront([])).to.deep.equal([]);
    expect(nonDominatedSort([[4, 2, 7]])).to.deep.equal([[0]]);
    expect(nonDominatedSort([[3], [1], [3], [2]])).to.deep.equal([[1], [3], [0, 2]]);
    expect(nonDominatedSort([[3], [1], [2]], ['maximize'])).to.deep.equal([[0], [2], [1]]);
  });

  for (const objectives of [2, 3, 4, 5]) {
    it(`agrees with brute force on random ${objectives}-objective sets, with and without ties`, () => {
      for (let trial = 0; trial < 40; trial++) {
        const count = 1 + (trial * 7) % 60;
        const levels = trial % 2 === 0 ? 4 : undefined;
        const points = randomPoints(`nds-${objectives}-${trial}`, count, objectives, levels);
        expect(nonDominatedSort(points), `trial ${trial}`).to.deep.equal(bruteFronts(points));
      }
    });
  }

  it('agrees with brute force on 3-objective sets made almost entirely of ties', () => {
    for (let trial = 0; trial < 100; trial++) {
      const points = randomPoints(`nds-3-ties-${trial}`, 5 + (trial % 40), 3, 2 + (trial % 3));
      expect(nonDominatedSort(points), `trial ${trial}`).to.deep.equal(bruteFronts(points));
    }
  });

  it('agrees with brute force under mixed directions', () => {
    const directions: ObjectiveDirection[] = ['maximize', 'minimize', 'maximize'];
    const points = randomPoints('nds-mixed', 80, 3, 5);
    const flipped = points.map((p) => p.map((v, k) => (directions[k] === 'maximize' ? -v : v)));
    expect(nonDominatedSort(points, directions)).to.deep.equal(bruteFronts(flipped));
  });

  it('rejects bad input with one clear error naming the field', () => {
    expect(() => nonDominatedSort([[1, 2], [3]])).to.throw(/points\[1\] has 1 objectives/);
    expect(() => nonDominatedSort([[1, NaN]])).to.throw(/points\[0\]\[1\] must be a finite number/);
    expect(() => nonDominatedSort([[1, 2]], ['minimize'])).to.throw(/directions has 1 entries/);
    expect(() => nonDominatedSort([[1, 2]], ['minimize', 'max' as ObjectiveDirection])).to.throw(/directions\[1\]/);
    expect(() => nonDominatedSort([[]])).to.throw(/points\[0\] must be a non-empty array/);
  });
});

describe('pareto/weakParetoFront and nonDominatedRecords', () => {
  it('weak front also keeps points that only tie the front somewhere', () => {
    // (1, 3) is dominated by (1, 2) but not beaten strictly in both objectives.
    const points = [[1, 2], [1, 3], [2, 1], [3, 3]];
    expect(paretoFront(points)).to.deep.equal([0, 2]);
    expect(weakParetoFront(points)).to.deep.equal([0, 1, 2]);
    expect(weakParetoFront([])).to.deep.equal([]);
  });

  it('picks the non-dominated records by named objectives and directions', () => {
    const trials = [
      { id: 'a', values: { error: 0.10, disparity: 0.05 } },
      { id: 'b', values: { error: 0.08, disparity: 0.09 } },
      { id: 'c', values: { error: 0.12, disparity: 0.06 } },
    ];
    const minimiseBoth = [{ name: 'error', direction: 'minimize' }, { name: 'disparity', direction: 'minimize' }] as const;
    expect(nonDominatedRecords(trials, minimiseBoth).map((t) => t.id)).to.deep.equal(['a', 'b']);
    expect(nonDominatedRecords(trials, [{ name: 'error', direction: 'maximize' }]).map((t) => t.id)).to.deep.equal(['c']);
    expect(() => nonDominatedRecords([{ values: { error: 1 } }], minimiseBoth)).to.throw(/records\[0\].values.disparity must be a finite number/);
  });
});

describe('pareto/crowdingDistance', () => {
  it('matches a hand computation', () => {
    // Sorted by f1: 0 (0), 1 (1), 2 (3), 3 (4); f2 is the reverse. Ranges: f1 4, f2 8.
    const points = [
      [0, 8],
      [1, 6],
      [3, 2],
      [4, 0],
    ];
    const distance = crowdingDistance(points);
    expect(distance[0]).to.equal(Infinity);
    expect(distance[3]).to.equal(Infinity);
    expect(distance[1]).to.be.closeTo((3 - 0) / 4 + (8 - 2) / 8, 1e-12);
    expect(distance[2]).to.be.closeTo((4 - 1) / 4 + (6 - 0) / 8, 1e-12);
    expect(crowdingDistance(points, ['maximize', 'maximize'])).to.deep.equal(distance);
  });

  it('gives Infinity to sets of at most two points and handles constant objectives and duplicates', () => {
    expect(crowdingDistance([])).to.deep.equal([]);
    expect(crowdingDistance([[1, 2], [2, 1]])).to.deep.equal([Infinity, Infinity]);
    // Constant second objective contributes nothing; f1 range 2.
    expect(crowdingDistance([[0, 5], [1, 5], [2, 5]])).to.deep.equal([Infinity, 1, Infinity]);
    // Duplicates: ties broken by index. f1 order 0,1,2,3 (boundaries 0, 3); f2 order 3,0,1,2 (boundaries 3, 2);
    // copy 1 sits between two identical copies in both objectives, so it gets 0.
    expect(crowdingDistance([[0, 1], [0, 1], [0, 1], [1, 0]])).to.deep.equal([Infinity, 0, Infinity, Infinity]);
  });
});
