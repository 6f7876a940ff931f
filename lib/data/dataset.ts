import { tf } from '../backend/tf.js';
import { sharedImageCache, type ImageCache } from './cache.js';
import { decodePixels, pixelsToFloats, resolvePixelOptions, type PixelOptions } from './decode.js';
import { DataError } from './errors.js';
import { seededRng, shuffled } from './random.js';
import type {
  BatchOptions,
  FaceBatch,
  FaceItem,
  FaceItemInput,
  FilterOptions,
  GroupCount,
  ImageOptions,
  SplitMode,
  SplitOptions,
  VerificationPair,
} from './types.js';

/** Pixel options with every default filled in; also the cache key's shape. */
type ResolvedPixelOptions = Required<PixelOptions>;

/** Renders pixels of items that are not files or bytes (the synthetic generator). */
export type PixelRenderer = (item: FaceItem, options: ResolvedPixelOptions) => Uint8Array | Promise<Uint8Array>;

export interface FaceDatasetInit {
  /** Shown in messages, e.g. `folder:/data/lfw_balanced`. */
  name: string;
  items: readonly FaceItemInput[];
  /** The attribute that defines the protected groups, e.g. `perceived_sex` or `race`. */
  groupAttribute: string;
  /** Group names in a fixed order; default the sorted groups present. */
  groups?: readonly string[];
  /** What `split` does without a `mode`. Default `images`. */
  defaultSplitMode?: SplitMode;
  pairs?: readonly VerificationPair[];
  /** Needed when items have `synthetic` sources. */
  renderer?: PixelRenderer;
  /** Prefix of cache keys for items that are not files; default a fresh one per data set. */
  cacheNamespace?: string;
}

export interface DatasetSplits {
  train: FaceDataset;
  validation: FaceDataset;
  test: FaceDataset;
}

let anonymousDatasets = 0;

/**
 * An immutable list of face images with identity and protected-group labels. Filtering and splitting
 * return new data sets that share the image source and cache; identities are re-indexed 0..k-1 in each
 * (so `identityIndex` is a classifier label), group indices keep the parent's `groups` order.
 */
export class FaceDataset {
  readonly name: string;
  readonly items: readonly FaceItem[];
  readonly identities: readonly string[];
  readonly groups: readonly string[];
  readonly groupAttribute: string;
  readonly defaultSplitMode: SplitMode;
  readonly pairs: readonly VerificationPair[];
  /** Group index of each identity (by identityIndex). */
  readonly identityGroups: Int32Array;
  private readonly renderer?: PixelRenderer;
  private readonly cacheNamespace: string;

  constructor(init: FaceDatasetInit) {
    this.name = init.name;
    this.groupAttribute = init.groupAttribute;
    this.defaultSplitMode = init.defaultSplitMode ?? 'images';
    this.renderer = init.renderer;
    this.cacheNamespace = init.cacheNamespace ?? `dataset${++anonymousDatasets}`;
    this.groups = Object.freeze([...(init.groups ?? [...new Set(init.items.map((item) => item.group))].sort())]);
    const groupIndex = new Map(this.groups.map((group, index) => [group, index]));
    const identityIndex = new Map<string, number>();
    const identityGroup: number[] = [];
    const ids = new Set<string>();
    this.items = Object.freeze(
      init.items.map((item) => {
        if (ids.has(item.id)) throw new DataError(`${init.name}: two images share the id ${item.id}`);
        ids.add(item.id);
        const group = groupIndex.get(item.group);
        if (group === undefined) throw new DataError(`${init.name}: image ${item.id} has group "${item.group}", not one of ${this.groups.join(', ')}`);
        if (item.source.kind === 'synthetic' && !init.renderer) throw new DataError(`${init.name}: image ${item.id} is synthetic but the data set has no renderer`);
        let identity = identityIndex.get(item.identity);
        if (identity === undefined) {
          identity = identityIndex.size;
          identityIndex.set(item.identity, identity);
          identityGroup.push(group);
        } else if (identityGroup[identity] !== group) {
          throw new DataError(`${init.name}: identity ${item.identity} has images in two groups (${this.groups[identityGroup[identity]]} and ${item.group}); one group per identity`);
        }
        return Object.freeze({ ...item, identityIndex: identity, groupIndex: group });
      }),
    );
    this.identities = Object.freeze([...identityIndex.keys()]);
    this.identityGroups = Int32Array.from(identityGroup);
    this.pairs = Object.freeze(init.pairs ? init.pairs.filter((pair) => ids.has(pair.first) && ids.has(pair.second)) : []);
  }

  /** Number of images. */
  get size(): number {
    return this.items.length;
  }

  /** Images and identities per group (every group of `groups`, zero where absent). */
  groupCounts(): Record<string, GroupCount> {
    const counts: Record<string, GroupCount> = {};
    for (const group of this.groups) counts[group] = { images: 0, identities: 0 };
    for (const item of this.items) counts[item.group].images++;
    for (const group of this.identityGroups) counts[this.groups[group]].identities++;
    return counts;
  }

  /** Number of images of each identity, by identityIndex. */
  imagesPerIdentity(): Int32Array {
    const counts = new Int32Array(this.identities.length);
    for (const item of this.items) counts[item.identityIndex]++;
    return counts;
  }

  /**
   * The index of each of this data set's identities in `reference.identities` (-1 where absent), e.g. to score
   * a validation split with the classifier head trained on `train` (splits re-index identities from 0).
   */
  identityIndicesIn(reference: FaceDataset): Int32Array {
    const positions = new Map(reference.identities.map((identity, index) => [identity, index]));
    return Int32Array.from(this.identities, (identity) => positions.get(identity) ?? -1);
  }

  /** A data set of the items at `indices` (in that order), sharing this one's groups, source and cache. */
  subset(indices: readonly number[], name = this.name): FaceDataset {
    return new FaceDataset({
      name,
      items: indices.map((index) => {
        const { identityIndex: _identity, groupIndex: _group, ...item } = this.items[index];
        return item;
      }),
      groupAttribute: this.groupAttribute,
      groups: this.groups,
      defaultSplitMode: this.defaultSplitMode,
      pairs: this.pairs,
      renderer: this.renderer,
      cacheNamespace: this.cacheNamespace,
    });
  }

  /** Item positions grouped by identity, each in data set order. */
  private itemsByIdentity(): number[][] {
    const byIdentity: number[][] = this.identities.map(() => []);
    this.items.forEach((item, index) => byIdentity[item.identityIndex].push(index));
    return byIdentity;
  }

  /** Identity indices of each group. */
  private identitiesByGroup(identities: readonly number[]): number[][] {
    const byGroup: number[][] = this.groups.map(() => []);
    for (const identity of identities) byGroup[this.identityGroups[identity]].push(identity);
    return byGroup;
  }

  /** Drops identities and images as `options` says; every choice is seeded. */
  filter(options: FilterOptions): FaceDataset {
    const { minImagesPerIdentity = 1, maxImagesPerIdentity = Infinity, identityFraction = 1, groups, seed = 0 } = options;
    if (!(identityFraction > 0 && identityFraction <= 1)) throw new RangeError(`identityFraction must be in (0, 1], got ${identityFraction}`);
    if (!(maxImagesPerIdentity >= 1)) throw new RangeError(`maxImagesPerIdentity must be >= 1, got ${maxImagesPerIdentity}`);
    for (const group of groups ?? []) {
      if (!this.groups.includes(group)) throw new DataError(`${this.name}: filter asks for group "${group}", not one of ${this.groups.join(', ')}`);
    }
    const byIdentity = this.itemsByIdentity();
    let kept = this.identities
      .map((_, identity) => identity)
      .filter((identity) => byIdentity[identity].length >= minImagesPerIdentity)
      .filter((identity) => !groups || groups.includes(this.groups[this.identityGroups[identity]]));
    if (identityFraction < 1) {
      const chosen = new Set<number>();
      this.identitiesByGroup(kept).forEach((members, group) => {
        const count = Math.max(1, Math.round(members.length * identityFraction));
        for (const identity of shuffled(members, seededRng(seed, 'filter-identities', this.groups[group])).slice(0, count)) chosen.add(identity);
      });
      kept = kept.filter((identity) => chosen.has(identity));
    }
    const keptSet = new Set(kept);
    const indices: number[] = [];
    byIdentity.forEach((members, identity) => {
      if (!keptSet.has(identity)) return;
      if (members.length <= maxImagesPerIdentity) {
        indices.push(...members);
      } else {
        const chosen = shuffled(members, seededRng(seed, 'filter-images', this.identities[identity])).slice(0, maxImagesPerIdentity);
        indices.push(...chosen.sort((a, b) => a - b));
      }
    });
    return this.subset(indices.sort((a, b) => a - b));
  }

  /**
   * Splits into train / validation / test by seed. The same seed gives the same split.
   * - `images`: per identity, its images are shuffled and max(2, round(n*fraction)) go to each requested
   *   evaluation split (2 = the least that leave-one-out rank-by-identity can use), provided at least one
   *   stays in train; test is given up first, then validation, so small identities stay in train whole.
   * - `identities`: within each group, identities with >= 2 images are shuffled and round(k*fraction) of them
   *   (at least 1 when the fraction is > 0 and the group has 2 or more) go to each evaluation split; one at least stays in train.
   * - `official`: the items' own partition.
   */
  split(seed: number | string, options: SplitOptions = {}): DatasetSplits {
    const { mode = this.defaultSplitMode, validation = 0.2, test = 0, requireAllGroups = true } = options;
    if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
      throw new RangeError(`split fractions must be >= 0 with validation + test < 1, got validation ${validation}, test ${test}`);
    }
    const parts: Record<'train' | 'validation' | 'test', number[]> = { train: [], validation: [], test: [] };
    const byIdentity = this.itemsByIdentity();
    if (mode === 'images') {
      byIdentity.forEach((members, identity) => {
        const order = shuffled(members, seededRng(seed, 'split-images', this.identities[identity]));
        const n = order.length;
        let validationCount = validation > 0 ? Math.max(2, Math.round(n * validation)) : 0;
        let testCount = test > 0 ? Math.max(2, Math.round(n * test)) : 0;
        if (n - validationCount - testCount < 1) testCount = 0;
        if (n - validationCount < 1) validationCount = 0;
        parts.validation.push(...order.slice(0, validationCount));
        parts.test.push(...order.slice(validationCount, validationCount + testCount));
        parts.train.push(...order.slice(validationCount + testCount));
      });
    } else if (mode === 'identities') {
      const identities = this.identities.map((_, identity) => identity);
      this.identitiesByGroup(identities).forEach((members, group) => {
        const eligible = members.filter((identity) => byIdentity[identity].length >= 2);
        const order = shuffled(eligible, seededRng(seed, 'split-identities', this.groups[group]));
        const k = order.length;
        const share = (fraction: number): number => (fraction > 0 ? Math.max(k >= 2 ? 1 : 0, Math.round(k * fraction)) : 0);
        let validationCount = share(validation);
        let testCount = share(test);
        while (validationCount + testCount > k - 1 && (validationCount > 0 || testCount > 0)) {
          if (testCount >= validationCount && testCount > 0) testCount--;
          else validationCount--;
        }
        const validationSet = new Set(order.slice(0, validationCount));
        const testSet = new Set(order.slice(validationCount, validationCount + testCount));
        for (const identity of members) {
          const target = validationSet.has(identity) ? parts.validation : testSet.has(identity) ? parts.test : parts.train;
          target.push(...byIdentity[identity]);
        }
      });
    } else if (mode === 'official') {
      this.items.forEach((item, index) => {
        if (!item.partition) {
          throw new DataError(`${this.name}: image ${item.id} has no official partition; this data set supports split modes 'images' and 'identities'`);
        }
        parts[item.partition].push(index);
      });
    } else {
      throw new DataError(`unknown split mode ${JSON.stringify(mode)}; expected images, identities or official`);
    }
    const describe = `split(seed ${seed}, mode ${mode})`;
    const splits: DatasetSplits = {
      train: this.subset(parts.train.sort((a, b) => a - b), `${this.name} train`),
      validation: this.subset(parts.validation.sort((a, b) => a - b), `${this.name} validation`),
      test: this.subset(parts.test.sort((a, b) => a - b), `${this.name} test`),
    };
    if (requireAllGroups) {
      const present = this.groups.filter((group) => this.items.some((item) => item.group === group));
      // Official: the parts the data set ships; otherwise train and the evaluation splits asked for.
      const requested = (['train', 'validation', 'test'] as const).filter((part) =>
        mode === 'official' ? parts[part].length > 0 : part === 'train' || (part === 'validation' ? validation : test) > 0,
      );
      for (const part of requested) {
        const counts = splits[part].groupCounts();
        for (const group of present) {
          if (counts[group].images === 0) {
            throw new DataError(
              `${this.name}: ${describe} leaves the ${part} split with no images of group "${group}" (${this.groupAttribute}); ` +
                `use more data, another fraction or mode, or requireAllGroups: false`,
            );
          }
        }
      }
    }
    return splits;
  }

  /** Decoded pixels (bytes, size*size*channels, channels last) of one item, through the cache. */
  async readPixels(index: number, options: ImageOptions): Promise<Uint8Array> {
    return this.readResolved(this.items[index], resolvePixelOptions(options), cacheOf(options));
  }

  private async readResolved(item: FaceItem, options: ResolvedPixelOptions, cache: ImageCache | null): Promise<Uint8Array> {
    const source = item.source;
    const origin = source.kind === 'file' ? `file:${source.path}` : `${this.cacheNamespace}:${item.id}`;
    const key = `${origin}|${options.size}|${options.channels}|${options.crop}|${options.centerFraction}`;
    const cached = cache?.get(key);
    if (cached) return cached;
    let pixels: Uint8Array;
    if (source.kind === 'synthetic') {
      // The constructor guarantees a renderer for synthetic items.
      pixels = await (this.renderer as PixelRenderer)(item, options);
    } else {
      pixels = await decodePixels(source.kind === 'file' ? source.path : source.bytes, options);
    }
    cache?.set(key, pixels);
    return pixels;
  }

  /** Decodes the items at `indices` into one normalised Float32Array [N, size, size, channels]. */
  private async assemble(indices: readonly number[], flips: readonly boolean[], options: ImageOptions): Promise<Float32Array> {
    const resolved = resolvePixelOptions(options);
    const cache = cacheOf(options);
    const normalize = options.normalize ?? 'unit';
    const imageLength = resolved.size * resolved.size * resolved.channels;
    const out = new Float32Array(indices.length * imageLength);
    const concurrency = Math.max(1, options.concurrency ?? 8);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < indices.length) {
        const position = next++;
        const pixels = await this.readResolved(this.items[indices[position]], resolved, cache);
        pixelsToFloats(pixels, resolved.size, resolved.channels, normalize, flips[position], out, position * imageLength);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, worker));
    return out;
  }

  private makeBatch(indices: readonly number[], data: Float32Array, options: ImageOptions): FaceBatch {
    const { size, channels } = resolvePixelOptions(options);
    return {
      images: tf.tensor4d(data, [indices.length, size, size, channels]),
      identities: Int32Array.from(indices, (index) => this.items[index].identityIndex),
      groups: Int32Array.from(indices, (index) => this.items[index].groupIndex),
      indices: Int32Array.from(indices),
    };
  }

  /**
   * Streams batches: only `prefetch` + 1 batches are decoded at a time, so a data set larger than memory
   * can be used; decoded pixels go through the bounded cache for later epochs. The order and the flips
   * depend only on (shuffleSeed, epoch). The consumer disposes each batch's `images`.
   */
  async *batches(options: BatchOptions): AsyncGenerator<FaceBatch, void, undefined> {
    const { batchSize, shuffleSeed, epoch = 0, flip = 'none', dropLast = false, prefetch = 1 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    resolvePixelOptions(options);
    const all = this.items.map((_, index) => index);
    const order = shuffleSeed === undefined ? all : shuffled(all, seededRng(shuffleSeed, 'shuffle', epoch));
    const flipRng = seededRng(shuffleSeed ?? 'none', 'flip', epoch);
    const flips = order.map(() => (flip === 'all' ? true : flip === 'random' ? flipRng() < 0.5 : false));
    const starts: number[] = [];
    for (let start = 0; start < order.length; start += batchSize) {
      if (!dropLast || start + batchSize <= order.length) starts.push(start);
    }
    const pending: Promise<Float32Array>[] = [];
    const launch = (batch: number): void => {
      const start = starts[batch];
      const promise = this.assemble(order.slice(start, start + batchSize), flips.slice(start, start + batchSize), options);
      // Marked handled so an abandoned prefetch that fails does not crash the process; awaiting it still throws.
      promise.catch(() => undefined);
      pending.push(promise);
    };
    for (let batch = 0; batch < starts.length; batch++) {
      while (pending.length <= prefetch && batch + pending.length < starts.length) launch(batch + pending.length);
      const data = await (pending.shift() as Promise<Float32Array>);
      const start = starts[batch];
      yield this.makeBatch(order.slice(start, start + batchSize), data, options);
    }
  }

  /** Every item in data set order as one batch (for small evaluation sets). The caller disposes `images`. */
  async loadAll(options: ImageOptions & { flip?: boolean }): Promise<FaceBatch> {
    const indices = this.items.map((_, index) => index);
    const data = await this.assemble(indices, indices.map(() => options.flip ?? false), options);
    return this.makeBatch(indices, data, options);
  }

  /** A plain summary (for logs and reports). */
  toJSON(): { name: string; size: number; identities: number; groupAttribute: string; groups: Record<string, GroupCount>; pairs: number } {
    return { name: this.name, size: this.size, identities: this.identities.length, groupAttribute: this.groupAttribute, groups: this.groupCounts(), pairs: this.pairs.length };
  }
}

/** The cache a read uses: the given one, none for `null`, the shared one by default. */
function cacheOf(options: ImageOptions): ImageCache | null {
  return options.cache === undefined ? sharedImageCache : options.cache;
}
