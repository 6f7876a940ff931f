import type { EmbeddingMatrix, GroupLabel } from './types.js';
import { normaliseEmbeddings } from './embeddings.js';
import { indexGroups } from './groups.js';

/** Verification figures of a set of pairs at one threshold (a pair is accepted when its score > threshold). */
export interface VerificationRates {
  genuineCount: number;
  impostorCount: number;
  /** True accept rate: share of genuine pairs accepted (0 when there are none). */
  tar: number;
  /** False accept rate: share of impostor pairs accepted (0 when there are none). */
  far: number;
}

export interface VerificationByGroup {
  /** The global threshold, chosen on all impostor pairs for the target FAR. */
  threshold: number;
  overall: VerificationRates;
  /**
   * Per group at the global threshold (what one deployed system does to each group), plus the TAR the
   * group would get with a threshold chosen on its own impostors (`tarAtOwnThreshold`).
   */
  perGroup: Record<string, VerificationRates & { ownThreshold: number; tarAtOwnThreshold: number }>;
  /** max - min over groups of TAR and of FAR at the global threshold. */
  tarDifference: number;
  farDifference: number;
}

/** Cosine similarity (dot product of L2-normalised embeddings) of every pair [i, j] of images. */
export function pairSimilarities(input: { embeddings: EmbeddingMatrix; dim?: number; pairs: readonly (readonly [number, number])[] }): number[] {
  const images = normaliseEmbeddings(input.embeddings, input.dim, 'embeddings');
  if (!Array.isArray(input.pairs)) throw new TypeError('pairs must be an array of [i, j] image indices');
  return input.pairs.map((pair, p) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`pairs[${p}] must be [i, j]`);
    pair.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= images.count) throw new RangeError(`pairs[${p}][${k}] = ${String(i)} is not an image index below ${images.count}`);
    });
    const [a, b] = pair;
    let s = 0;
    for (let k = 0; k < images.dim; k++) s += images.values[a * images.dim + k] * images.values[b * images.dim + k];
    return s;
  });
}

/**
 * The threshold for a target false accept rate: with n impostor scores, the (floor(far * n) + 1)-th largest
 * impostor score, so that at most floor(far * n) impostors score strictly above it. No impostors, or a FAR
 * that allows all of them, gives -Infinity (everything accepted).
 */
export function thresholdAtFar(impostorScores: readonly number[], far: number): number {
  const sorted = [...impostorScores].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length);
  return allowed >= sorted.length ? -Infinity : sorted[allowed];
}

function rates(scores: readonly number[], genuine: readonly boolean[], members: readonly number[], threshold: number): VerificationRates {
  let genuineCount = 0;
  let impostorCount = 0;
  let trueAccepts = 0;
  let falseAccepts = 0;
  for (const i of members) {
    const accepted = scores[i] > threshold;
    if (genuine[i]) {
      genuineCount++;
      if (accepted) trueAccepts++;
    } else {
      impostorCount++;
      if (accepted) falseAccepts++;
    }
  }
  return {
    genuineCount,
    impostorCount,
    tar: genuineCount === 0 ? 0 : trueAccepts / genuineCount,
    far: impostorCount === 0 ? 0 : falseAccepts / impostorCount,
  };
}

/**
 * 1:1 verification per group, as RFW's pair lists are used: every pair has a similarity score, a
 * genuine (same person) flag and a group. TAR at a fixed FAR, with one global threshold and per group.
 */
export function verificationByGroup(input: {
  scores: readonly number[];
  genuine: readonly boolean[];
  groups: readonly GroupLabel[];
  far: number;
  allGroups?: readonly GroupLabel[];
}): VerificationByGroup {
  if (input === null || typeof input !== 'object') throw new TypeError('verificationByGroup expects { scores, genuine, groups, far }');
  const { scores, genuine, groups, far } = input;
  if (!Array.isArray(scores) || scores.length === 0) throw new RangeError('scores must be a non-empty array of pair similarities');
  scores.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new TypeError(`scores[${i}] must be a finite number, got ${String(s)}`);
  });
  if (!Array.isArray(genuine) || genuine.length !== scores.length) {
    throw new RangeError(`genuine must have one boolean per score (${scores.length}), got ${Array.isArray(genuine) ? genuine.length : typeof genuine}`);
  }
  genuine.forEach((g, i) => {
    if (typeof g !== 'boolean') throw new TypeError(`genuine[${i}] must be a boolean`);
  });
  if (typeof far !== 'number' || !(far >= 0 && far <= 1)) throw new RangeError(`far must be a number in [0, 1], got ${String(far)}`);
  const index = indexGroups(groups, scores.length, 'scores', input.allGroups);
  const impostorsOf = (members: readonly number[]): number[] => members.filter((i) => !genuine[i]).map((i) => scores[i]);
  const all = Array.from(scores.keys());
  const threshold = thresholdAtFar(impostorsOf(all), far);
  const perGroup: VerificationByGroup['perGroup'] = {};
  for (const name of index.names) {
    const members = index.members.get(name) as number[];
    const ownThreshold = thresholdAtFar(impostorsOf(members), far);
    perGroup[name] = { ...rates(scores, genuine, members, threshold), ownThreshold, tarAtOwnThreshold: rates(scores, genuine, members, ownThreshold).tar };
  }
  const spread = (values: number[]): number => Math.max(...values) - Math.min(...values);
  const groupRates = Object.values(perGroup);
  return {
    threshold,
    overall: rates(scores, genuine, all, threshold),
    perGroup,
    tarDifference: spread(groupRates.map((r) => r.tar)),
    farDifference: spread(groupRates.map((r) => r.far)),
  };
}
