// Training and evaluation straight from a lib/data FaceDataset, batch by batch, for data sets too large to
// hold in memory (CelebA, VGGFace2 at 112-224 px). Order and flips come from the data set's own seeded
// streams keyed by (seed, epoch), so continuing a checkpoint still equals training straight through.
import { tf } from '../backend/index.js';
import type { Backbone } from '../models/backbone.js';
import { augments, batchesPerEpoch, type LoadedFaceBatch } from './face-arrays.js';
import { learningRateAt } from './schedules.js';
import type { EpochReport, FaceTrainer } from './trainer.js';

/** What streaming needs of a lib/data FaceDataset (structural). Labels are its identityIndex (0..k-1). */
export interface StreamingFaceSource {
  readonly name: string;
  readonly size: number;
  readonly groups: readonly string[];
  readonly identities: readonly string[];
  batches(options: {
    batchSize: number;
    shuffleSeed?: number | string;
    epoch?: number;
    flip?: 'none' | 'random' | 'all';
    size: number;
    channels?: 1 | 3;
    normalize?: 'unit' | 'symmetric';
    centerFraction?: number;
  }): AsyncIterable<LoadedFaceBatch>;
}

/** Train and evaluation splits read batch by batch, with the pixel settings of both. */
export interface StreamingFaceData {
  train: StreamingFaceSource;
  evaluation: StreamingFaceSource;
  size: number;
  channels: 1 | 3;
  centerFraction?: number;
}

export function isStreamingFaceData(data: object): data is StreamingFaceData {
  const train = (data as { train?: unknown }).train;
  return typeof train === 'object' && train !== null && typeof (train as { batches?: unknown }).batches === 'function';
}

/** Trains epoch `trainer.epochsDone + 1` from the data set's seeded batches (a last 1-image batch is skipped). */
export async function trainEpochStreaming(trainer: FaceTrainer, data: StreamingFaceData): Promise<EpochReport> {
  const start = performance.now();
  const epoch = trainer.epochsDone;
  const { batchSize, seed, flip } = trainer.spec;
  // Streamed batches come from the data set's reader, which has no augmentation: refuse rather than train without it.
  if (augments(trainer.spec.augmentation)) throw new Error('augmentation needs in-memory training data (streaming: false)');
  const steps = batchesPerEpoch(data.train.size, batchSize);
  if (steps === 0) throw new Error(`training set of ${data.train.size} images gives no batch of at least 2 images`);
  let lossSum = 0;
  let step = 0;
  let learningRate = 0;
  const batches = data.train.batches({
    batchSize, shuffleSeed: seed, epoch, flip: flip ? 'random' : 'none', size: data.size, channels: data.channels, normalize: 'unit', centerFraction: data.centerFraction,
  });
  for await (const batch of batches) {
    const labels = tf.tensor1d(batch.identities, 'int32');
    try {
      if (batch.identities.length < 2) continue;
      learningRate = learningRateAt(trainer.schedule, epoch + step / steps);
      lossSum += trainer.step(batch.images, labels, learningRate);
      step += 1;
    } finally {
      tf.dispose([batch.images, labels]);
    }
  }
  trainer.epochsDone += 1;
  return { epoch: trainer.epochsDone, loss: lossSum / step, seconds: (performance.now() - start) / 1000, learningRate, images: data.train.size };
}

/** FR-NAS embeddings (backbone(x) + backbone(flip x), L2-normalised) of a data set read in order, with labels. */
export async function embedFacesStreaming(
  backbone: Backbone,
  source: StreamingFaceSource,
  pixels: Pick<StreamingFaceData, 'size' | 'channels' | 'centerFraction'>,
  batchSize = 64,
): Promise<{ embeddings: Float32Array; identities: Int32Array; groups: string[] }> {
  const dim = backbone.embeddingSize;
  const embeddings = new Float32Array(source.size * dim);
  const identities = new Int32Array(source.size);
  const groups: string[] = [];
  let at = 0;
  for await (const batch of source.batches({ batchSize, size: pixels.size, channels: pixels.channels, normalize: 'unit', centerFraction: pixels.centerFraction })) {
    const summed = tf.tidy(() => {
      const both = tf.add(backbone.forward(batch.images, false), backbone.forward(tf.reverse(batch.images, 2), false));
      return tf.div(both, tf.maximum(tf.norm(both, 'euclidean', 1, true), 1e-12));
    });
    embeddings.set(summed.dataSync(), at * dim);
    identities.set(batch.identities, at);
    for (const g of batch.groups) groups.push(source.groups[g]);
    at += batch.identities.length;
    tf.dispose([summed, batch.images]);
  }
  return { embeddings, identities, groups };
}
