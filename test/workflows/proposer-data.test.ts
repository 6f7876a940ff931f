import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search, type SearchOptions } from '../../lib/index.js';
import { RandomForestProposer, TpeProposer } from '../../lib/search/index.js';
import { faceSearchProposer, recordedSearchSettings, withRecordedSettings } from '../../lib/workflows/index.js';
import { microDpn } from '../train/fixtures.js';

describe('proposerData (formerly trainingData): the proposer\'s rule, named apart from the face training data', function () {
  this.timeout(180_000);

  it('builds the rf / tpe proposer from proposerData or the deprecated trainingData, and refuses the two disagreeing', () => {
    const rf = faceSearchProposer({ proposerData: 'all-budgets' });
    expect(rf).to.be.instanceOf(RandomForestProposer);
    expect((rf as RandomForestProposer).options.trainingData).to.equal('all-budgets');
    const tpe = faceSearchProposer({ proposer: 'tpe', trainingData: 'highest-budget' });
    expect(tpe).to.be.instanceOf(TpeProposer);
    expect((tpe as TpeProposer).options.trainingData).to.equal('highest-budget');
    expect((faceSearchProposer({ proposerData: 'all-budgets', trainingData: 'all-budgets' }) as RandomForestProposer).options.trainingData).to.equal('all-budgets');
    expect(() => faceSearchProposer({ proposerData: 'all-budgets', trainingData: 'highest-budget' })).to.throw(
      /proposerData \('all-budgets'\) and its deprecated alias trainingData \('highest-budget'\) disagree/,
    );
    expect(() => faceSearchProposer({ proposer: 'random', proposerData: 'all-budgets' })).to.throw(/proposerData \(--proposer-data\) applies to the model-based proposers/);
  });

  it('a study started with the old trainingData option resumes under proposerData, or with neither (taken from its header)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-proposer-data-'));
    try {
      const common: SearchOptions = {
        out: dir, data: 'synthetic:identities=6,images=4', scheduler: 'hyperband', proposer: 'rf', minEpochs: 1, maxEpochs: 2, eta: 2,
        imageSize: 8, batchSize: 16, scale: microDpn, seed: 3, evaluateDefault: false,
      };
      const first = await search({ ...common, trainingData: 'all-budgets', trials: 2 });
      expect(first.trials).to.have.length(2);
      // The header key keeps its first name: journals written before the rename read the same.
      expect(recordedSearchSettings(dir).proposerTrainingData).to.equal('all-budgets');
      expect(withRecordedSettings({ out: dir }, dir).proposerData).to.equal('all-budgets');

      const renamed = await search({ ...common, proposerData: 'all-budgets', trials: 3 });
      expect(renamed.trials).to.have.length(3);
      const neither = await search({ ...common, trials: 4 });
      expect(neither.trials).to.have.length(4);
      expect(recordedSearchSettings(dir).proposerTrainingData).to.equal('all-budgets');

      // Another rule is another study: the resume is refused rather than mixing two rules in one journal.
      let refused = '';
      await search({ ...common, proposerData: 'highest-budget', trials: 5 }).catch((e: Error) => (refused = e.message));
      expect(refused).to.match(/proposerTrainingData/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
