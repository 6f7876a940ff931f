import { expect } from 'chai';
import {
  bootstrapFairness,
  compareDifferences,
  compareWithIntervals,
  fairnessReport,
  fairnessReportFromSums,
  FAIRNESS_METRICS,
  pairedBootstrapDifference,
  pairedBootstrapMeanDifference,
  percentileSorted,
} from '../../lib/fairness/index.js';
import * as frnas from '../../lib/index.js';
import * as fairness from '../../lib/fairness/index.js';

describe('fairness/bootstrapFairness: identity bootstrap intervals', () => {
  // Group A: identity a1 always right (ranks 0, 0), a2 always wrong (ranks 2, 4, mean rank 3).
  // Group B: identities b1, b2 always right. Two images per identity, 8 images.
  const ranks = [0, 0, 2, 4, 0, 0, 0, 0];
  const identities = ['a1', 'a1', 'a2', 'a2', 'b1', 'b1', 'b2', 'b2'];
  const groups = ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'];

  it('percentileSorted is the type-7 quantile (linear between order statistics)', () => {
    const xs = [1, 2, 4, 8];
    expect(percentileSorted(xs, 0)).to.equal(1);
    expect(percentileSorted(xs, 1)).to.equal(8);
    expect(percentileSorted(xs, 0.5)).to.equal(3); // h = 1.5: 2 + 0.5 (4 - 2)
    expect(percentileSorted(xs, 0.25)).to.equal(1.75); // h = 0.75: 1 + 0.75 (2 - 1)
    expect(() => percentileSorted([], 0.5)).to.throw(RangeError);
  });

  it('fairnessReportFromSums (what each resample uses) gives exactly fairnessReport', () => {
    const many = Array.from({ length: 90 }, (_, i) => ((i * 37) % 11) % 4);
    const labels = Array.from({ length: 90 }, (_, i) => ['x', 'y', 'z'][(i * 7) % 3]);
    const sums = new Map<string, { count: number; correct: number; rankSum: number }>();
    labels.forEach((g, i) => {
      const s = sums.get(g) ?? { count: 0, correct: 0, rankSum: 0 };
      sums.set(g, { count: s.count + 1, correct: s.correct + (many[i] === 0 ? 1 : 0), rankSum: s.rankSum + many[i] });
    });
    expect(fairnessReportFromSums(sums)).to.deep.equal(fairnessReport({ ranks: many, groups: labels }));
    expect(fairnessReportFromSums(sums, ['z', 'x'])).to.deep.equal(fairnessReport({ ranks: many, groups: labels, referenceGroups: ['z', 'x'] }));
  });

  it('gives a zero-width interval when every resample gives the same figures', () => {
    // Every identity of a group has the same ranks, so whichever identities are drawn the figures are those of the full set.
    const result = bootstrapFairness({
      ranks: [1, 1, 1, 1, 0, 0, 0, 0],
      identities: [1, 1, 2, 2, 3, 3, 4, 4],
      groups: ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'],
      resamples: 50,
    });
    const full = fairnessReport({ ranks: [1, 1, 1, 1, 0, 0, 0, 0], groups: ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'] });
    for (const name of FAIRNESS_METRICS) {
      expect(result.metrics[name], name).to.deep.equal({ estimate: full[name], lower: full[name], upper: full[name] });
    }
    expect(result.metrics.error).to.deep.equal({ estimate: 0.5, lower: 0.5, upper: 0.5 });
    expect(result.identities).to.equal(4);
  });

  it('matches the hand-enumerated bootstrap distribution', () => {
    // Stratified by group, B always gets two perfect identities; A draws two of {a1, a2} with replacement:
    //   a1 a1 (p 1/4): A has 0 errors of 4, mean rank 0   -> error 0,    disparity 0,   rank disparity 0
    //   a1 a2 / a2 a1 (p 1/2): 2 errors of 4, mean rank 1.5 -> error 2/8,  disparity 0.5, rank disparity 1.5
    //   a2 a2 (p 1/4): 4 errors of 4, mean rank 3       -> error 4/8,  disparity 1,   rank disparity 3
    // 95 % interval: the 2.5 % and 97.5 % quantiles fall inside the outer atoms -> [0, 0.5] etc.
    // 20 % interval: the 40 % and 60 % quantiles fall inside the middle atom (25 %..75 %) -> [0.25, 0.25].
    const wide = bootstrapFairness({ ranks, identities, groups, resamples: 4000, seed: 1 });
    expect(wide.metrics.error).to.deep.equal({ estimate: 0.25, lower: 0, upper: 0.5 });
    expect(wide.metrics.disparity).to.deep.equal({ estimate: 0.5, lower: 0, upper: 1 });
    expect(wide.metrics.rankDisparity).to.deep.equal({ estimate: 1.5, lower: 0, upper: 3 });
    expect(wide.metrics.meanRank).to.deep.equal({ estimate: 0.75, lower: 0, upper: 1.5 });
    expect(wide.metrics.accuracy).to.deep.equal({ estimate: 0.75, lower: 0.5, upper: 1 });
    const narrow = bootstrapFairness({ ranks, identities, groups, resamples: 4000, seed: 1, level: 0.2 });
    expect(narrow.metrics.error).to.deep.equal({ estimate: 0.25, lower: 0.25, upper: 0.25 });
    expect(narrow.metrics.disparity).to.deep.equal({ estimate: 0.5, lower: 0.5, upper: 0.5 });
    expect(narrow.metrics.rankDisparity).to.deep.equal({ estimate: 1.5, lower: 1.5, upper: 1.5 });
    expect(narrow).to.include({ level: 0.2, resamples: 4000, seed: 1, identities: 4 });
  });

  it('is deterministic for a seed and changes with it', () => {
    const many = {
      ranks: Array.from({ length: 60 }, (_, i) => (i * 7) % 5),
      identities: Array.from({ length: 60 }, (_, i) => Math.floor(i / 3)),
      groups: Array.from({ length: 60 }, (_, i) => (i < 30 ? 'm' : 'f')),
      resamples: 200,
    };
    const one = bootstrapFairness({ ...many, seed: 7 });
    expect(bootstrapFairness({ ...many, seed: 7 })).to.deep.equal(one);
    expect(bootstrapFairness({ ...many, seed: 8 }).metrics).to.not.deep.equal(one.metrics);
    for (const name of FAIRNESS_METRICS) expect(one.metrics[name].lower, name).to.be.at.most(one.metrics[name].upper);
  });

  it('keeps every group in every resample, also with a reference pair', () => {
    // One identity in group B: it is drawn in every resample, so the figures never fail for a missing group.
    const result = bootstrapFairness({ ranks: [0, 1, 0, 0, 1, 1], identities: [1, 1, 2, 2, 3, 3], groups: ['A', 'A', 'A', 'A', 'B', 'B'], referenceGroups: ['A', 'B'], resamples: 100 });
    expect(result.metrics.disparity.upper).to.be.at.most(1);
  });

  it('rejects bad input clearly', () => {
    expect(() => bootstrapFairness({ ranks, identities: identities.slice(1), groups })).to.throw(RangeError, /identities/);
    expect(() => bootstrapFairness({ ranks, identities, groups, resamples: 0 })).to.throw(RangeError, /resamples/);
    expect(() => bootstrapFairness({ ranks, identities, groups, level: 1 })).to.throw(RangeError, /level/);
  });

  it('1000 resamples over 1,400 images take well under a second', () => {
    const n = 1400;
    const big = {
      ranks: Array.from({ length: n }, (_, i) => ((i * 2654435761) >>> 0) % 7 < 4 ? 0 : ((i * 40503) >>> 0) % 9),
      identities: Array.from({ length: n }, (_, i) => Math.floor(i / 7)),
      groups: Array.from({ length: n }, (_, i) => (Math.floor(i / 7) % 2 ? 'male' : 'female')),
    };
    const start = performance.now();
    const result = bootstrapFairness({ ...big, resamples: 1000 });
    const seconds = (performance.now() - start) / 1000;
    expect(result.identities).to.equal(200);
    expect(seconds).to.be.below(1);
  });
});

describe('fairness/pairedBootstrapDifference and the comparison words', () => {
  const identities = ['a1', 'a1', 'a2', 'a2', 'b1', 'b1', 'b2', 'b2'];
  const groups = ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'];

  it('gives the exact difference when the models differ by the same amount on every identity', () => {
    // b is wrong on every image (rank 1), a is right on every image: every resample gives error 0 − 1.
    const diff = pairedBootstrapDifference({ a: [0, 0, 0, 0, 0, 0, 0, 0], b: [1, 1, 1, 1, 1, 1, 1, 1], identities, groups, resamples: 100 });
    expect(diff.metrics.error).to.deep.equal({ estimate: -1, lower: -1, upper: -1 });
    expect(diff.metrics.rankDisparity).to.deep.equal({ estimate: 0, lower: 0, upper: 0 });
    expect(compareDifferences(diff.metrics, ['error'])).to.equal('dominates');
    expect(compareDifferences(diff.metrics, ['error', 'rankDisparity'])).to.equal('within noise');
    expect(compareDifferences(diff.metrics, [{ name: 'accuracy', direction: 'maximize' }])).to.equal('dominates');
  });

  it('pairs the resamples: the difference of two identical models is exactly 0', () => {
    const ranks = [0, 3, 1, 0, 2, 0, 0, 5];
    const diff = pairedBootstrapDifference({ a: ranks, b: ranks, identities, groups, resamples: 100 });
    for (const name of FAIRNESS_METRICS) expect(diff.metrics[name], name).to.deep.equal({ estimate: 0, lower: 0, upper: 0 });
  });

  it('pairedBootstrapMeanDifference averages several seeds\' differences in each resample (one pair = pairedBootstrapDifference)', () => {
    const a1 = [0, 3, 1, 0, 2, 0, 0, 5];
    const b1 = [1, 0, 0, 2, 0, 0, 4, 0];
    const single = pairedBootstrapDifference({ a: a1, b: b1, identities, groups, resamples: 200, seed: 3 });
    expect(pairedBootstrapMeanDifference({ pairs: [{ a: a1, b: b1 }], identities, groups, resamples: 200, seed: 3 })).to.deep.equal(single);
    // Seed 2: a right everywhere, b wrong everywhere: error difference exactly −1 in every resample. Seed 1's error
    // difference per resample is d; the mean over the two seeds is (d − 1) / 2 in every resample, so each interval
    // end moves exactly that way (the resamples are drawn once and applied to both pairs).
    const two = pairedBootstrapMeanDifference({ pairs: [{ a: a1, b: b1 }, { a: new Array(8).fill(0), b: new Array(8).fill(1) }], identities, groups, resamples: 200, seed: 3 });
    const e = single.metrics.error;
    expect(two.metrics.error.estimate).to.be.closeTo((e.estimate - 1) / 2, 1e-12);
    expect(two.metrics.error.lower).to.be.closeTo((e.lower - 1) / 2, 1e-12);
    expect(two.metrics.error.upper).to.be.closeTo((e.upper - 1) / 2, 1e-12);
    // Hand-computed estimate: seed 1 errors a 4/8, b 3/8: +0.125; seed 2: −1; mean −0.4375.
    expect(two.metrics.error.estimate).to.be.closeTo(-0.4375, 1e-12);
    expect(() => pairedBootstrapMeanDifference({ pairs: [], identities, groups })).to.throw(RangeError, /at least one/);
    expect(() => pairedBootstrapMeanDifference({ pairs: [{ a: a1, b: b1 }, { a: a1.slice(1), b: b1.slice(1) }], identities, groups })).to.throw(RangeError, /pairs\[1\]\.a has 7 ranks/);
  });

  it('compareWithIntervals claims dominance only beyond the intervals', () => {
    const iv = (lower: number, upper: number) => ({ estimate: (lower + upper) / 2, lower, upper });
    const base = { error: iv(0.4, 0.5), rank_disparity: iv(0.2, 0.3) };
    expect(compareWithIntervals({ error: iv(0.3, 0.35), rank_disparity: iv(0.1, 0.15) }, base, ['error', 'rank_disparity'])).to.equal('dominates');
    expect(compareWithIntervals({ error: iv(0.3, 0.45), rank_disparity: iv(0.1, 0.15) }, base, ['error', 'rank_disparity'])).to.equal('within noise');
    expect(compareWithIntervals({ error: iv(0.6, 0.7), rank_disparity: iv(0.4, 0.5) }, base, ['error', 'rank_disparity'])).to.equal('dominated');
    expect(compareWithIntervals({ error: iv(0.3, 0.35), rank_disparity: iv(0.4, 0.5) }, base, ['error', 'rank_disparity'])).to.equal('trade-off');
    expect(compareWithIntervals({ acc: iv(0.6, 0.7) }, { acc: iv(0.4, 0.5) }, [{ name: 'acc', direction: 'maximize' }])).to.equal('dominates');
    expect(() => compareWithIntervals({}, base, ['error'])).to.throw(RangeError, /a has no interval/);
  });

  it('is exported from frnas/fairness (lib/fairness/index.ts); bootstrapFairness also from the root', () => {
    for (const name of ['bootstrapFairness', 'pairedBootstrapDifference', 'pairedBootstrapMeanDifference', 'compareWithIntervals', 'compareDifferences', 'percentileSorted']) {
      expect(fairness, name).to.have.property(name).that.is.a('function');
    }
    expect(frnas).to.have.property('bootstrapFairness').that.equals(fairness.bootstrapFairness);
  });
});
