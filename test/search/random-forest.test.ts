import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { RandomForestRegressor, expectedImprovement } from '../../lib/search/proposers/random-forest/index.js';
import { normalCdf } from '../../lib/search/proposers/random-forest/acquisition.js';
import { logScale } from '../../lib/search/proposers/random-forest/cost-scaling.js';

describe('RandomForestRegressor', () => {
  it('fits a smooth 1-D function: predictions near the truth inside the data', () => {
    const rng = seedrandom('smooth');
    const truth = (v: number) => Math.sin(6 * v);
    const x = Array.from({ length: 200 }, () => [rng()]);
    const y = x.map(([v]) => truth(v));
    const forest = new RandomForestRegressor().fit(x, y, seedrandom('fit'));
    const grid = Array.from({ length: 41 }, (_, i) => [0.05 + (0.9 * i) / 40]);
    const { mean } = forest.predict(grid);
    const errors = grid.map(([v], i) => Math.abs(mean[i] - truth(v)));
    expect(Math.max(...errors)).to.be.below(0.2);
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).to.be.below(0.08);
  });

  it('fits a step exactly away from the step', () => {
    const x = Array.from({ length: 60 }, (_, i) => [i / 59]);
    const y = x.map(([v]) => (v < 0.5 ? 1 : 3));
    const forest = new RandomForestRegressor().fit(x, y, seedrandom('step'));
    const { mean } = forest.predict([[0.1], [0.3], [0.7], [0.95]]);
    expect(mean[0]).to.be.closeTo(1, 1e-9);
    expect(mean[1]).to.be.closeTo(1, 0.1);
    expect(mean[2]).to.be.closeTo(3, 0.1);
    expect(mean[3]).to.be.closeTo(3, 1e-9);
  });

  it('is more uncertain far from the data than among it', () => {
    const rng = seedrandom('gap');
    // Data on [0, 0.3] and [0.7, 1] only; the middle is a gap with a trend across it.
    const x = Array.from({ length: 120 }, () => {
      const v = rng() * 0.6;
      return [v < 0.3 ? v : v + 0.4];
    });
    const y = x.map(([v]) => 4 * v + 0.1 * Math.sin(40 * v));
    const forest = new RandomForestRegressor().fit(x, y, seedrandom('fit-gap'));
    const { variance } = forest.predict([[0.5], [0.15], [0.85]]);
    expect(variance[0]).to.be.above(5 * variance[1]);
    expect(variance[0]).to.be.above(5 * variance[2]);
  });

  it('uses the other features: learns a function of the second coordinate only', () => {
    const rng = seedrandom('2d');
    const x = Array.from({ length: 150 }, () => [rng(), rng(), rng()]);
    const y = x.map((r) => (r[1] > 0.5 ? 10 : 0));
    const forest = new RandomForestRegressor({ ratioFeatures: 1 / 3 }).fit(x, y, seedrandom('f'));
    const { mean } = forest.predict([[0.2, 0.1, 0.9], [0.8, 0.9, 0.1]]);
    expect(mean[0]).to.be.below(2.5);
    expect(mean[1]).to.be.above(7.5);
  });

  it('imputes NaN (inactive) as -1, a region of its own', () => {
    const x = [...Array.from({ length: 20 }, (_, i) => [NaN, i / 19]), ...Array.from({ length: 20 }, (_, i) => [i / 19, i / 19])];
    const y = x.map((r) => (Number.isNaN(r[0]) ? 5 : 0));
    const forest = new RandomForestRegressor({ ratioFeatures: 1 }).fit(x, y, seedrandom('nan'));
    const { mean } = forest.predict([[NaN, 0.5], [0.5, 0.5]]);
    expect(mean[0]).to.be.closeTo(5, 1e-9);
    expect(mean[1]).to.be.closeTo(0, 1e-9);
  });

  it('is deterministic for a given stream and differs across streams', () => {
    const rng = seedrandom('det');
    const x = Array.from({ length: 50 }, () => [rng(), rng()]);
    const y = x.map((r) => r[0] * r[1] + rng() * 0.1);
    const query = [[0.3, 0.4], [0.9, 0.1]];
    const a = new RandomForestRegressor().fit(x, y, seedrandom('s')).predict(query);
    const b = new RandomForestRegressor().fit(x, y, seedrandom('s')).predict(query);
    const c = new RandomForestRegressor().fit(x, y, seedrandom('t')).predict(query);
    expect(Array.from(a.mean)).to.deep.equal(Array.from(b.mean));
    expect(Array.from(a.variance)).to.deep.equal(Array.from(b.variance));
    expect(Array.from(a.mean)).to.not.deep.equal(Array.from(c.mean));
  });

  it('log_y leaves predict log(mean(exp(y)))', () => {
    const x = [[0], [0], [0]];
    const y = [Math.log(1), Math.log(2), Math.log(6)];
    const forest = new RandomForestRegressor({ bootstrapping: false, nTrees: 1, logY: true }).fit(x, y, seedrandom('l'));
    expect(forest.predict([[0]]).mean[0]).to.be.closeTo(Math.log(3), 1e-12);
  });

  it('rejects bad input with one clear error', () => {
    expect(() => new RandomForestRegressor({ nTrees: 0 })).to.throw(/nTrees/);
    expect(() => new RandomForestRegressor({ ratioFeatures: 1.5 })).to.throw(/ratioFeatures/);
    expect(() => new RandomForestRegressor().fit([], [], seedrandom('e'))).to.throw(/zero points/);
    expect(() => new RandomForestRegressor().fit([[1], [2]], [1], seedrandom('e'))).to.throw(/targets/);
    expect(() => new RandomForestRegressor().fit([[1], [2, 3]], [1, 2], seedrandom('e'))).to.throw(/row 1/);
    expect(() => new RandomForestRegressor().fit([[1]], [NaN], seedrandom('e'))).to.throw(/finite/);
    expect(() => new RandomForestRegressor().predict([[1]])).to.throw(/before fit/);
  });
});

describe('expected improvement', () => {
  it('matches the closed form and grows with uncertainty and with a lower mean', () => {
    // mean = best: EI = sigma * phi(0).
    expect(expectedImprovement(1, 0.04, 1)).to.be.closeTo(0.2 / Math.sqrt(2 * Math.PI), 1e-7);
    expect(expectedImprovement(1, 0.09, 1)).to.be.above(expectedImprovement(1, 0.04, 1));
    expect(expectedImprovement(0.5, 0.04, 1)).to.be.above(expectedImprovement(1, 0.04, 1));
    expect(normalCdf(0)).to.be.closeTo(0.5, 1e-7);
    expect(normalCdf(1.959964)).to.be.closeTo(0.975, 1e-6);
  });

  it('log EI equals a Monte-Carlo estimate of E[max(e^best - e^Y, 0)] for Y ~ N(m, s^2)', () => {
    const rng = seedrandom('mc');
    const m = -1;
    const s = 0.5;
    const best = -0.8;
    let sum = 0;
    const n = 200000;
    for (let i = 0; i < n; i += 2) {
      // Box-Muller, both outputs.
      const r = Math.sqrt(-2 * Math.log(1 - rng()));
      const t = 2 * Math.PI * rng();
      for (const z of [r * Math.cos(t), r * Math.sin(t)]) sum += Math.max(Math.exp(best) - Math.exp(m + s * z), 0);
    }
    expect(expectedImprovement(m, s * s, best, { log: true })).to.be.closeTo(sum / n, 2e-3);
  });

  it('logScale maps the maximum to 0 and keeps the order', () => {
    const scaled = logScale([3, 1, 2, 10]);
    expect(scaled[3]).to.be.closeTo(0, 1e-12);
    expect(scaled[1]).to.be.below(scaled[2]);
    expect(scaled[2]).to.be.below(scaled[0]);
  });
});
