// The spread of a figure over training seeds, and when a difference between two models is larger than it.
import { dominatesMinimised } from '../pareto/index.js';
import { meanStd, type MeanStd } from './summary.js';

/** A figure over the seeds that gave a result: mean ± sample std, and the interval [low, high] = [min, max]. */
export interface SeedInterval extends MeanStd {
  low: number;
  high: number;
}

export function seedInterval(values: readonly number[]): SeedInterval {
  const finite = values.filter((v) => Number.isFinite(v));
  const { mean, std, n } = meanStd(finite);
  return { mean, std, n, low: n ? Math.min(...finite) : NaN, high: n ? Math.max(...finite) : NaN };
}

/**
 * The probability that `a`'s seeds all beat `b`'s by chance when the two models are equally good: with the
 * seeds exchangeable, 1 / C(nA + nB, nA) (the one-sided exact permutation test when the intervals do not
 * overlap). 3 seeds against 3: 1/20 = 0.05; 2 against 2: 1/6; 1 against 1: 1/2.
 */
export function separationChance(nA: number, nB: number): number {
  let ways = 1;
  for (let i = 1; i <= nB; i++) ways = (ways * (nA + i)) / i;
  return 1 / ways;
}

/** The most chance of a separation by luck that still counts as one: the usual 0.05. */
export const SEPARATION_LEVEL = 0.05;

/**
 * Whether `a` is lower than `b` beyond the noise over seeds: every seed of `a` below every seed of `b` (the
 * intervals do not overlap), with enough seeds that this is unlikely by chance (separationChance <= 0.05, so at
 * least 3 seeds each, or 2 against 5).
 */
export function lowerBeyondNoise(a: SeedInterval, b: SeedInterval): boolean {
  return a.n > 0 && b.n > 0 && a.high < b.low && separationChance(a.n, b.n) <= SEPARATION_LEVEL + 1e-12;
}

/**
 * How `a` compares with `b` on minimised objectives (one interval per objective): 'dominates' when `a` is lower
 * beyond the noise on every objective; 'within noise' when `a`'s means dominate `b`'s (no worse on each, better on
 * one) but the spread over seeds does not support it; 'no' otherwise.
 */
export function dominanceOverSeeds(a: readonly SeedInterval[], b: readonly SeedInterval[]): 'dominates' | 'within noise' | 'no' {
  if (a.every((x, i) => lowerBeyondNoise(x, b[i]))) return 'dominates';
  const meansDominate = dominatesMinimised(a.map((x) => x.mean), b.map((x) => x.mean));
  return meansDominate ? 'within noise' : 'no';
}
