import { expect } from 'chai';
import * as frnas from '../../lib/index.js';

describe('fairness and pareto through lib/index.ts', () => {
  it('exports the names the acceptance checks import', () => {
    for (const name of ['nonDominatedSort', 'crowdingDistance', 'hypervolume', 'igdPlus', 'rankByIdentity', 'fairnessReport']) {
      expect(frnas, name).to.have.property(name).that.is.a('function');
    }
    expect(frnas.nonDominatedSort([[1, 2], [2, 1], [2, 2]])).to.deep.equal([[0, 1], [2]]);
    expect(frnas.fairnessReport({ ranks: [0, 1], groups: ['a', 'b'] }).disparity).to.equal(1);
  });
});
