import seedrandom from 'seedrandom';
import { tf } from '../backend/index.js';

/**
 * Face images held in memory for training and evaluation: NHWC float pixels plus per-image identity and
 * protected group. The trainer batches these itself so that shuffling and flips are pure functions of
 * (seed, epoch), which is what makes "continue from checkpoint" equal "train straight through".
 */
export interface FaceArrays {
  /** n × size × size × channels floats, image after image. */
  images: Float32Array;
  size: number;
  channels: number;
  /** Identity of each image (any integers; training maps them to classifier labels 0..k-1). */
  identities: Int32Array;
  /** Protected group name of each image (e.g. perceived sex). */
  groups: readonly string[];
}

/** A batch that owns `images`; `labels` are classifier labels 0..k-1. */
export interface TrainingBatch {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** The batch shape a data set gives `loadAll` (lib/data's FaceBatch, structurally). */
export interface LoadedFaceBatch {
  images: tf.Tensor4D;
  identities: Int32Array;
  groups: Int32Array;
}

/** What the trainer needs of a lib/data FaceDataset (structural, so the modules stay decoupled). */
export interface FaceDatasetSource {
  readonly name: string;
  readonly groups: readonly string[];
  readonly size: number;
  loadAll(options: { size: number; channels?: 1 | 3; normalize?: 'unit' | 'symmetric'; centerFraction?: number }): Promise<LoadedFaceBatch>;
}

export interface SplitFaceDatasetSource extends FaceDatasetSource {
  split(
    seed: number | string,
    options?: { mode?: 'images' | 'identities' | 'official'; validation?: number; test?: number },
  ): { train: FaceDatasetSource; validation: FaceDatasetSource; test: FaceDatasetSource };
}

/**
 * Loads a data set into memory: every image centre-cropped to `centerFraction` of its side (1 = whole image),
 * resized to size × size, pixels in [0, 1].
 */
export async function loadFaceArrays(dataset: FaceDatasetSource, size: number, channels: 1 | 3, centerFraction = 1): Promise<FaceArrays> {
  const batch = await dataset.loadAll({ size, channels, normalize: 'unit', centerFraction });
  try {
    const images = (await batch.images.data()) as Float32Array;
    return {
      images: Float32Array.from(images),
      size,
      channels,
      identities: Int32Array.from(batch.identities),
      groups: Array.from(batch.groups, (g) => dataset.groups[g]),
    };
  } finally {
    batch.images.dispose();
  }
}

export function imageCount(data: FaceArrays): number {
  return data.identities.length;
}

/** Identity -> classifier label 0..k-1 in order of first appearance. */
export function classLabels(data: FaceArrays): { labels: Int32Array; classes: number } {
  const index = new Map<number, number>();
  const labels = new Int32Array(data.identities.length);
  data.identities.forEach((identity, i) => {
    let label = index.get(identity);
    if (label === undefined) {
      label = index.size;
      index.set(identity, label);
    }
    labels[i] = label;
  });
  return { labels, classes: index.size };
}

/** Images at `indices`, optionally mirrored left-right, as one NHWC tensor. */
export function imageTensor(data: FaceArrays, indices: ArrayLike<number>, flips?: ArrayLike<boolean>): tf.Tensor4D {
  const { size, channels } = data;
  const perImage = size * size * channels;
  const rowLength = size * channels;
  const out = new Float32Array(indices.length * perImage);
  for (let b = 0; b < indices.length; b++) {
    const source = indices[b] * perImage;
    const target = b * perImage;
    if (!flips?.[b]) {
      out.set(data.images.subarray(source, source + perImage), target);
      continue;
    }
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = source + y * rowLength + (size - 1 - x) * channels;
        const to = target + y * rowLength + x * channels;
        for (let c = 0; c < channels; c++) out[to + c] = data.images[from + c];
      }
    }
  }
  return tf.tensor4d(out, [indices.length, size, size, channels]);
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function seededPermutation(n: number, seed: string): Int32Array {
  const rng = seedrandom(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * The batches of epoch `epoch`: order and flips come from seedrandom streams keyed by (seed, epoch), so any
 * epoch can be replayed without the state of earlier ones. A last batch of one image is dropped (BatchNorm).
 */
export function* epochBatches(
  data: FaceArrays,
  labels: Int32Array,
  options: { batchSize: number; seed: number; epoch: number; flip: boolean },
): Generator<TrainingBatch> {
  const n = imageCount(data);
  const order = seededPermutation(n, `${options.seed}/shuffle/${options.epoch}`);
  const flipRng = seedrandom(`${options.seed}/flip/${options.epoch}`);
  const flips = Array.from({ length: n }, () => options.flip && flipRng() < 0.5);
  for (let start = 0; start < n; start += options.batchSize) {
    const indices = order.subarray(start, Math.min(n, start + options.batchSize));
    if (indices.length < 2) break;
    const batchLabels = Int32Array.from(indices, (i) => labels[i]);
    yield {
      images: imageTensor(data, indices, flips.slice(start, start + indices.length)),
      labels: tf.tensor1d(batchLabels, 'int32'),
    };
  }
}

/** Number of batches `epochBatches` yields. */
export function batchesPerEpoch(n: number, batchSize: number): number {
  const full = Math.floor(n / batchSize);
  return n % batchSize >= 2 ? full + 1 : full;
}
