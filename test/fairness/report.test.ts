import { expect } from 'chai';
import { fairnessReport, groupMetricFrame, rankByIdentity } from '../../lib/fairness/index.js';

describe('fairness/fairnessReport', () => {
  // male: ranks 0, 0, 1, 3 -> acc 0.5, err 0.5, mean rank 1; female: 0, 2, 0, 0 -> acc 0.75, err 0.25, mean rank 0.5.
  const ranks = [0, 0, 1, 3, 0, 2, 0, 0];
  const groups = ['male', 'male', 'male', 'male', 'female', 'female', 'female', 'female'];

  it('computes FR-NAS figures for a reference pair exactly as the formulas say', () => {
    const report = fairnessReport({ ranks, groups, referenceGroups: ['male', 'female'] });
    expect(report.error).to.equal(3 / 8);
    expect(report.accuracy).to.equal(5 / 8);
    expect(report.meanRank).to.equal(6 / 8);
    expect(report.perGroup).to.deep.equal({
      male: { count: 4, accuracy: 0.5, error: 0.5, meanRank: 1 },
      female: { count: 4, accuracy: 0.75, error: 0.25, meanRank: 0.5 },
    });
    expect(report.disparity).to.equal(0.25);
    expect(report.ratio).to.be.closeTo(1 / 3, 1e-15); // |1 - 0.5/0.75|
    expect(report.errorRatio).to.equal(1); // |1 - 0.5/0.25|
    expect(report.rankDisparity).to.equal(0.5);
    expect(report.rankRatio).to.equal(1); // |1 - 1/0.5|
    expect(report.pair).to.deep.equal(['male', 'female']);
    expect(report.comparison).to.equal('reference-pair');
  });

  it('without a reference pair takes the worst order of every measure and names it', () => {
    const report = fairnessReport({ ranks, groups });
    expect(report.comparison).to.equal('worst-pair');
    expect(report.disparity).to.equal(0.25);
    expect(report.pair).to.deep.equal(['female', 'male']);
    expect(report.ratio).to.be.closeTo(0.5, 1e-15); // |1 - 0.75/0.5| > |1 - 0.5/0.75|
    expect(report.pairs.ratio).to.deep.equal(['female', 'male']);
    expect(report.errorRatio).to.equal(1);
    expect(report.pairs.errorRatio).to.deep.equal(['male', 'female']);
    expect(report.rankDisparity).to.equal(0.5);
    expect(report.pairs.rankDisparity).to.deep.equal(['male', 'female']);
    expect(report.rankRatio).to.equal(1);
  });

  it('uses max - min and max/min - 1 over more than two groups (RFW races)', () => {
    const races = ['African', 'Asian', 'Caucasian', 'Indian'];
    // Accuracies 0.25, 0.5, 1, 0.75 and mean ranks 1.5, 0.5, 0, 0.25.
    const raceRanks = [[0, 1, 2, 3], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 1]];
    const report = fairnessReport({ ranks: raceRanks.flat(), groups: races.flatMap((r) => [r, r, r, r]) });
    expect(report.disparity).to.equal(0.75);
    expect(report.pair).to.deep.equal(['Caucasian', 'African']);
    expect(report.ratio).to.equal(3); // 1 / 0.25 - 1
    expect(report.rankDisparity).to.equal(1.5);
    expect(report.pairs.rankDisparity).to.deep.equal(['African', 'Caucasian']);
    // Caucasian's mean rank is 0: the zero denominator becomes 1 / (2 * 4) -> |1 - 1.5 / 0.125| = 11.
    expect(report.rankRatio).to.equal(11);
    // Error ratio: Caucasian has no errors, African 0.75 -> |1 - 0.75 / 0.125| = 5.
    expect(report.errorRatio).to.equal(5);
    expect(report.pairs.errorRatio).to.deep.equal(['African', 'Caucasian']);
  });

  it('keeps every figure finite when groups have no errors', () => {
    const perfect = fairnessReport({ ranks: [0, 0, 0, 0], groups: ['a', 'a', 'b', 'b'] });
    expect([perfect.disparity, perfect.ratio, perfect.errorRatio, perfect.rankDisparity, perfect.rankRatio]).to.deep.equal([0, 0, 0, 0, 0]);
    // b has no errors (n_b = 2, floor 1/4); a has error 0.5: |1 - 0.5 / 0.25| = 1.
    const oneSided = fairnessReport({ ranks: [0, 1, 0, 0], groups: ['a', 'a', 'b', 'b'], referenceGroups: ['a', 'b'] });
    expect(oneSided.errorRatio).to.equal(1);
    expect(oneSided.rankRatio).to.equal(1);
    // All wrong in a: accuracy 0 as a denominator: |1 - 1 / 0.25| = 3.
    expect(fairnessReport({ ranks: [0, 0, 4, 1], groups: ['a', 'a', 'b', 'b'], referenceGroups: ['a', 'b'] }).ratio).to.equal(3);
  });

  it('accepts numeric group labels and ranks straight from rankByIdentity', () => {
    const ranksFromModel = rankByIdentity({ embeddings: [[1, 0], [1, 0.1], [0, 1], [0.2, 1]], identities: [1, 1, 2, 2] });
    const report = fairnessReport({ ranks: ranksFromModel, groups: [0, 0, 1, 1] });
    expect(Object.keys(report.perGroup)).to.deep.equal(['0', '1']);
    expect(report.error).to.equal(0);
  });

  it('rejects bad input with one clear error', () => {
    expect(() => fairnessReport({ ranks: [0, 1], groups: ['a'] })).to.throw(/groups has 1 labels but ranks has 2/);
    expect(() => fairnessReport({ ranks: [0, 1], groups: ['a', 'a'] })).to.throw(/at least two different groups/);
    expect(() => fairnessReport({ ranks, groups, allGroups: ['male', 'female', 'other'] })).to.throw(/allGroups: group "other" has no images/);
    expect(() => fairnessReport({ ranks, groups, referenceGroups: ['male', 'other'] })).to.throw(/referenceGroups\[1\]: group "other" has no images/);
    expect(() => fairnessReport({ ranks: [0, -1], groups: ['a', 'b'] })).to.throw(/ranks\[1\] must be a non-negative integer/);
    expect(() => fairnessReport({ ranks: [0, NaN], groups: ['a', 'b'] })).to.throw(/ranks\[1\]/);
    expect(() => fairnessReport({ ranks: [], groups: [] })).to.throw(/ranks must not be empty/);
  });
});

describe('fairness/groupMetricFrame', () => {
  const yTrue = [1, 0, 1, 1, 0, 1];
  const yPred = [1, 0, 0, 1, 1, 1];
  const groups = ['a', 'a', 'a', 'b', 'b', 'b'];
  const accuracy = (indices: readonly number[]): number => indices.filter((i) => yTrue[i] === yPred[i]).length / indices.length;
  const selectionRate = (indices: readonly number[]): number => indices.filter((i) => yPred[i] === 1).length / indices.length;

  it('evaluates any metric overall and by group, with difference and ratio', () => {
    const frame = groupMetricFrame({ groups, metrics: { accuracy, selectionRate } });
    expect(frame.overall).to.deep.equal({ accuracy: 4 / 6, selectionRate: 4 / 6 });
    expect(frame.byGroup).to.deep.equal({ a: { accuracy: 2 / 3, selectionRate: 1 / 3 }, b: { accuracy: 2 / 3, selectionRate: 1 } });
    expect(frame.difference.accuracy).to.equal(0);
    expect(frame.ratio.accuracy).to.equal(1);
    expect(frame.difference.selectionRate).to.be.closeTo(2 / 3, 1e-15);
    expect(frame.ratio.selectionRate).to.be.closeTo(1 / 3, 1e-15);
    expect(frame.groupMin.selectionRate).to.equal(1 / 3);
    expect(frame.groupMax.selectionRate).to.equal(1);
  });

  it('gives ratio 1 for all-zero groups and null for negative values; rejects non-finite metrics', () => {
    expect(groupMetricFrame({ groups, metrics: { zero: () => 0 } }).ratio.zero).to.equal(1);
    const signed = groupMetricFrame({ groups, metrics: { signed: (idx) => (idx.includes(0) ? -1 : 1) } });
    expect(signed.ratio.signed).to.equal(null);
    expect(signed.difference.signed).to.equal(2);
    expect(() => groupMetricFrame({ groups, metrics: { broken: () => NaN } })).to.throw(/metrics.broken returned NaN for all items/);
    expect(() => groupMetricFrame({ groups, metrics: {} })).to.throw(/metrics must be/);
    expect(() => groupMetricFrame({ groups, metrics: { accuracy }, allGroups: ['a', 'c'] })).to.throw(/group "c" has no images/);
  });
});
