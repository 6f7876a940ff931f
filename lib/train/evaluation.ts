import { tf } from '../backend/index.js';
import { bootstrapFairness, fairnessReport, rankByIdentity, selectRankableImages, type BootstrapOptions, type FairnessIntervals, type GroupRankSummary } from '../fairness/index.js';
import type { Backbone } from '../models/backbone.js';
import { imageCount, imageTensor, type FaceArrays } from './face-arrays.js';

/** FR-NAS's figures of one model on one evaluation split (frnas.md §5). */
export interface FaceMetrics {
  /** mean(rank_by_id ≠ 0) over the ranked images. */
  error: number;
  /** Rank-1 identification accuracy, 1 − error. */
  accuracy: number;
  meanRank: number;
  disparity: number;
  rankDisparity: number;
  ratio: number;
  rankRatio: number;
  errorRatio: number;
  /** Images ranked (those whose identity has another image in the split). */
  count: number;
  /**
   * Identity-bootstrap confidence intervals of every figure (lib/fairness bootstrapFairness; default 1000
   * resamples, seed 0, 95 %). Kept inside the metrics so every consumer of them (trial attributes, retrain's
   * result.json) carries them along; absent when turned off.
   */
  intervals?: FairnessIntervals;
}

/** Options of evaluateEmbeddings beyond the reference pair. */
export interface FaceEvaluationOptions {
  /** Identity-bootstrap intervals: true (default: 1000 resamples, seed 0, level 0.95), bootstrap options, or false for none. */
  intervals?: boolean | BootstrapOptions;
}

export interface FaceEvaluation {
  metrics: FaceMetrics;
  perGroup: Record<string, GroupRankSummary>;
  /** rank_by_id of each ranked image, aligned with `ranked` (indices into the split). */
  ranks: number[];
  ranked: number[];
}

/** L2-normalises each row of a flat [n, dim] array in place. */
function normaliseRows(values: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < values.length; start += dim) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += values[start + j] * values[start + j];
    const scale = 1 / Math.max(Math.sqrt(sum), 1e-12);
    for (let j = 0; j < dim; j++) values[start + j] *= scale;
  }
  return values;
}

/**
 * FR-NAS's embedding: backbone(x) + backbone(horizontal flip of x), L2-normalised; BatchNorm in inference
 * mode. Returns a flat [n, embeddingSize] array.
 */
export function embedFaces(backbone: Backbone, data: FaceArrays, batchSize = 64): Float32Array {
  const n = imageCount(data);
  const dim = backbone.embeddingSize;
  const out = new Float32Array(n * dim);
  for (let start = 0; start < n; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const plain = imageTensor(data, indices);
    const flipped = imageTensor(data, indices, indices.map(() => true));
    const summed = tf.tidy(() => tf.add(backbone.forward(plain, false), backbone.forward(flipped, false)));
    out.set(summed.dataSync(), start * dim);
    tf.dispose([plain, flipped, summed]);
  }
  return normaliseRows(out, dim);
}

/** Raw pixels as embeddings (the baseline a trained model must beat): each image flattened, L2-normalised. */
export function pixelEmbeddings(data: FaceArrays): Float32Array {
  return normaliseRows(Float32Array.from(data.images), data.size * data.size * data.channels);
}

/**
 * Leave-one-out rank_by_id over the split and FR-NAS's fairness figures (lib/fairness). Images whose
 * identity has no other image in the split cannot be ranked and are left out.
 * `referenceGroups` fixes the pair [a, b] of the disparity measures (default: the worst pair).
 * `metrics.intervals` holds identity-bootstrap intervals of every figure (docs/fairness.md; ~50 ms for
 * 1,400 images); `options.intervals` sets their resamples, seed and level, or false turns them off.
 */
export function evaluateEmbeddings(
  embeddings: Float32Array,
  dim: number,
  data: Pick<FaceArrays, 'identities' | 'groups'>,
  referenceGroups?: readonly [string, string],
  options: FaceEvaluationOptions = {},
): FaceEvaluation {
  const identities = Array.from(data.identities);
  const ranked = selectRankableImages(identities);
  if (ranked.length === 0) throw new Error('evaluation split has no identity with two images; rank_by_id is undefined');
  const subset = new Float32Array(ranked.length * dim);
  ranked.forEach((i, k) => subset.set(embeddings.subarray(i * dim, (i + 1) * dim), k * dim));
  const ranks = rankByIdentity({ embeddings: subset, dim, identities: ranked.map((i) => identities[i]) });
  const groups = ranked.map((i) => data.groups[i]);
  const report = fairnessReport({ ranks, groups, referenceGroups });
  const bootstrap = options.intervals ?? true;
  const intervals =
    bootstrap === false ? undefined : bootstrapFairness({ ranks, groups, identities: ranked.map((i) => identities[i]), referenceGroups, ...(bootstrap === true ? {} : bootstrap) });
  return {
    metrics: {
      error: report.error,
      accuracy: report.accuracy,
      meanRank: report.meanRank,
      disparity: report.disparity,
      rankDisparity: report.rankDisparity,
      ratio: report.ratio,
      rankRatio: report.rankRatio,
      errorRatio: report.errorRatio,
      count: report.count,
      ...(intervals ? { intervals } : {}),
    },
    perGroup: report.perGroup,
    ranks,
    ranked,
  };
}

/** Embeds the split with `backbone` (flip-sum, L2) and evaluates it. */
export function evaluateFaceModel(backbone: Backbone, data: FaceArrays, referenceGroups?: readonly [string, string], options?: FaceEvaluationOptions): FaceEvaluation {
  return evaluateEmbeddings(embedFaces(backbone, data), backbone.embeddingSize, data, referenceGroups, options);
}
