import type { PixelOptions, Normalization } from './decode.js';
import type { ImageCache } from './cache.js';
import type { tf } from '../backend/tf.js';

/** Where an item's pixels come from. */
export type ImageSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'synthetic'; readonly identity: number; readonly image: number };

/** A partition fixed by the data set itself (CelebA's list_eval_partition.txt, VGGFace2's train/ and test/). */
export type Partition = 'train' | 'validation' | 'test';

/** One face image: where it is, whose it is, and the protected group it counts for. */
export interface FaceItem {
  /** Unique within its data set and stable across runs, e.g. `Al_Gore/Al_Gore_0001.jpg`. */
  readonly id: string;
  readonly source: ImageSource;
  readonly identity: string;
  /** Index into the owning data set's `identities` (contiguous 0..identities.length-1: a classifier label). */
  readonly identityIndex: number;
  readonly group: string;
  /** Index into the owning data set's `groups`. */
  readonly groupIndex: number;
  /** Every attribute the layout gives for the image or its identity (e.g. `perceived_sex`, `Name`). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly partition?: Partition;
}

/** What a loader produces for one item; the data set adds the indices. */
export type FaceItemInput = Omit<FaceItem, 'identityIndex' | 'groupIndex'>;

/** A verification pair (RFW, LFW-style pairs files), by item id. */
export interface VerificationPair {
  readonly first: string;
  readonly second: string;
  readonly same: boolean;
  readonly group: string;
}

/**
 * `images`: held-out images of the training identities (FR-NAS on CelebA and VGGFace2);
 * `identities`: evaluation identities never seen in training (FR-NAS on RFW);
 * `official`: the partition the data set ships with (CelebA, VGGFace2 with subset `all`).
 */
export type SplitMode = 'images' | 'identities' | 'official';

export interface SplitOptions {
  /** Default: the data set's `defaultSplitMode`. */
  mode?: SplitMode;
  /** Fraction for the validation split. Default 0.2. */
  validation?: number;
  /** Fraction for the test split. Default 0. */
  test?: number;
  /** Throw when a requested split lacks images of a group present in the data set. Default true. */
  requireAllGroups?: boolean;
}

export interface FilterOptions {
  /** Drop identities with fewer images. */
  minImagesPerIdentity?: number;
  /** Keep at most this many images per identity (a seeded choice). */
  maxImagesPerIdentity?: number;
  /** Keep this fraction of identities, chosen by seed within each group so group shares stay as they are. */
  identityFraction?: number;
  /** Keep only these groups. */
  groups?: readonly string[];
  /** Seed of the choices above. Default 0. */
  seed?: number | string;
}

export interface ImageOptions extends PixelOptions {
  /** Default `unit` ([0, 1]). */
  normalize?: Normalization;
  /** Decoded-pixel cache; default the process-wide `sharedImageCache`; `null` disables it. */
  cache?: ImageCache | null;
  /** Images decoded at once. Default 8. */
  concurrency?: number;
}

export interface BatchOptions extends ImageOptions {
  batchSize: number;
  /** Shuffle with this seed (a new order every epoch); omitted: data set order. */
  shuffleSeed?: number | string;
  /** Epoch number, mixed into the shuffle and flip seeds. Default 0. */
  epoch?: number;
  /** `random`: each image mirrored with probability 1/2 (seeded); `all`: every image mirrored. Default `none`. */
  flip?: 'none' | 'random' | 'all';
  /** Drop a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Batches decoded ahead of the one being used. Default 1. */
  prefetch?: number;
}

/** A batch for the trainer. The consumer owns `images` and must dispose it. */
export interface FaceBatch {
  /** [N, size, size, channels], normalised. */
  images: tf.Tensor4D;
  /** `identityIndex` of each image (classifier labels). */
  identities: Int32Array;
  /** `groupIndex` of each image (into the data set's `groups`). */
  groups: Int32Array;
  /** Position of each image in the data set's `items`. */
  indices: Int32Array;
}

export interface GroupCount {
  images: number;
  identities: number;
}
