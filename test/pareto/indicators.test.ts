import { expect } from 'chai';
import { igd, igdPlus, generationalDistance, epsilonAdditive, kneePoint, empiricalAttainment } from '../../lib/pareto/index.js';

describe('pareto/indicators', () => {
  const referenceFront = [
    [0, 2],
    [1, 1],
    [2, 0],
  ];

  it('IGD and GD match hand computations', () => {
    // A = {(1, 2)}: distances to the reference points 1, 1, sqrt(5).
    expect(igd([[1, 2]], referenceFront)).to.be.closeTo((2 + Math.sqrt(5)) / 3, 1e-12);
    expect(igd(referenceFront, referenceFront)).to.equal(0);
    // GD of A = {(1, 2), (2, 0)}: nearest reference distances 1 and 0.
    expect(generationalDistance([[1, 2], [2, 0]], referenceFront)).to.be.closeTo(0.5, 1e-12);
  });

  it('IGD+ only counts the amounts by which a point is worse', () => {
    // A = {(1, 2)}: d+ to (0,2) = 1, to (1,1) = 1, to (2,0) = sqrt(0 + 4) = 2.
    expect(igdPlus([[1, 2]], referenceFront)).to.be.closeTo(4 / 3, 1e-12);
    // A point better than the whole front has IGD+ 0 while its IGD is positive.
    expect(igdPlus([[-1, -1]], referenceFront)).to.equal(0);
    expect(igd([[-1, -1]], referenceFront)).to.be.greaterThan(0);
    // Maximisation: flip both signs and the value is unchanged.
    const flip = (set: number[][]): number[][] => set.map((p) => p.map((v) => -v));
    expect(igdPlus(flip([[1, 2]]), flip(referenceFront), ['maximize', 'maximize'])).to.be.closeTo(4 / 3, 1e-12);
  });

  it('additive epsilon matches a hand computation and is <= 0 when A dominates the front', () => {
    // For z = (2, 0) the best a = (1, 2) needs eps = max(-1, 2) = 2; other z need less.
    expect(epsilonAdditive([[1, 2]], referenceFront)).to.equal(2);
    expect(epsilonAdditive(referenceFront, referenceFront)).to.equal(0);
    expect(epsilonAdditive([[-1, -1]], referenceFront)).to.equal(-1);
    expect(epsilonAdditive([[0.5, 0.5]], [[1, 1]], ['maximize', 'maximize'])).to.equal(0.5);
  });

  it('an empty approximation set scores Infinity; an empty or mismatched reference front is an error', () => {
    expect(igd([], referenceFront)).to.equal(Infinity);
    expect(igdPlus([], referenceFront)).to.equal(Infinity);
    expect(epsilonAdditive([], referenceFront)).to.equal(Infinity);
    expect(() => igdPlus([[1, 2]], [])).to.throw(/referenceFront must contain at least one point/);
    expect(() => igdPlus([[1, 2, 3]], referenceFront)).to.throw(/points have 3 objectives but referenceFront has 2/);
    expect(() => igd([[1, 2]], [[0, NaN]])).to.throw(/referenceFront\[0\]\[1\]/);
  });

  it('kneePoint picks the front point farthest below the line between the extremes', () => {
    const front = [
      [0, 10],
      [1, 3], // normalised (0.1, 0.3): sum 0.4
      [4, 1], // normalised (0.4, 0.1): sum 0.5
      [10, 0],
      [5, 5], // dominated, never the knee
    ];
    expect(kneePoint(front)).to.equal(1);
    expect(kneePoint(front.map(([a, b]) => [-a, -b]), ['maximize', 'maximize'])).to.equal(1);
    expect(kneePoint([])).to.equal(undefined);
    expect(kneePoint([[2, 2]])).to.equal(0);
  });

  it('empirical attainment is the share of runs weakly dominating the goal', () => {
    const runs = [[[1, 1]], [[2, 0], [0, 2]], [[1, 1], [3, 3]], []];
    expect(empiricalAttainment(runs, [1, 1])).to.equal(0.5);
    expect(empiricalAttainment(runs, [2, 2])).to.equal(0.75);
    expect(() => empiricalAttainment([], [1, 1])).to.throw(/runs must contain/);
  });
});
