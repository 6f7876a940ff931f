// The one dominance check of the project: lib/pareto's, in a checked form with directions and a fast minimised form
// that promotion, the live fronts and the seed comparison use.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { dominatesMinimised, paretoDominates, weaklyDominatesMinimised } from '../../lib/pareto/index.js';

describe('pareto: dominance on minimised vectors', () => {
  it('is strict dominance: no worse everywhere, better somewhere', () => {
    expect(dominatesMinimised([1, 2], [1, 3])).to.equal(true);
    expect(dominatesMinimised([1, 3], [1, 3])).to.equal(false);
    expect(dominatesMinimised([0, 4], [1, 3])).to.equal(false);
    expect(dominatesMinimised(Float64Array.of(0, 0, 0), [0, 0, 1])).to.equal(true);
  });

  it('weak dominance lets equal vectors dominate each other', () => {
    expect(weaklyDominatesMinimised([1, 3], [1, 3])).to.equal(true);
    expect(weaklyDominatesMinimised([1, 2], [1, 3])).to.equal(true);
    expect(weaklyDominatesMinimised([2, 2], [1, 3])).to.equal(false);
  });

  it('agrees with the checked paretoDominates on random integer vectors (ties included)', () => {
    const rng = seedrandom('dominance');
    for (let n = 0; n < 2000; n++) {
      const m = 1 + Math.floor(rng() * 4);
      const a = Array.from({ length: m }, () => Math.floor(rng() * 3));
      const b = Array.from({ length: m }, () => Math.floor(rng() * 3));
      expect(dominatesMinimised(a, b), `${a} vs ${b}`).to.equal(paretoDominates(a, b));
      expect(weaklyDominatesMinimised(a, b), `${a} vs ${b}`).to.equal(!paretoDominates(b, a) && a.every((x, i) => x <= b[i]));
    }
  });
});
