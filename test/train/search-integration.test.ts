import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { tf } from '../../lib/backend/index.js';
import { optimize } from '../../lib/search/index.js';
import { Space } from '../../lib/space/index.js';
import { faceRecognitionObjective } from '../../lib/train/objective.js';
import { microDpn, randomFaces } from './fixtures.js';

describe('train/search-integration: faceRecognitionObjective under the search engine', function () {
  this.timeout(120000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('a promoted trial continues its lineage checkpoint and pays only the extra epochs', async () => {
    const space = Space.fromFile(fileURLToPath(new URL('../../search-spaces/frnas-dpn.json', import.meta.url)));
    const evaluate = faceRecognitionObjective({
      dataset: { train: randomFaces(3, 4, 8, 1), evaluation: randomFaces(3, 2, 8, 2) },
      maxEpochs: 2, scale: microDpn, imageSize: 8, channels: 1, embeddingSize: 12, batchSize: 8,
    });
    const { trials } = await optimize({
      space,
      objectives: [{ name: 'error', direction: 'minimize' }, { name: 'rank_disparity', direction: 'minimize' }],
      fidelity: { min: 1, max: 2, eta: 2 },
      scheduler: 'sh',
      seed: 3,
      stop: { trials: 3 },
      evaluate,
    });
    const ok = trials.filter((t) => t.status === 'ok');
    expect(ok.length, JSON.stringify(trials.map((t) => [t.status, t.error]))).to.be.at.least(2);
    for (const t of ok.filter((t) => t.budget === 1)) expect(t.attributes.resumedFrom).to.equal(0);
    const promoted = ok.filter((t) => t.budget === 2 && t.parentTrialId !== undefined);
    expect(promoted.length).to.be.at.least(1);
    for (const t of promoted) {
      expect(t.attributes.resumedFrom).to.equal(1);
      expect(t.cost.budget).to.equal(1);
    }
  });
});
