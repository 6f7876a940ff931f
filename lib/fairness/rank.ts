import type { IdentityLabel, LabelledEmbeddings, IdentityRankOptions } from './types.js';
import { encodeLabels, normaliseEmbeddings, similarityBlock, type NormalisedEmbeddings } from './embeddings.js';

const DEFAULT_BLOCK_SIZE = 64;

interface RankingTask {
  queries: NormalisedEmbeddings;
  queryCodes: Int32Array;
  gallery: NormalisedEmbeddings;
  galleryCodes: Int32Array;
  identityCount: number;
  /** Leave-one-out: queries and gallery are the same images and a query never meets itself. */
  leaveOneOut: boolean;
}

function checkBlockSize(options: IdentityRankOptions): number {
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`blockSize must be a positive integer, got ${String(blockSize)}`);
  return blockSize;
}

/**
 * rank_by_id of every query: the number of distinct other identities whose nearest gallery image is
 * strictly closer than the nearest gallery image of the query's own identity. Distances are L2 between
 * L2-normalised embeddings, compared through the cosine (|a - b|^2 = 2 - 2 a.b), block by block.
 */
function rankQueries(task: RankingTask, options: IdentityRankOptions): number[] {
  const { queries, queryCodes, gallery, galleryCodes, identityCount, leaveOneOut } = task;
  const blockSize = checkBlockSize(options);
  const n = queries.count;
  const m = gallery.count;
  const ranks = new Array<number>(n);
  // lastMet[identity] = the query that last counted it, so each identity counts once per query without clearing.
  const lastMet = new Int32Array(identityCount).fill(-1);
  const buffer = new Float64Array(Math.min(blockSize, n) * m);
  for (let start = 0; start < n; start += blockSize) {
    const end = Math.min(n, start + blockSize);
    let similarities: ArrayLike<number> = buffer;
    if (options.similarityBlock) {
      similarities = options.similarityBlock(start, end);
      if (similarities === null || typeof similarities !== 'object' || similarities.length !== (end - start) * m) {
        throw new RangeError(`similarityBlock(${start}, ${end}) must return ${(end - start) * m} similarities`);
      }
    } else similarityBlock(queries, gallery, start, end, buffer);
    for (let i = start; i < end; i++) {
      const row = (i - start) * m;
      const own = queryCodes[i];
      let nearestOwn = -Infinity;
      for (let j = 0; j < m; j++) {
        const s = similarities[row + j];
        if (Number.isNaN(s)) throw new RangeError(`similarityBlock returned NaN for query ${i}, gallery image ${j}`);
        if (galleryCodes[j] === own && s > nearestOwn && !(leaveOneOut && j === i)) nearestOwn = s;
      }
      let rank = 0;
      for (let j = 0; j < m; j++) {
        const identity = galleryCodes[j];
        // Strictly closer only: a tie with the nearest own image is resolved in favour of the own identity.
        if (identity !== own && similarities[row + j] > nearestOwn && lastMet[identity] !== i) {
          lastMet[identity] = i;
          rank++;
        }
      }
      ranks[i] = rank;
    }
  }
  return ranks;
}

/** Indices of the images whose identity has at least one other image, i.e. the images rank_by_id can rank. */
export function selectRankableImages(identities: readonly IdentityLabel[]): number[] {
  const { codes, distinct } = encodeLabels(identities, identities.length, 'identities', 'identities');
  const counts = new Int32Array(distinct.length);
  for (const code of codes) counts[code]++;
  return Array.from(codes.keys()).filter((i) => counts[codes[i]] >= 2);
}

/**
 * FR-NAS's rank_by_id, leave-one-out over one evaluation set: for every image, the other images are walked
 * by increasing L2 distance between L2-normalised embeddings, and its rank is the number of distinct other
 * identities met before the first image of its own identity (0 = rank-1 correct).
 * Ties: an other-identity image at exactly the distance of the nearest own image is not counted.
 * Every identity needs at least two images (FR-NAS evaluates only such identities); select them first
 * with `selectRankableImages`. Memory is blockSize x N similarities, never N x N.
 */
export function rankByIdentity(input: LabelledEmbeddings & IdentityRankOptions): number[] {
  if (input === null || typeof input !== 'object') throw new TypeError('rankByIdentity expects { embeddings, identities }');
  const images = normaliseEmbeddings(input.embeddings, input.dim, 'embeddings');
  const { codes, distinct } = encodeLabels(input.identities, images.count, 'identities', 'embeddings');
  const counts = new Int32Array(distinct.length);
  for (const code of codes) counts[code]++;
  const lonely = Array.from(codes.keys()).find((i) => counts[codes[i]] < 2);
  if (lonely !== undefined) {
    throw new RangeError(
      `identities: identity ${JSON.stringify(input.identities[lonely])} (image ${lonely}) has no other image, so its rank is undefined; ` +
        'keep only the images selectRankableImages(identities) returns',
    );
  }
  return rankQueries(
    { queries: images, queryCodes: codes, gallery: images, galleryCodes: codes, identityCount: distinct.length, leaveOneOut: true },
    input,
  );
}

/**
 * rank_by_id of separate probes against a gallery (identity-disjoint protocols: the probes of an identity
 * are ranked against the gallery images, never against other probes). Every probe identity must have at
 * least one gallery image. Same distance and tie conventions as rankByIdentity.
 */
export function rankByIdentityGalleryProbe(input: { gallery: LabelledEmbeddings; probes: LabelledEmbeddings } & IdentityRankOptions): number[] {
  if (input === null || typeof input !== 'object' || !input.gallery || !input.probes) {
    throw new TypeError('rankByIdentityGalleryProbe expects { gallery: { embeddings, identities }, probes: { embeddings, identities } }');
  }
  const gallery = normaliseEmbeddings(input.gallery.embeddings, input.gallery.dim, 'gallery.embeddings');
  const probes = normaliseEmbeddings(input.probes.embeddings, input.probes.dim, 'probes.embeddings');
  if (probes.count > 0 && gallery.count > 0 && probes.dim !== gallery.dim) {
    throw new RangeError(`probes.embeddings have ${probes.dim} values per image but gallery.embeddings have ${gallery.dim}`);
  }
  const galleryLabels = encodeLabels(input.gallery.identities, gallery.count, 'gallery.identities', 'gallery.embeddings');
  encodeLabels(input.probes.identities, probes.count, 'probes.identities', 'probes.embeddings');
  const codeOf = new Map<IdentityLabel, number>(galleryLabels.distinct.map((label, code) => [label, code]));
  const probeCodes = Int32Array.from(input.probes.identities, (label, i) => {
    const code = codeOf.get(label);
    if (code === undefined) throw new RangeError(`probes.identities[${i}] = ${JSON.stringify(label)} has no image in the gallery`);
    return code;
  });
  return rankQueries(
    {
      queries: probes,
      queryCodes: probeCodes,
      gallery,
      galleryCodes: galleryLabels.codes,
      identityCount: galleryLabels.distinct.length,
      leaveOneOut: false,
    },
    input,
  );
}
