import type { GroupLabel } from './types.js';
import { indexGroups } from './groups.js';

/** Rank-based performance of one protected group. */
export interface GroupRankSummary {
  /** Number of images. */
  count: number;
  /** Share of rank_by_id = 0 (rank-1 accuracy). */
  accuracy: number;
  /** 1 - accuracy. */
  error: number;
  /** Mean rank_by_id. */
  meanRank: number;
}

/** An ordered pair of group names [a, b], as used in the formula of a measure. */
export type GroupPair = [string, string];

/** How the pair of groups behind the disparity measures was chosen. */
export type GroupComparison = 'reference-pair' | 'worst-pair';

/** FR-NAS's fairness figures of one model on one evaluation set. */
export interface FairnessReport {
  /** Number of images. */
  count: number;
  /** Error = mean(rank != 0) over all images. */
  error: number;
  /** 1 - error. */
  accuracy: number;
  /** Mean rank over all images. */
  meanRank: number;
  /** Per group, keyed by String(label), in order of first appearance. */
  perGroup: Record<string, GroupRankSummary>;
  /** |acc_a - acc_b| */
  disparity: number;
  /** |1 - acc_a / acc_b| */
  ratio: number;
  /** |1 - err_a / err_b| */
  errorRatio: number;
  /** |meanRank_a - meanRank_b| */
  rankDisparity: number;
  /** |1 - meanRank_a / meanRank_b| */
  rankRatio: number;
  /** The pair behind disparity and ratio: [higher accuracy, lower accuracy], or referenceGroups. */
  pair: GroupPair;
  /** The ordered pair [a, b] behind every measure. */
  pairs: Record<'disparity' | 'ratio' | 'errorRatio' | 'rankDisparity' | 'rankRatio', GroupPair>;
  /** 'reference-pair' when referenceGroups was given; otherwise the worst pair over all groups. */
  comparison: GroupComparison;
}

export interface FairnessReportInput {
  /** rank_by_id of every image (non-negative integers), e.g. from rankByIdentity. */
  ranks: readonly number[];
  /** Protected-group label of every image. */
  groups: readonly GroupLabel[];
  /** Compare exactly this ordered pair [a, b] (FR-NAS: ['male', 'female']) instead of the worst pair. */
  referenceGroups?: readonly [GroupLabel, GroupLabel];
  /** Groups that must be present; a listed group with no image is an error. */
  allGroups?: readonly GroupLabel[];
}

/**
 * a / b for the ratio measures, kept finite: 0/0 is 1 (two equal figures are perfectly fair), and a zero
 * denominator with a non-zero numerator is replaced by 1 / (2 n_b), half the smallest non-zero rate or
 * mean rank a group of n_b images can show, so the ratio stays finite and still grows as b improves.
 */
export function safeQuotient(a: number, b: number, denominatorCount: number): number {
  if (b !== 0) return a / b;
  if (a === 0) return 1;
  return a / (1 / (2 * denominatorCount));
}

/** What every figure is computed from: per group, the number of images, of rank-0 images and the sum of ranks. */
export interface GroupRankSums {
  count: number;
  correct: number;
  rankSum: number;
}

/** rank-1 accuracy, error and mean rank from a group's sums. */
function summarise({ count, correct, rankSum }: GroupRankSums): GroupRankSummary {
  const accuracy = correct / count;
  return { count, accuracy, error: 1 - accuracy, meanRank: rankSum / count };
}

/**
 * Per-group rank-1 accuracy, error and mean rank, and FR-NAS's disparity measures between two groups a, b:
 * Disparity = |acc_a - acc_b|, Ratio = |1 - acc_a/acc_b|, Error Ratio = |1 - err_a/err_b|,
 * Rank Disparity = |rank_a - rank_b|, Rank Ratio = |1 - rank_a/rank_b|.
 * With `referenceGroups` [a, b] that pair is used as given. Otherwise every measure takes its worst ordered
 * pair over all groups (max - min for the differences, max/min - 1 for the ratios), which for two groups
 * is the larger of the two orders. Zero denominators follow safeQuotient, so every figure is finite.
 */
export function fairnessReport(input: FairnessReportInput): FairnessReport {
  if (input === null || typeof input !== 'object') throw new TypeError('fairnessReport expects { ranks, groups }');
  const { ranks, groups, referenceGroups, allGroups } = input;
  if (!Array.isArray(ranks)) throw new TypeError('ranks must be an array of non-negative integers');
  if (ranks.length === 0) throw new RangeError('ranks must not be empty');
  ranks.forEach((rank, i) => {
    if (!Number.isInteger(rank) || rank < 0) throw new TypeError(`ranks[${i}] must be a non-negative integer, got ${String(rank)}`);
  });
  const index = indexGroups(groups, ranks.length, 'ranks', allGroups);
  const sums = new Map<string, GroupRankSums>();
  for (const name of index.names) {
    const sum: GroupRankSums = { count: 0, correct: 0, rankSum: 0 };
    for (const i of index.members.get(name) as number[]) {
      sum.count++;
      if (ranks[i] === 0) sum.correct++;
      sum.rankSum += ranks[i];
    }
    sums.set(name, sum);
  }
  return fairnessReportFromSums(sums, referenceGroups);
}

/**
 * fairnessReport from per-group sums (groups in the map's order, every count > 0): the figures depend on
 * the ranks only through these sums, so resampling code (lib/fairness/bootstrap.ts) adds up sums instead
 * of rebuilding rank arrays. Gives exactly what fairnessReport gives for ranks with these sums.
 */
export function fairnessReportFromSums(sums: ReadonlyMap<string, GroupRankSums>, referenceGroups?: readonly [GroupLabel, GroupLabel]): FairnessReport {
  const names = [...sums.keys()];
  const perGroup: Record<string, GroupRankSummary> = {};
  const total: GroupRankSums = { count: 0, correct: 0, rankSum: 0 };
  for (const [name, sum] of sums) {
    perGroup[name] = summarise(sum);
    total.count += sum.count;
    total.correct += sum.correct;
    total.rankSum += sum.rankSum;
  }
  const overall = summarise(total);

  let candidatePairs: GroupPair[];
  let comparison: GroupComparison;
  if (referenceGroups !== undefined) {
    if (!Array.isArray(referenceGroups) || referenceGroups.length !== 2) throw new TypeError('referenceGroups must be a pair [a, b] of group labels');
    const pair = referenceGroups.map(String) as GroupPair;
    pair.forEach((name, k) => {
      if (!(name in perGroup)) throw new RangeError(`referenceGroups[${k}]: group ${JSON.stringify(referenceGroups[k])} has no images`);
    });
    if (pair[0] === pair[1]) throw new RangeError('referenceGroups must name two different groups');
    candidatePairs = [pair];
    comparison = 'reference-pair';
  } else {
    if (names.length < 2) throw new RangeError(`groups must contain at least two different groups, got ${names.length}`);
    candidatePairs = names.flatMap((a) => names.filter((b) => b !== a).map((b): GroupPair => [a, b]));
    comparison = 'worst-pair';
  }

  /** The worst (largest) value of a measure over the candidate pairs; ties keep the first pair. */
  const worst = (measure: (a: GroupRankSummary, b: GroupRankSummary) => number): { value: number; pair: GroupPair } => {
    let best = { value: -Infinity, pair: candidatePairs[0] };
    for (const pair of candidatePairs) {
      const value = measure(perGroup[pair[0]], perGroup[pair[1]]);
      if (value > best.value) best = { value, pair };
    }
    return best;
  };
  const disparity = worst((a, b) => (a.accuracy >= b.accuracy || comparison === 'reference-pair' ? Math.abs(a.accuracy - b.accuracy) : -1));
  const ratio = worst((a, b) => Math.abs(1 - safeQuotient(a.accuracy, b.accuracy, b.count)));
  const errorRatio = worst((a, b) => Math.abs(1 - safeQuotient(a.error, b.error, b.count)));
  const rankDisparity = worst((a, b) => (a.meanRank >= b.meanRank || comparison === 'reference-pair' ? Math.abs(a.meanRank - b.meanRank) : -1));
  const rankRatio = worst((a, b) => Math.abs(1 - safeQuotient(a.meanRank, b.meanRank, b.count)));
  return {
    count: overall.count,
    error: overall.error,
    accuracy: overall.accuracy,
    meanRank: overall.meanRank,
    perGroup,
    disparity: disparity.value,
    ratio: ratio.value,
    errorRatio: errorRatio.value,
    rankDisparity: rankDisparity.value,
    rankRatio: rankRatio.value,
    pair: disparity.pair,
    pairs: {
      disparity: disparity.pair,
      ratio: ratio.pair,
      errorRatio: errorRatio.pair,
      rankDisparity: rankDisparity.pair,
      rankRatio: rankRatio.pair,
    },
    comparison,
  };
}
