import seedrandom from 'seedrandom';
import { tf } from '../backend/index.js';
import { augmentationLimits, type AugmentationSettings } from './augmentation-settings.js';

export type { AugmentationSettings } from './augmentation-settings.js';

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

/** Checks every field is a finite number in its range; returns the settings with absent fields as 0. */
export function checkAugmentation(settings: AugmentationSettings = {}): Required<AugmentationSettings> {
  const limits: Record<string, number> = augmentationLimits;
  const known = Object.keys(limits);
  for (const key of Object.keys(settings)) {
    if (!known.includes(key)) throw new Error(`augmentation has no setting "${key}" (expected ${known.join(', ')})`);
  }
  const out: Record<string, number> = {};
  for (const key of known) {
    const value = (settings as Record<string, unknown>)[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > limits[key]) {
      throw new Error(`augmentation ${key} must be a number in [0, ${limits[key]}], got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out as Required<AugmentationSettings>;
}

/** True when the settings change any image. */
export function augments(settings?: AugmentationSettings): boolean {
  return settings !== undefined && Object.values(settings).some((v) => typeof v === 'number' && v > 0);
}

/** One image's random transform: an affine map of output to source coordinates plus a photometric change. */
interface ImageTransform {
  flip: boolean;
  /** 2x2 matrix (output offset from centre -> source offset) and translation in pixels. */
  a: number; b: number; c: number; d: number; tx: number; ty: number;
  brightness: number;
  contrast: number;
}

/** Draws the transforms of `n` images in order from `rng` (a fixed number of draws per image). */
function drawTransforms(n: number, size: number, settings: Required<AugmentationSettings>, flips: readonly boolean[], rng: () => number): ImageTransform[] {
  const uniform = (r: number): number => (rng() * 2 - 1) * r;
  return Array.from({ length: n }, (_, i) => {
    const zoom = 1 + uniform(settings.scale);
    const angle = (uniform(settings.rotate) * Math.PI) / 180;
    const tx = uniform(settings.shift) * size;
    const ty = uniform(settings.shift) * size;
    const brightness = uniform(settings.brightness);
    const contrast = 1 + uniform(settings.contrast);
    const cos = Math.cos(angle) / zoom;
    const sin = Math.sin(angle) / zoom;
    return { flip: flips[i], a: cos, b: -sin, c: sin, d: cos, tx, ty, brightness, contrast };
  });
}

/** Writes the transformed image `source` of `data` into `out` at `target` (bilinear, edges replicated). */
function transformImage(data: FaceArrays, source: number, t: ImageTransform, out: Float32Array, target: number): void {
  const { size, channels } = data;
  const base = source * size * size * channels;
  const centre = (size - 1) / 2;
  const pixel = (x: number, y: number, ch: number): number => data.images[base + (y * size + x) * channels + ch];
  const sums = new Float64Array(channels);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ox = (t.flip ? size - 1 - x : x) - centre;
      const oy = y - centre;
      const sx = Math.min(size - 1, Math.max(0, centre + t.a * ox + t.b * oy + t.tx));
      const sy = Math.min(size - 1, Math.max(0, centre + t.c * ox + t.d * oy + t.ty));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(size - 1, x0 + 1);
      const y1 = Math.min(size - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const to = target + (y * size + x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const top = pixel(x0, y0, ch) * (1 - fx) + pixel(x1, y0, ch) * fx;
        const bottom = pixel(x0, y1, ch) * (1 - fx) + pixel(x1, y1, ch) * fx;
        const v = top * (1 - fy) + bottom * fy;
        out[to + ch] = v;
        sums[ch] += v;
      }
    }
  }
  if (t.contrast === 1 && t.brightness === 0) return;
  const count = size * size;
  for (let ch = 0; ch < channels; ch++) {
    const mean = sums[ch] / count;
    for (let p = 0; p < count; p++) {
      const at = target + p * channels + ch;
      out[at] = Math.min(1, Math.max(0, (out[at] - mean) * t.contrast + mean + t.brightness));
    }
  }
}

/** Images at `indices`, each through its transform, as one NHWC tensor. */
export function augmentedImageTensor(data: FaceArrays, indices: ArrayLike<number>, transforms: readonly ImageTransform[]): tf.Tensor4D {
  const { size, channels } = data;
  const perImage = size * size * channels;
  const out = new Float32Array(indices.length * perImage);
  for (let b = 0; b < indices.length; b++) transformImage(data, indices[b], transforms[b], out, b * perImage);
  return tf.tensor4d(out, [indices.length, size, size, channels]);
}

/**
 * The batches of epoch `epoch`: order, flips and augmentation come from seedrandom streams keyed by (seed, epoch),
 * so any epoch can be replayed without the state of earlier ones. A last batch of one image is dropped (BatchNorm).
 */
export function* epochBatches(
  data: FaceArrays,
  labels: Int32Array,
  options: { batchSize: number; seed: number; epoch: number; flip: boolean; augmentation?: AugmentationSettings },
): Generator<TrainingBatch> {
  const n = imageCount(data);
  const order = seededPermutation(n, `${options.seed}/shuffle/${options.epoch}`);
  const flipRng = seedrandom(`${options.seed}/flip/${options.epoch}`);
  const flips = Array.from({ length: n }, () => options.flip && flipRng() < 0.5);
  const transforms = augments(options.augmentation)
    ? drawTransforms(n, data.size, checkAugmentation(options.augmentation), flips, seedrandom(`${options.seed}/augment/${options.epoch}`))
    : undefined;
  for (let start = 0; start < n; start += options.batchSize) {
    const indices = order.subarray(start, Math.min(n, start + options.batchSize));
    if (indices.length < 2) break;
    const batchLabels = Int32Array.from(indices, (i) => labels[i]);
    yield {
      images: transforms
        ? augmentedImageTensor(data, indices, transforms.slice(start, start + indices.length))
        : imageTensor(data, indices, flips.slice(start, start + indices.length)),
      labels: tf.tensor1d(batchLabels, 'int32'),
    };
  }
}

/** Number of batches `epochBatches` yields. */
export function batchesPerEpoch(n: number, batchSize: number): number {
  const full = Math.floor(n / batchSize);
  return n % batchSize >= 2 ? full + 1 : full;
}
