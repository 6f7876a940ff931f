import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import { Dpn } from '../../lib/models/dpn.js';
import { bootstrapFairness } from '../../lib/fairness/index.js';
import { embedFaces, evaluateEmbeddings, pixelEmbeddings } from '../../lib/train/evaluation.js';
import { trialResult } from '../../lib/train/objective.js';
import type { FaceArrays } from '../../lib/train/face-arrays.js';
import { microDpn, randomFaces } from './fixtures.js';

describe('train/evaluation: FR-NAS rank_by_id metrics', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the hand computation on a tiny embedding set', () => {
    // Unit vectors at angles (degrees); identities A, A, B, B, C, C; groups M, M, F, F, M, M.
    const angles = [0, 10, 90, 5, 180, 170];
    const embeddings = Float32Array.from(angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
    const data = { identities: Int32Array.from([0, 0, 1, 1, 2, 2]), groups: ['M', 'M', 'F', 'F', 'M', 'M'] };
    // By hand (leave-one-out, distinct other identities met before the first same-identity image):
    // 0°: B(5°) then A(10°) -> 1; 10°: B(5°) then A(0°) -> 1; 90°: A(10°) and C(170°) at 80°, then B(5°) at 85° -> 2;
    // 5°: A at 5° and 5°, then B at 85° -> 1; 180° and 170°: each other first -> 0, 0.
    const result = evaluateEmbeddings(embeddings, 2, data, ['F', 'M']);
    expect(result.ranks).to.deep.equal([1, 1, 2, 1, 0, 0]);
    expect(result.metrics.error).to.be.closeTo(4 / 6, 1e-12);
    expect(result.metrics.accuracy).to.be.closeTo(2 / 6, 1e-12);
    expect(result.perGroup.M.accuracy).to.be.closeTo(0.5, 1e-12);
    expect(result.perGroup.F.accuracy).to.equal(0);
    expect(result.metrics.disparity).to.be.closeTo(0.5, 1e-12); // |0 − 0.5|
    expect(result.metrics.rankDisparity).to.be.closeTo(1, 1e-12); // |1.5 − 0.5|
    expect(result.metrics.rankRatio).to.be.closeTo(2, 1e-12); // |1 − 1.5 / 0.5|
    expect(result.metrics.errorRatio).to.be.closeTo(1, 1e-12); // |1 − 1 / 0.5|
    expect(result.metrics.ratio).to.be.closeTo(1, 1e-12); // |1 − 0 / 0.5|
  });

  it('leaves out images whose identity has no other image in the split', () => {
    const embeddings = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, 0.2, 0.8]);
    const result = evaluateEmbeddings(embeddings, 2, { identities: Int32Array.from([0, 0, 1, 2, 2]), groups: ['M', 'M', 'F', 'F', 'F'] });
    expect(result.ranked).to.deep.equal([0, 1, 3, 4]);
    expect(result.metrics.count).to.equal(4);
  });

  it('embeds as backbone(x) + backbone(flip x), L2-normalised: unit rows, invariant to mirroring the input', () => {
    const faces = randomFaces(2, 2, 8, 3);
    const mirrored: FaceArrays = { ...faces, images: new Float32Array(faces.images.length) };
    for (let i = 0; i < 4; i++) for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) mirrored.images[i * 64 + y * 8 + x] = faces.images[i * 64 + y * 8 + 7 - x];
    const model = new Dpn({ cell: [0, 3, 6], imageSize: 8, channels: 1, seed: 4, scale: microDpn });
    const a = embedFaces(model, faces, 3);
    const b = embedFaces(model, mirrored, 3);
    for (let i = 0; i < 4; i++) {
      const row = a.subarray(i * 12, (i + 1) * 12);
      expect(Math.hypot(...row)).to.be.closeTo(1, 1e-5);
    }
    a.forEach((v, i) => expect(v).to.be.closeTo(b[i], 1e-5));
    model.dispose();
    expect(Math.hypot(...pixelEmbeddings(faces).subarray(0, 64))).to.be.closeTo(1, 1e-5);
  });

  it('adds identity-bootstrap intervals of every figure to the metrics, and trial attributes keep them', () => {
    const angles = [0, 10, 90, 5, 180, 170, 60, 65];
    const embeddings = Float32Array.from(angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
    const data = { identities: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), groups: ['M', 'M', 'F', 'F', 'M', 'M', 'F', 'F'] };
    const result = evaluateEmbeddings(embeddings, 2, data, ['F', 'M'], { intervals: { resamples: 200, seed: 3 } });
    const intervals = result.metrics.intervals;
    expect(intervals).to.include({ resamples: 200, seed: 3, level: 0.95, identities: 4 });
    // The same bootstrap as bootstrapFairness on the ranked images, estimates equal to the metrics.
    expect(intervals).to.deep.equal(
      bootstrapFairness({ ranks: result.ranks, groups: result.ranked.map((i) => data.groups[i]), identities: result.ranked.map((i) => data.identities[i]), referenceGroups: ['F', 'M'], resamples: 200, seed: 3 }),
    );
    expect(intervals?.metrics.error.estimate).to.equal(result.metrics.error);
    expect(intervals?.metrics.rankDisparity.estimate).to.equal(result.metrics.rankDisparity);
    expect(evaluateEmbeddings(embeddings, 2, data).metrics.intervals).to.include({ resamples: 1000, seed: 0, level: 0.95 });
    expect(evaluateEmbeddings(embeddings, 2, data, undefined, { intervals: false }).metrics).to.not.have.property('intervals');

    const trial = trialResult(
      { metrics: result.metrics, perGroup: result.perGroup, epochs: 1, epochsTrained: 1, resumedFrom: 0, seconds: 1, history: [], trainableParameters: 10, ranking: { ranks: result.ranks, identities: [], groups: [] } },
      ['error', 'rank_disparity'],
    );
    expect(trial.error).to.equal(result.metrics.error);
    expect(trial.attributes?.intervals).to.deep.equal(intervals);
    expect(trial.attributes?.rankDisparity).to.equal(result.metrics.rankDisparity);
  });
});
