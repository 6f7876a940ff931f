import { expect } from 'chai';
import { dominanceOverSeeds, lowerBeyondNoise, seedInterval, separationChance } from '../../lib/posthoc/seeds.js';

describe('posthoc: intervals over seeds', () => {
  it('gives mean, sample std, n and the range over the finite values', () => {
    const i = seedInterval([0.1, 0.14, 0.12]);
    expect(i.n).to.equal(3);
    expect(i.mean).to.be.closeTo(0.12, 1e-15);
    expect(i.std).to.be.closeTo(0.02, 1e-15);
    expect([i.low, i.high]).to.deep.equal([0.1, 0.14]);
    expect(seedInterval([0.2, NaN]).n).to.equal(1);
    const empty = seedInterval([]);
    expect(empty.n).to.equal(0);
    expect(Number.isNaN(empty.mean)).to.equal(true);
  });

  it('is the exact chance of a complete separation by luck', () => {
    expect(separationChance(1, 1)).to.equal(1 / 2);
    expect(separationChance(2, 2)).to.be.closeTo(1 / 6, 1e-15);
    expect(separationChance(3, 3)).to.be.closeTo(1 / 20, 1e-15);
    expect(separationChance(2, 5)).to.be.closeTo(1 / 21, 1e-15);
  });

  it('claims "dominates" only when the seeds separate on every objective, with enough seeds', () => {
    const a = [seedInterval([0.1, 0.12, 0.14]), seedInterval([0.05, 0.07, 0.06])];
    const b = [seedInterval([0.25, 0.26, 0.24]), seedInterval([0.08, 0.1, 0.09])];
    expect(dominanceOverSeeds(a, b)).to.equal('dominates');
    // Means 0.06 < 0.075, but one seed of the baseline beats one of the searched model: within noise.
    const overlapping = [b[0], seedInterval([0.06, 0.09, 0.075])];
    expect(dominanceOverSeeds(a, overlapping)).to.equal('within noise');
    // Separated, but two seeds against two could be luck (1/6).
    const two = (values: number[][]): ReturnType<typeof seedInterval>[] => values.map(seedInterval);
    expect(dominanceOverSeeds(two([[0.1, 0.11], [0.01, 0.02]]), two([[0.3, 0.31], [0.2, 0.21]]))).to.equal('within noise');
    expect(lowerBeyondNoise(seedInterval([0.1]), seedInterval([0.9]))).to.equal(false);
    // Worse on an objective: no claim at all.
    expect(dominanceOverSeeds(b, a)).to.equal('no');
    // A model with every seed failed claims nothing.
    expect(dominanceOverSeeds([seedInterval([]), seedInterval([])], b)).to.equal('no');
  });
});
