import seedrandom from 'seedrandom';
import { encodeLabels } from './embeddings.js';
import { indexGroups } from './groups.js';
import { fairnessReport, fairnessReportFromSums, type FairnessReport, type GroupRankSums } from './report.js';
import type { GroupLabel, IdentityLabel } from './types.js';

/** The scalar figures of a FairnessReport that get an interval. */
export const FAIRNESS_METRICS = ['error', 'accuracy', 'meanRank', 'disparity', 'ratio', 'errorRatio', 'rankDisparity', 'rankRatio'] as const;
export type FairnessMetricName = (typeof FAIRNESS_METRICS)[number];

/** A figure on the full evaluation set and its bootstrap percentile interval. */
export interface MetricInterval {
  /** The figure on the full evaluation set (not the bootstrap mean). */
  estimate: number;
  lower: number;
  upper: number;
}

/** Identity-bootstrap intervals of every fairness figure, and how they were drawn. */
export interface FairnessIntervals {
  /** Coverage of the intervals, e.g. 0.95. */
  level: number;
  resamples: number;
  seed: number | string;
  /** Distinct evaluation identities (the resampling unit). */
  identities: number;
  metrics: Record<FairnessMetricName, MetricInterval>;
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** seedrandom seed (default 0): the same seed gives the same intervals. */
  seed?: number | string;
  /** Coverage of the percentile intervals, in (0, 1) (default 0.95). */
  level?: number;
}

export interface BootstrapFairnessInput extends BootstrapOptions {
  /** rank_by_id of every image, computed once on the full evaluation set. */
  ranks: readonly number[];
  /** Protected-group label of every image. */
  groups: readonly GroupLabel[];
  /** Identity label of every image: the unit that is resampled. */
  identities: readonly IdentityLabel[];
  referenceGroups?: readonly [GroupLabel, GroupLabel];
}

export interface PairedBootstrapInput extends BootstrapOptions {
  /** rank_by_id of model a on every image. */
  a: readonly number[];
  /** rank_by_id of model b on the same images, in the same order. */
  b: readonly number[];
  groups: readonly GroupLabel[];
  identities: readonly IdentityLabel[];
  referenceGroups?: readonly [GroupLabel, GroupLabel];
}

/** Interval of a − b for every figure: `estimate` is the difference on the full set. */
export interface PairedDifference {
  level: number;
  resamples: number;
  seed: number | string;
  identities: number;
  metrics: Record<FairnessMetricName, MetricInterval>;
}

/**
 * The p-quantile of ascending `sorted` values, linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy): h = (n − 1) p, q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentileSorted: no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(n - 1, below + 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}

function checkOptions(options: BootstrapOptions): { resamples: number; seed: number | string; level: number } {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${String(resamples)}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${String(level)}`);
  if (typeof seed !== 'string' && !Number.isFinite(seed)) throw new TypeError(`seed must be a finite number or a string, got ${String(seed)}`);
  return { resamples, seed, level };
}

/**
 * Stratified identity resampler over per-identity rank sums. Identities are grouped into strata by their
 * set of protected groups (one group per identity in practice); each resample draws, within every
 * stratum, as many identities as it has, with replacement, and takes all images of each drawn identity.
 * Every resample therefore has the same number of identities per group as the full set, and every group
 * is present. The figures depend on the ranks only through per-group (count, rank-0 count, rank sum), so a
 * resample adds up the drawn identities' sums (O(identities), not O(images)) and hands them to
 * fairnessReportFromSums, the code behind fairnessReport.
 */
class IdentityResampler {
  readonly identities: number;
  readonly names: string[];
  /** Per identity: its (group index, image indices) parts. */
  private readonly parts: { group: number; images: number[] }[][];
  private readonly strata: number[][];
  private readonly rng: seedrandom.PRNG;

  constructor(groups: readonly GroupLabel[], identities: readonly IdentityLabel[], count: number, seed: number | string) {
    const { codes, distinct } = encodeLabels(identities, count, 'identities', 'ranks');
    const index = indexGroups(groups, count, 'ranks');
    this.names = index.names;
    this.identities = distinct.length;
    this.parts = distinct.map(() => []);
    index.names.forEach((name, group) => {
      for (const i of index.members.get(name) as number[]) {
        const parts = this.parts[codes[i]];
        let part = parts.find((p) => p.group === group);
        if (!part) parts.push((part = { group, images: [] }));
        part.images.push(i);
      }
    });
    const strata = new Map<string, number[]>();
    this.parts.forEach((parts, code) => {
      const key = parts.map((p) => p.group).join(',');
      const stratum = strata.get(key);
      if (stratum) stratum.push(code);
      else strata.set(key, [code]);
    });
    this.strata = [...strata.values()];
    this.rng = seedrandom(`frnas-bootstrap:${String(seed)}`);
  }

  /** Per identity and group part: (count, correct, rankSum) of `ranks`, flat, in parts order. */
  sums(ranks: readonly number[]): Float64Array[] {
    return this.parts.map((parts) => {
      const out = new Float64Array(parts.length * 3);
      parts.forEach((part, k) => {
        for (const i of part.images) {
          const rank = ranks[i];
          if (!Number.isInteger(rank) || rank < 0) throw new TypeError(`ranks[${i}] must be a non-negative integer, got ${String(rank)}`);
          out[3 * k]++;
          if (rank === 0) out[3 * k + 1]++;
          out[3 * k + 2] += rank;
        }
      });
      return out;
    });
  }

  /** The identities of one resample (with repetitions). */
  draw(): number[] {
    const drawn: number[] = [];
    for (const stratum of this.strata) {
      for (let k = 0; k < stratum.length; k++) drawn.push(stratum[Math.floor(this.rng() * stratum.length)]);
    }
    return drawn;
  }

  /** fairnessReport of the images of `drawn`, from per-identity sums. */
  report(drawn: readonly number[], sums: readonly Float64Array[], referenceGroups?: readonly [GroupLabel, GroupLabel]): FairnessReport {
    const totals = new Float64Array(this.names.length * 3);
    for (const code of drawn) {
      const parts = this.parts[code];
      const identitySums = sums[code];
      for (let k = 0; k < parts.length; k++) {
        const g = 3 * parts[k].group;
        totals[g] += identitySums[3 * k];
        totals[g + 1] += identitySums[3 * k + 1];
        totals[g + 2] += identitySums[3 * k + 2];
      }
    }
    const groupSums = new Map<string, GroupRankSums>(this.names.map((name, g) => [name, { count: totals[3 * g], correct: totals[3 * g + 1], rankSum: totals[3 * g + 2] }]));
    return fairnessReportFromSums(groupSums, referenceGroups);
  }
}

function checkRanks(ranks: readonly number[], field: string): void {
  if (!Array.isArray(ranks)) throw new TypeError(`${field} must be an array of non-negative integers`);
  if (ranks.length === 0) throw new RangeError(`${field} must not be empty`);
}

function intervalsOf(
  estimate: FairnessReport | Record<FairnessMetricName, number>,
  samples: Record<FairnessMetricName, Float64Array>,
  level: number,
): Record<FairnessMetricName, MetricInterval> {
  const alpha = (1 - level) / 2;
  const out = {} as Record<FairnessMetricName, MetricInterval>;
  for (const name of FAIRNESS_METRICS) {
    const sorted = samples[name].sort();
    out[name] = { estimate: estimate[name], lower: percentileSorted(sorted, alpha), upper: percentileSorted(sorted, 1 - alpha) };
  }
  return out;
}

function emptySamples(resamples: number): Record<FairnessMetricName, Float64Array> {
  return Object.fromEntries(FAIRNESS_METRICS.map((name) => [name, new Float64Array(resamples)])) as Record<FairnessMetricName, Float64Array>;
}

/**
 * Confidence intervals of FR-NAS's fairness figures by a bootstrap over evaluation IDENTITIES (the
 * images of one person are not independent, so persons, not images, are resampled).
 * - Stratified: identities are drawn with replacement within each protected group (strata keep their
 *   size), so every resample has every group and the disparity measures are always defined.
 * - Ranks are not recomputed: each image keeps the rank_by_id it had on the full evaluation set (a
 *   duplicated identity does not become its own impostor). This is the usual cheap bootstrap of a
 *   ranking metric; it captures the sampling noise of which persons were evaluated, not of the gallery.
 * - Each resample's figures come from the code of `fairnessReport` (fairnessReportFromSums over the drawn
 *   identities' per-group sums; same groups, same referenceGroups).
 * - Intervals are percentile intervals (type-7 quantiles at (1 − level)/2 and (1 + level)/2);
 *   `estimate` is the figure on the full set.
 */
export function bootstrapFairness(input: BootstrapFairnessInput): FairnessIntervals {
  if (input === null || typeof input !== 'object') throw new TypeError('bootstrapFairness expects { ranks, groups, identities }');
  const { resamples, seed, level } = checkOptions(input);
  const { ranks, groups, referenceGroups } = input;
  checkRanks(ranks, 'ranks');
  const full = fairnessReport({ ranks, groups, referenceGroups });
  const resampler = new IdentityResampler(groups, input.identities, ranks.length, seed);
  const sums = resampler.sums(ranks);
  const samples = emptySamples(resamples);
  for (let r = 0; r < resamples; r++) {
    const report = resampler.report(resampler.draw(), sums, referenceGroups);
    for (const name of FAIRNESS_METRICS) samples[name][r] = report[name];
  }
  return { level, resamples, seed, identities: resampler.identities, metrics: intervalsOf(full, samples, level) };
}

/**
 * Paired identity bootstrap of the difference a − b of every figure between two models evaluated on the
 * same images (same stratified resampling and conventions as bootstrapFairness). Both models see the
 * same resampled identities in every resample, so the interval of the difference is narrower than what
 * two separate intervals suggest. For minimised figures, upper < 0 means a is better beyond the noise.
 */
export function pairedBootstrapDifference(input: PairedBootstrapInput): PairedDifference {
  if (input === null || typeof input !== 'object') throw new TypeError('pairedBootstrapDifference expects { a, b, groups, identities }');
  const { a, b, ...rest } = input;
  return pairedBootstrapMeanDifference({ ...rest, pairs: [{ a, b }] });
}

/** Several runs of two models on the same images: run k of a is paired with run k of b (e.g. the same training seed). */
export interface PairedRunsBootstrapInput extends BootstrapOptions {
  pairs: readonly { a: readonly number[]; b: readonly number[] }[];
  groups: readonly GroupLabel[];
  identities: readonly IdentityLabel[];
  referenceGroups?: readonly [GroupLabel, GroupLabel];
}

/**
 * Paired identity bootstrap of the mean over runs of (a − b): every resample draws one set of identities and
 * applies it to every pair, so the figure is the difference of two models averaged over training seeds, and the
 * interval is the noise of which people were evaluated for these seeds (it does not resample the seeds). With one
 * pair it is pairedBootstrapDifference. Averaging seeds shrinks the part of the noise that comes from one training
 * run's luck on a few people; the per-pair estimates show the spread between seeds.
 */
export function pairedBootstrapMeanDifference(input: PairedRunsBootstrapInput): PairedDifference {
  if (input === null || typeof input !== 'object') throw new TypeError('pairedBootstrapMeanDifference expects { pairs, groups, identities }');
  const { resamples, seed, level } = checkOptions(input);
  const { pairs, groups, referenceGroups } = input;
  if (!Array.isArray(pairs) || pairs.length === 0) throw new RangeError('pairedBootstrapMeanDifference: "pairs" must hold at least one { a, b }');
  const count = pairs[0].a?.length;
  pairs.forEach(({ a, b }, k) => {
    const name = pairs.length === 1 ? '' : `pairs[${k}].`;
    checkRanks(a, `${name}a`);
    checkRanks(b, `${name}b`);
    if (a.length !== b.length || a.length !== count) throw new RangeError(`${name}a has ${a.length} ranks but ${name}b has ${b.length}${pairs.length > 1 ? ` (pairs[0]: ${count})` : ''}; both models must be ranked on the same images`);
  });
  const estimate = Object.fromEntries(FAIRNESS_METRICS.map((name) => [name, 0])) as Record<FairnessMetricName, number>;
  for (const { a, b } of pairs) {
    const fullA = fairnessReport({ ranks: a, groups, referenceGroups });
    const fullB = fairnessReport({ ranks: b, groups, referenceGroups });
    for (const name of FAIRNESS_METRICS) estimate[name] += (fullA[name] - fullB[name]) / pairs.length;
  }
  const resampler = new IdentityResampler(groups, input.identities, count, seed);
  const sums = pairs.map(({ a, b }) => ({ a: resampler.sums(a), b: resampler.sums(b) }));
  const samples = emptySamples(resamples);
  for (let r = 0; r < resamples; r++) {
    const drawn = resampler.draw();
    for (const pair of sums) {
      const ra = resampler.report(drawn, pair.a, referenceGroups);
      const rb = resampler.report(drawn, pair.b, referenceGroups);
      for (const name of FAIRNESS_METRICS) samples[name][r] += (ra[name] - rb[name]) / pairs.length;
    }
  }
  return { level, resamples, seed, identities: resampler.identities, metrics: intervalsOf(estimate, samples, level) };
}

/** The outcome of comparing two models on several objectives with their noise taken into account. */
export type IntervalVerdict = 'dominates' | 'dominated' | 'trade-off' | 'within noise';

/** An objective to compare on: a name (minimised) or a name with its direction. */
export type ComparedObjective = string | { name: string; direction?: 'minimize' | 'maximize' };

const objectiveOf = (o: ComparedObjective): { name: string; sign: number } =>
  typeof o === 'string' ? { name: o, sign: 1 } : { name: o.name, sign: o.direction === 'maximize' ? -1 : 1 };

function verdict(better: number, worse: number, total: number): IntervalVerdict {
  if (better === total) return 'dominates';
  if (worse === total) return 'dominated';
  if (better > 0 && worse > 0) return 'trade-off';
  return 'within noise';
}

function lookup(intervals: Readonly<Record<string, MetricInterval>>, name: string, side: string): MetricInterval {
  const interval = intervals[name];
  if (!interval || !Number.isFinite(interval.lower) || !Number.isFinite(interval.upper)) throw new RangeError(`${side} has no interval for objective "${name}"`);
  return interval;
}

/**
 * Compares a with b from their separate intervals: a is better on an objective beyond the noise when its
 * interval lies entirely on the better side of b's (minimised: a.upper < b.lower), worse when b's lies
 * entirely on the better side of a's. 'dominates' = better on every objective, 'dominated' = worse on
 * every objective, 'trade-off' = better on some and worse on others, 'within noise' = anything else
 * (some objective's intervals overlap and nothing contradicts). Non-overlap of two 95 % intervals is a
 * conservative test; pairedBootstrapDifference + compareDifferences is sharper when both models' ranks exist.
 */
export function compareWithIntervals(
  a: Readonly<Record<string, MetricInterval>>,
  b: Readonly<Record<string, MetricInterval>>,
  objectives: readonly ComparedObjective[],
): IntervalVerdict {
  if (objectives.length === 0) throw new RangeError('compareWithIntervals: no objectives');
  let better = 0;
  let worse = 0;
  for (const o of objectives.map(objectiveOf)) {
    const x = lookup(a, o.name, 'a');
    const y = lookup(b, o.name, 'b');
    const [xBest, xWorst] = o.sign > 0 ? [x.lower, x.upper] : [-x.upper, -x.lower];
    const [yBest, yWorst] = o.sign > 0 ? [y.lower, y.upper] : [-y.upper, -y.lower];
    if (xWorst < yBest) better++;
    else if (yWorst < xBest) worse++;
  }
  return verdict(better, worse, objectives.length);
}

/**
 * The same verdict from intervals of differences a − b (pairedBootstrapDifference's `metrics`): better on a
 * minimised objective when the whole interval is below 0 (maximised: above 0), worse when it is on the
 * other side, noise when it contains 0.
 */
export function compareDifferences(differences: Readonly<Record<string, MetricInterval>>, objectives: readonly ComparedObjective[]): IntervalVerdict {
  if (objectives.length === 0) throw new RangeError('compareDifferences: no objectives');
  let better = 0;
  let worse = 0;
  for (const o of objectives.map(objectiveOf)) {
    const d = lookup(differences, o.name, 'differences');
    if (o.sign * d.upper < 0 && o.sign * d.lower < 0) better++;
    else if (o.sign * d.lower > 0 && o.sign * d.upper > 0) worse++;
  }
  return verdict(better, worse, objectives.length);
}
