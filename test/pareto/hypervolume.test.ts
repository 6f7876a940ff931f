import { expect } from 'chai';
import { hypervolume, hypervolumeContributions } from '../../lib/pareto/index.js';
import { gridHypervolume, inclusionExclusionHypervolume, randomPoints } from './brute-force.js';

describe('pareto/hypervolume', () => {
  it('matches hand-computed values in 1 to 4 objectives', () => {
    expect(hypervolume([[3], [1], [2]], [5])).to.equal(4);
    // Staircase: 3*1 + 2*1 + 1*1.
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).to.equal(6);
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).to.equal(6);
    // Two boxes 4 and 2 overlapping in a unit cube.
    expect(hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2])).to.equal(5);
    expect(hypervolume([[0, 0, 0, 1], [1, 1, 1, 0]], [2, 2, 2, 2])).to.equal(9);
    expect(hypervolume([[0, 0, 0, 0, 1], [1, 1, 1, 1, 0]], [2, 2, 2, 2, 2])).to.equal(17);
  });

  it('handles maximised objectives (the reference is then a lower bound)', () => {
    // Maximise accuracy, minimise latency: (0.9, 2) and (0.8, 1) against (0.5, 3).
    // Minimised: (-0.9, 2), (-0.8, 1), reference (-0.5, 3): 0.4*1 + 0.3*1 = 0.7.
    expect(hypervolume([[0.9, 2], [0.8, 1]], [0.5, 3], ['maximize', 'minimize'])).to.be.closeTo(0.7, 1e-12);
  });

  it('ignores points beyond or on the reference, dominated points and duplicates; empty sets have 0', () => {
    expect(hypervolume([], [1, 1])).to.equal(0);
    expect(hypervolume([], [1, 1, 1, 1], ['minimize', 'minimize', 'minimize', 'minimize'])).to.equal(0);
    expect(hypervolume([[5, 0], [0, 5], [1, 1]], [2, 2])).to.equal(1);
    expect(hypervolume([[2, 0], [0, 2], [2, 2]], [2, 2])).to.equal(0);
    expect(hypervolume([[0, 0, 0], [0, 0, 0], [1, 1, 1], [3, 0, 0]], [2, 2, 2])).to.equal(8);
    expect(hypervolume([[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 2]], [2, 2, 2, 2])).to.equal(16);
  });

  for (const d of [2, 3, 4, 5]) {
    it(`agrees with inclusion-exclusion on random ${d}-objective sets`, () => {
      for (let trial = 0; trial < 25; trial++) {
        const count = trial % 11;
        const points = randomPoints(`hv-ie-${d}-${trial}`, count, d).map((p) => p.map((v) => v * 1.2));
        const reference = new Array<number>(d).fill(1);
        const expected = inclusionExclusionHypervolume(points, reference);
        expect(hypervolume(points, reference), `trial ${trial}`).to.be.closeTo(expected, 1e-12);
      }
    });
  }

  for (const [d, count, levels] of [[2, 60, 12], [3, 120, 9], [4, 60, 6], [5, 25, 4]] as const) {
    it(`agrees with a cell count on integer ${d}-objective sets full of ties (${count} points)`, () => {
      for (let trial = 0; trial < 4; trial++) {
        const points = randomPoints(`hv-grid-${d}-${trial}`, count, d, levels + 1);
        const reference = new Array<number>(d).fill(levels);
        expect(hypervolume(points, reference), `trial ${trial}`).to.equal(gridHypervolume(points, reference));
      }
    });
  }

  it('rejects a reference of the wrong length or with NaN', () => {
    expect(() => hypervolume([[1, 2]], [3])).to.throw(/reference has 1 entries/);
    expect(() => hypervolume([[1, 2]], [3, NaN])).to.throw(/reference\[1\] must be a finite number/);
    expect(() => hypervolume([[1, NaN]], [3, 3])).to.throw(/points\[0\]\[1\]/);
    expect(() => hypervolume([[1, 2]], [])).to.throw(/reference must be a non-empty array/);
  });
});

describe('pareto/hypervolumeContributions', () => {
  it('matches hand-computed values, including a point uncovered only by a dominated one', () => {
    expect(hypervolumeContributions([[1, 3], [2, 2], [3, 1]], [4, 4])).to.deep.equal([1, 1, 1]);
    // Removing (1,1) leaves (2,2), which covers 1 of its 4.
    expect(hypervolumeContributions([[1, 1], [2, 2]], [3, 3])).to.deep.equal([3, 0]);
    expect(hypervolumeContributions([[1], [3], [1]], [5])).to.deep.equal([0, 0, 0]);
    expect(hypervolumeContributions([[1], [3]], [5])).to.deep.equal([2, 0]);
    expect(hypervolumeContributions([[0, 0, 1], [1, 1, 0], [5, 0, 0]], [2, 2, 2])).to.deep.equal([3, 1, 0]);
    expect(hypervolumeContributions([], [1, 1])).to.deep.equal([]);
  });

  for (const d of [1, 2, 3, 4]) {
    it(`equals hypervolume(all) - hypervolume(all but i) on random ${d}-objective sets with duplicates`, () => {
      for (let trial = 0; trial < 12; trial++) {
        const points = randomPoints(`hvc-${d}-${trial}`, 3 + trial * 2, d, 5);
        const reference = new Array<number>(d).fill(4);
        const total = hypervolume(points, reference);
        const expected = points.map((_, i) => total - hypervolume(points.filter((__, j) => j !== i), reference));
        const actual = hypervolumeContributions(points, reference);
        actual.forEach((c, i) => expect(c, `trial ${trial} point ${i}`).to.be.closeTo(expected[i], 1e-9));
      }
    });
  }
});
