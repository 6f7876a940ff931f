import { expect } from 'chai';
import { pairSimilarities, thresholdAtFar, verificationByGroup } from '../../lib/fairness/index.js';

describe('fairness/verification', () => {
  it('thresholdAtFar lets at most floor(far * n) impostors score above it', () => {
    const impostors = [0.1, 0.9, 0.5, 0.3, 0.7];
    expect(thresholdAtFar(impostors, 0)).to.equal(0.9);
    expect(thresholdAtFar(impostors, 0.2)).to.equal(0.7);
    expect(thresholdAtFar(impostors, 0.39)).to.equal(0.7);
    expect(thresholdAtFar(impostors, 1)).to.equal(-Infinity);
    expect(thresholdAtFar([], 0.1)).to.equal(-Infinity);
  });

  it('computes TAR and FAR per group at the global and at each group\'s own threshold', () => {
    // Group a: genuine 0.9, 0.6; impostors 0.2, 0.5. Group b: genuine 0.8, 0.4; impostors 0.7, 0.1.
    const scores = [0.9, 0.6, 0.2, 0.5, 0.8, 0.4, 0.7, 0.1];
    const genuine = [true, true, false, false, true, true, false, false];
    const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
    const result = verificationByGroup({ scores, genuine, groups, far: 0.25 });
    // Four impostors, one may pass: threshold = second largest impostor score = 0.5.
    expect(result.threshold).to.equal(0.5);
    expect(result.overall).to.deep.equal({ genuineCount: 4, impostorCount: 4, tar: 0.75, far: 0.25 });
    expect(result.perGroup.a).to.deep.equal({ genuineCount: 2, impostorCount: 2, tar: 1, far: 0, ownThreshold: 0.5, tarAtOwnThreshold: 1 });
    expect(result.perGroup.b).to.deep.equal({ genuineCount: 2, impostorCount: 2, tar: 0.5, far: 0.5, ownThreshold: 0.7, tarAtOwnThreshold: 0.5 });
    expect(result.tarDifference).to.equal(0.5);
    expect(result.farDifference).to.equal(0.5);
  });

  it('pairSimilarities gives cosine similarities; bad input gives one clear error', () => {
    const sims = pairSimilarities({ embeddings: [[1, 0], [3, 3], [0, -2]], pairs: [[0, 1], [0, 2], [1, 1]] });
    expect(sims[0]).to.be.closeTo(Math.SQRT1_2, 1e-15);
    expect(sims[1]).to.equal(0);
    expect(sims[2]).to.be.closeTo(1, 1e-15);
    expect(() => pairSimilarities({ embeddings: [[1, 0]], pairs: [[0, 1]] })).to.throw(/pairs\[0\]\[1\] = 1 is not an image index below 1/);
    expect(() => verificationByGroup({ scores: [0.1], genuine: [true, false], groups: ['a'], far: 0.1 })).to.throw(/genuine must have one boolean per score/);
    expect(() => verificationByGroup({ scores: [0.1], genuine: [true], groups: ['a'], far: 2 })).to.throw(/far must be a number in \[0, 1\]/);
    expect(() => verificationByGroup({ scores: [NaN], genuine: [true], groups: ['a'], far: 0.1 })).to.throw(/scores\[0\] must be a finite number/);
  });
});
