// Train on one data set, evaluate on another (FR-NAS's protocol); augmentation; preprocessing that travels with the model.
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import { loadFaceDataset } from '../../lib/data/index.js';
import { evaluateTransfer } from '../../lib/workflows/evaluate.js';
import { listCheckpoints } from '../../lib/train/checkpoint.js';
import { augmentedImageTensor, checkAugmentation, epochBatches, loadFaceArrays } from '../../lib/train/face-arrays.js';
import { prepareFaceData, runFaceTraining, trainConfiguration } from '../../lib/train/run.js';
import { writeFolderDataset } from '../data/fixtures.js';
import { microDpn, microSpec, randomFaces } from './fixtures.js';

describe('train: real-face protocol (evaluation data, augmentation, preprocessing in the spec)', function () {
  this.timeout(120000);
  let root: string;
  let trainDir: string;
  let evalDir: string;
  let overlapDir: string;

  before(async () => {
    await tf.setBackend('cpu');
    root = await mkdtemp(join(tmpdir(), 'frnas-real-faces-'));
    trainDir = join(root, 'train');
    evalDir = join(root, 'eval');
    overlapDir = join(root, 'overlap');
    await writeFolderDataset(trainDir, { ann: 'F', bea: 'F', cal: 'M', dan: 'M', eve: 'F', fay: 'F', gus: 'M' }, 3, 1);
    await writeFolderDataset(evalDir, { uma: 'F', val: 'F', wes: 'M', xan: 'M' }, 3, 50);
    await writeFolderDataset(overlapDir, { uma: 'F', ann: 'F', cal: 'M', xan: 'M' }, 3, 80);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const config = { edge1: 1, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.05 };
  const small = { scale: microDpn, imageSize: 8, embeddingSize: 12, batchSize: 8 };

  it('trains on all of one data set and evaluates on all of another; the evaluation groups are the fairness groups', async () => {
    const result = await trainConfiguration(config, { ...small, dataset: `folder:${trainDir}`, evaluationData: `folder:${evalDir}`, epochs: 1 });
    // Every evaluation image is ranked (4 people x 3 images), none of the training set.
    expect(result.metrics.count).to.equal(12);
    expect(Object.keys(result.perGroup).sort()).to.deep.equal(['F', 'M']);
    for (const g of Object.values(result.perGroup)) expect(g.count).to.equal(6);
  });

  it('refuses evaluation identities that are also training identities, naming how many and which, unless allowed', async () => {
    let message = '';
    try {
      await trainConfiguration(config, { ...small, dataset: `folder:${trainDir}`, evaluationData: `folder:${overlapDir}`, epochs: 1 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/shares 2 of its 4 identities with the training data/);
    expect(message).to.include('ann, cal');
    expect(message).to.include('allowIdentityOverlap');
    const allowed = await trainConfiguration(config, { ...small, dataset: `folder:${trainDir}`, evaluationData: `folder:${overlapDir}`, allowIdentityOverlap: true, epochs: 1 });
    expect(allowed.metrics.count).to.equal(12);
  });

  it('minImagesPerIdentity leaves out identities with fewer images', async () => {
    const dataset = await loadFaceDataset(`folder:${trainDir}`);
    const evaluationData = await loadFaceDataset(`folder:${evalDir}`);
    const all = await prepareFaceData(dataset, { imageSize: 8, channels: 1, evaluationData });
    expect(all.train.identities.length).to.equal(21);
    // gus keeps one image: minImagesPerIdentity 2 leaves him out (18 of 19 images train).
    const oneGus = dataset.subset([...dataset.items.keys()].filter((i) => dataset.items[i].identity !== 'gus' || dataset.items[i].id.endsWith('_0.png')));
    expect(oneGus.size).to.equal(19);
    const filtered = await prepareFaceData(oneGus, { imageSize: 8, channels: 1, evaluationData, minImagesPerIdentity: 2 });
    expect(filtered.train.identities.length).to.equal(18);
  });

  it('augmentation: seeded per (seed, epoch), so 2 epochs + continue to 4 equals 4 straight; images really change', async () => {
    const train = randomFaces(3, 4, 8, 1);
    const evaluation = randomFaces(3, 2, 8, 2);
    const augmentation = { shift: 0.1, scale: 0.1, rotate: 10, brightness: 0.1, contrast: 0.2 };
    const spec = microSpec({ optimizer: 'AdamW', learningRate: 1e-3, augmentation });
    const continued = join(root, 'aug-continued');
    const straight = join(root, 'aug-straight');
    await runFaceTraining(spec, { train, evaluation }, { epochs: 2, checkpointDir: continued });
    const second = await runFaceTraining(spec, { train, evaluation }, { epochs: 4, checkpointDir: continued });
    expect(second.resumedFrom).to.equal(2);
    const whole = await runFaceTraining(spec, { train, evaluation }, { epochs: 4, checkpointDir: straight });
    const weights = async (dir: string): Promise<Float32Array> => {
      const manifest = (await listCheckpoints(dir)).find((m) => m.epochsDone === 4);
      const bytes = await readFile(join(dir, manifest!.weightsFile));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    };
    const a = await weights(continued);
    const b = await weights(straight);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).to.be.lessThan(1e-5);
    expect(second.metrics.error).to.be.closeTo(whole.metrics.error, 1e-9);
    // The same epoch's batches twice are equal; augmented batches differ from plain ones; no tensor leaks.
    const labels = Int32Array.from(train.identities);
    const before = tf.memory().numTensors;
    const batch = (aug?: typeof augmentation): Float32Array => {
      const first = epochBatches(train, labels, { batchSize: 12, seed: 3, epoch: 1, flip: true, augmentation: aug }).next().value!;
      const values = first.images.dataSync() as Float32Array;
      tf.dispose([first.images, first.labels]);
      return Float32Array.from(values);
    };
    const x1 = batch(augmentation);
    const x2 = batch(augmentation);
    const plain = batch();
    expect(x1).to.deep.equal(x2);
    expect(x1.some((v, i) => Math.abs(v - plain[i]) > 1e-3)).to.equal(true);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('augmentation with streamed batches is refused rather than silently left out', async () => {
    let message = '';
    try {
      await trainConfiguration(config, { ...small, dataset: `folder:${trainDir}`, evaluationData: `folder:${evalDir}`, epochs: 1, streaming: true, augmentation: { shift: 0.1 } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal('augmentation needs in-memory training data (streaming: false)');
  });

  it('augmentation: the identity transform returns the image; bad settings are refused by name', () => {
    const data = randomFaces(1, 1, 8, 4);
    const identity = { flip: false, a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0, brightness: 0, contrast: 1 };
    const out = augmentedImageTensor(data, [0], [identity]);
    expect(Array.from(out.dataSync()).map((v, i) => Math.abs(v - data.images[i])).every((d) => d < 1e-6)).to.equal(true);
    out.dispose();
    expect(() => checkAugmentation({ shift: 2 })).to.throw(/augmentation shift must be a number in \[0, 0.5\]/);
    expect(() => checkAugmentation({ blur: 1 } as never)).to.throw(/no setting "blur"/);
  });

  it('the centre crop travels with the model: evaluate-time loading embeds exactly as training-time loading did', async () => {
    const dir = join(root, 'crop-run');
    const options = { ...small, dataset: `folder:${trainDir}`, evaluationData: `folder:${evalDir}`, epochs: 1, centerFraction: 0.5, checkpointDir: dir };
    const trained = await trainConfiguration(config, options);
    const manifest = (await listCheckpoints(dir)).at(-1)!;
    expect(manifest.spec.centerFraction).to.equal(0.5);
    // Without repeating the crop, `evaluate` reads it from the checkpoint and gets the training run's figures.
    const evaluation = await evaluateTransfer({ run: dir, data: await loadFaceDataset(`folder:${evalDir}`), dataSpec: `folder:${evalDir}`, out: join(root, 'crop-eval.json') });
    expect(evaluation.identification.metrics.error).to.equal(trained.metrics.error);
    expect(evaluation.identification.metrics.meanRank).to.equal(trained.metrics.meanRank);
    // And the crop changes the pixels (so the check above means something).
    const evalSet = await loadFaceDataset(`folder:${evalDir}`);
    const cropped = await loadFaceArrays(evalSet, 8, 1, 0.5);
    const whole = await loadFaceArrays(evalSet, 8, 1);
    expect(cropped.images.some((v, i) => Math.abs(v - whole.images[i]) > 1e-3)).to.equal(true);
  });
});
