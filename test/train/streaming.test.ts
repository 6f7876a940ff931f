import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import { syntheticFaces } from '../../lib/data/index.js';
import { Dpn } from '../../lib/models/dpn.js';
import { listCheckpoints } from '../../lib/train/checkpoint.js';
import { embedFaces } from '../../lib/train/evaluation.js';
import { loadFaceArrays } from '../../lib/train/face-arrays.js';
import { prepareFaceData, runFaceTraining } from '../../lib/train/run.js';
import { embedFacesStreaming } from '../../lib/train/streaming.js';
import { microDpn, microSpec } from './fixtures.js';

async function weights(dir: string, epochs: number): Promise<Float32Array> {
  const manifest = (await listCheckpoints(dir)).find((m) => m.epochsDone === epochs)!;
  const bytes = await readFile(join(dir, manifest.weightsFile));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe('train/streaming: training and evaluation read batch by batch from a FaceDataset (cpu)', function () {
  this.timeout(120000);
  const dataset = syntheticFaces({ identities: 4, imagesPerIdentity: 5, seed: 3 });
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = await mkdtemp(join(tmpdir(), 'frnas-streaming-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('embeds exactly as the in-memory path (flip-sum, L2)', async () => {
    const model = new Dpn({ cell: [1, 0, 1], imageSize: 8, channels: 1, seed: 2, scale: microDpn });
    const streamed = await embedFacesStreaming(model, dataset, { size: 8, channels: 1 }, 7);
    const arrays = await loadFaceArrays(dataset, 8, 1);
    const inMemory = embedFaces(model, arrays);
    expect(Array.from(streamed.identities)).to.deep.equal(Array.from(arrays.identities));
    expect(streamed.groups).to.deep.equal(arrays.groups);
    streamed.embeddings.forEach((v, i) => expect(v).to.be.closeTo(inMemory[i], 1e-5));
    model.dispose();
  });

  it('1 epoch + continue to 2 equals 2 epochs straight, without leaking tensors', async () => {
    const data = await prepareFaceData(dataset, { imageSize: 8, channels: 1, splitSeed: 0, validation: 0.4, streaming: true });
    const spec = microSpec({ maxEpochs: 2, batchSize: 5 });
    const before = tf.memory().numTensors;
    const first = await runFaceTraining(spec, data, { epochs: 1, checkpointDir: join(root, 'continued') });
    const second = await runFaceTraining(spec, data, { epochs: 2, checkpointDir: join(root, 'continued') });
    const straight = await runFaceTraining(spec, data, { epochs: 2, checkpointDir: join(root, 'straight') });
    expect(tf.memory().numTensors).to.equal(before);
    expect([first.resumedFrom, second.resumedFrom, straight.resumedFrom]).to.deep.equal([0, 1, 0]);
    const a = await weights(join(root, 'continued'), 2);
    const b = await weights(join(root, 'straight'), 2);
    let maxDiff = 0;
    a.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i]))));
    expect(maxDiff).to.be.lessThan(1e-5);
    expect(second.metrics.count).to.be.greaterThan(0);
    expect(second.metrics.error).to.be.closeTo(straight.metrics.error, 1e-9);
  });
});
