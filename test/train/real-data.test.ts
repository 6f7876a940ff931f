import { expect } from 'chai';
import { initBackend } from '../../lib/backend/index.js';
import { loadFolderDataset, syntheticFaces } from '../../lib/data/index.js';
import { dpnScales } from '../../lib/models/dpn.js';
import { evaluateEmbeddings, pixelEmbeddings } from '../../lib/train/evaluation.js';
import { prepareFaceData, trainConfiguration, type FaceTrainingData, type FaceTrainingResult } from '../../lib/train/run.js';
import { sharedData } from '../support/shared-data.js';

/** A small classic DPN cell (BN-ReLU-conv 1x1, grouped 3x3, 1x1), 'tiny' widths, trained on wasm. */
const smallDpn = { edge1: 1, edge2: 0, edge3: 1, head: 'Softmax', loss: 'crossEntropy', optimizer: 'AdamW', lr_adam: 0.005 };

async function trainAndCompare(data: FaceTrainingData, epochs: number, stemPool: boolean): Promise<{ trained: FaceTrainingResult; pixels: number }> {
  const size = data.evaluation.size;
  const pixels = evaluateEmbeddings(pixelEmbeddings(data.evaluation), size * size, data.evaluation).metrics.accuracy;
  const trained = await trainConfiguration(smallDpn, { dataset: data, epochs, imageSize: size, channels: 1, batchSize: 32, scale: { ...dpnScales.tiny, stemPool } });
  return { trained, pixels };
}

describe('train/real-data: a small DPN trained on wasm beats raw pixels on the same evaluation split', function () {
  this.timeout(240000);
  before(async () => {
    await initBackend({ prefer: 'wasm', log: () => undefined });
  });

  it('synthetic faces (24 identities x 10 images, 16 px, 6 epochs)', async () => {
    const dataset = syntheticFaces({ identities: 24, imagesPerIdentity: 10, seed: 5 });
    const data = await prepareFaceData(dataset, { imageSize: 16, channels: 1, splitSeed: 0, validation: 0.2 });
    const { trained, pixels } = await trainAndCompare(data, 6, true);
    console.log(`      synthetic: pixels rank-1 ${pixels.toFixed(3)}, trained ${trained.metrics.accuracy.toFixed(3)} (${trained.seconds.toFixed(1)} s)`);
    expect(trained.metrics.accuracy).to.be.greaterThan(pixels + 0.05);
  });

  it('LFW sex-balanced (35 % of the identities per group, centre crop 0.4, 16 px, 8 epochs)', async function () {
    const root = sharedData('lfw_balanced');
    if (!root) {
      console.log('      ../shared/data/lfw_balanced is absent: skipped');
      this.skip();
    }
    const full = await loadFolderDataset(root);
    const dataset = full.filter({ identityFraction: 0.35, seed: 0 });
    const data = await prepareFaceData(dataset, { imageSize: 16, channels: 1, splitSeed: 0, validation: 0.2, centerFraction: 0.4 });
    // Without the stem's max-pool the 16 px faces keep 16x16 maps in stage 1 (4x the work, far better features).
    const { trained, pixels } = await trainAndCompare(data, 8, false);
    console.log(`      LFW: ${data.train.identities.length} train / ${data.evaluation.identities.length} eval images; pixels rank-1 ${pixels.toFixed(3)}, trained ${trained.metrics.accuracy.toFixed(3)} (${trained.seconds.toFixed(1)} s)`);
    expect(trained.metrics.accuracy).to.be.greaterThan(pixels + 0.05);
  });
});
