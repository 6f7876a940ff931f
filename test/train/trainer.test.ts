import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import { listCheckpoints } from '../../lib/train/checkpoint.js';
import { epochBatches } from '../../lib/train/face-arrays.js';
import { faceRecognitionObjective } from '../../lib/train/objective.js';
import { runFaceTraining } from '../../lib/train/run.js';
import { FaceTrainer } from '../../lib/train/trainer.js';
import type { EvaluationContext } from '../../lib/search/index.js';
import { microSpec, randomFaces } from './fixtures.js';

async function weightsOf(dir: string, epochs: number): Promise<Float32Array> {
  const manifest = (await listCheckpoints(dir)).find((m) => m.epochsDone === epochs);
  if (!manifest) throw new Error(`no checkpoint at ${epochs} epochs in ${dir}`);
  const bytes = await readFile(join(dir, manifest.weightsFile));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function context(dir: string, budget: number): EvaluationContext {
  return { trialId: 1, configId: 'c', budget, previousBudget: 0, attempt: 1, checkpointDir: dir, signal: new AbortController().signal };
}

describe('train/trainer: loop, checkpoints, divergence, memory (cpu backend)', function () {
  this.timeout(120000);
  // 12 images in batches of 8: a full and a partial batch per epoch.
  const train = randomFaces(3, 4, 8, 1);
  const evaluation = randomFaces(3, 2, 8, 2);
  let root: string;

  before(async () => {
    await tf.setBackend('cpu');
    root = await mkdtemp(join(tmpdir(), 'frnas-trainer-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('2 epochs + continue to 4 from the checkpoint equals 4 epochs straight (weights and optimizer state)', async () => {
    for (const optimizer of ['SGD', 'AdamW'] as const) {
      const spec = microSpec({ optimizer, learningRate: optimizer === 'SGD' ? 0.05 : 1e-3 });
      const continued = join(root, `continued-${optimizer}`);
      const straight = join(root, `straight-${optimizer}`);
      const first = await runFaceTraining(spec, { train, evaluation }, { epochs: 2, checkpointDir: continued });
      expect(first.resumedFrom).to.equal(0);
      const second = await runFaceTraining(spec, { train, evaluation }, { epochs: 4, checkpointDir: continued });
      expect(second.resumedFrom).to.equal(2);
      expect(second.epochsTrained).to.equal(2);
      const whole = await runFaceTraining(spec, { train, evaluation }, { epochs: 4, checkpointDir: straight });
      expect(whole.epochsTrained).to.equal(4);
      const a = await weightsOf(continued, 4);
      const b = await weightsOf(straight, 4);
      expect(a.length).to.equal(b.length);
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      expect(maxDiff, optimizer).to.be.lessThan(1e-5);
      expect(second.metrics.error).to.be.closeTo(whole.metrics.error, 1e-9);
      // And the weights really moved: the 2-epoch checkpoint differs from the 4-epoch one.
      const early = await weightsOf(continued, 2);
      expect(early.some((v, i) => Math.abs(v - a[i]) > 1e-4)).to.equal(true);
    }
  });

  it('restart: true, a different configuration or different data train from scratch instead of continuing', async () => {
    const dir = join(root, 'restart');
    await runFaceTraining(microSpec(), { train, evaluation }, { epochs: 1, checkpointDir: dir });
    const again = await runFaceTraining(microSpec(), { train, evaluation }, { epochs: 2, checkpointDir: dir, restart: true });
    expect(again.resumedFrom).to.equal(0);
    expect(again.epochsTrained).to.equal(2);
    const other = await runFaceTraining(microSpec({ head: 'ArcFace', maxEpochs: 2 }), { train, evaluation }, { epochs: 1, checkpointDir: dir });
    expect(other.resumedFrom).to.equal(0);
    // Same configuration, other training images: not continued either.
    const otherData = await runFaceTraining(microSpec(), { train: randomFaces(3, 4, 8, 9), evaluation }, { epochs: 2, checkpointDir: dir });
    expect(otherData.resumedFrom).to.equal(0);
  });

  it('checkpointEveryEpoch: a run killed after epoch 1 of 3 continues from epoch 1 and removes its own intermediate checkpoints', async () => {
    const dir = join(root, 'every-epoch');
    const spec = microSpec({ maxEpochs: 3 });
    const controller = new AbortController();
    let message = '';
    await runFaceTraining(spec, { train, evaluation }, { epochs: 3, checkpointDir: dir, checkpointEveryEpoch: true, signal: controller.signal, onEpoch: () => controller.abort() })
      .catch((e: Error) => (message = e.message));
    expect(message).to.equal('aborted after 1 epochs');
    expect((await listCheckpoints(dir)).map((m) => m.epochsDone)).to.deep.equal([1]);
    const resumed = await runFaceTraining(spec, { train, evaluation }, { epochs: 3, checkpointDir: dir, checkpointEveryEpoch: true });
    expect(resumed.resumedFrom).to.equal(1);
    expect(resumed.epochsTrained).to.equal(2);
    expect((await listCheckpoints(dir)).map((m) => m.epochsDone)).to.deep.equal([1, 3]);
  });

  it('a NaN loss throws "diverged", which the engine records as a failed trial', async () => {
    const poisoned = { ...train, images: Float32Array.from(train.images) };
    poisoned.images.fill(Number.NaN, 0, 64);
    const evaluate = faceRecognitionObjective({ dataset: { train: poisoned, evaluation }, maxEpochs: 2, scale: microSpec().scale, imageSize: 8, channels: 1, embeddingSize: 12, batchSize: 8 });
    const before = tf.memory().numTensors;
    let message = '';
    try {
      await evaluate({ edge1: 0, edge2: 0, edge3: 0, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.1 }, 1, context(join(root, 'nan'), 1));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^diverged: loss NaN/);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('leaks no tensor over an epoch, nor once disposed', () => {
    const start = tf.memory().numTensors;
    const trainer = new FaceTrainer(microSpec({ optimizer: 'Adam', learningRate: 1e-3, head: 'MagFace' }), 3);
    trainer.trainEpoch(train);
    const before = tf.memory().numTensors;
    const report = trainer.trainEpoch(train);
    expect(tf.memory().numTensors).to.equal(before);
    expect(report.epoch).to.equal(2);
    expect(Number.isFinite(report.loss)).to.equal(true);
    trainer.dispose();
    expect(tf.memory().numTensors).to.equal(start);
  });

  it('shuffles and flips as a pure function of (seed, epoch)', () => {
    const labels = Int32Array.from(train.identities);
    const first = (epoch: number, seed: number): number[] => {
      const batch = epochBatches(train, labels, { batchSize: 8, seed, epoch, flip: true }).next().value!;
      const values = Array.from(batch.images.dataSync() as Float32Array);
      tf.dispose([batch.images, batch.labels]);
      return values;
    };
    expect(first(3, 1)).to.deep.equal(first(3, 1));
    expect(first(3, 1)).to.not.deep.equal(first(4, 1));
    expect(first(3, 1)).to.not.deep.equal(first(3, 2));
  });

  it('the objective returns error and rank_disparity, cost in epochs actually trained, metrics as attributes', async () => {
    const epochs: number[] = [];
    const evaluate = faceRecognitionObjective({
      dataset: { train, evaluation }, maxEpochs: 2, scale: microSpec().scale, imageSize: 8, channels: 1, embeddingSize: 12, batchSize: 8,
      onEpoch: (report) => epochs.push(report.epoch),
    });
    const dir = join(root, 'objective');
    const config = { edge1: 3, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 1e-3 };
    const low = await evaluate(config, 1, context(dir, 1));
    expect(Object.keys(low)).to.include.members(['error', 'rank_disparity', 'cost', 'attributes']);
    expect(low.cost).to.deep.include({ budget: 1 });
    const promoted = await evaluate(config, 2, context(dir, 2));
    expect(promoted.cost).to.deep.include({ budget: 1 });
    const attributes = promoted.attributes as Record<string, unknown>;
    expect(attributes.resumedFrom).to.equal(1);
    expect(attributes).to.include.keys('disparity', 'ratio', 'rankRatio', 'errorRatio', 'perGroup', 'accuracy');
    expect(promoted.error).to.be.within(0, 1);
    expect(epochs).to.deep.equal([1, 2]);
  });
});
