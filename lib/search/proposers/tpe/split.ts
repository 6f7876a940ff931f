// Which observations are "good" (below, the density l) and which are the rest (above, the density g),
// with the weights of each, as Optuna 3.x's multi-objective TPE (MOTPE, Ozaki et al. 2020/2022) does it.
import { hypervolume, hypervolumeContributions, nonDominatedSort } from '../../../pareto/index.js';

const EPS = 1e-12;

/** Optuna's default gamma: the good set holds ceil(10 %) of the observations, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights, in observation order: 1 for the newest 25, a linear ramp from 1/n up for older ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  for (let i = 0; i < ramp; i++) weights.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

export interface TpeSplit {
  /** Indices of the good observations, and their kernel weights (same order). */
  below: number[];
  belowWeights: number[];
  /** Indices of the other observations (in input order) and their weights. */
  above: number[];
  aboveWeights: number[];
}

/**
 * Splits minimised loss vectors (one per observation, in the order they were told) into the `nBelow` best and
 * the rest. One objective: the lowest losses, all of weight 1. Several: whole non-dominated fronts in rank order;
 * the front that does not fit is thinned by greedy hypervolume subset selection; the good observations are
 * weighted by their exclusive hypervolume contribution (largest = 1), so TPE favours spread along the front.
 */
export function splitObservations(losses: readonly (readonly number[])[], nBelow: number): TpeSplit {
  const n = losses.length;
  const count = Math.max(0, Math.min(nBelow, n));
  let below: number[];
  let belowWeights: number[];
  if (n === 0 || count === 0) {
    below = [];
    belowWeights = [];
  } else if (losses[0].length === 1) {
    below = losses.map((_, i) => i).sort((a, b) => losses[a][0] - losses[b][0] || a - b).slice(0, count).sort((a, b) => a - b);
    belowWeights = below.map(() => 1);
  } else {
    below = [];
    for (const front of nonDominatedSort(losses)) {
      if (below.length + front.length <= count) {
        below.push(...front);
        if (below.length === count) break;
        continue;
      }
      below.push(...greedyHypervolumeSubset(front.map((i) => losses[i]), count - below.length).map((k) => front[k]));
      break;
    }
    below.sort((a, b) => a - b);
    belowWeights = contributionWeights(below.map((i) => losses[i]));
  }
  const isBelow = new Set(below);
  const above = losses.map((_, i) => i).filter((i) => !isBelow.has(i));
  return { below, belowWeights, above, aboveWeights: defaultWeights(above.length) };
}

/** Optuna's reference point for a set of losses: 10 % beyond the worst value of each objective (EPS for 0). */
export function lossReferencePoint(losses: readonly (readonly number[])[]): number[] {
  const m = losses[0].length;
  const reference: number[] = [];
  for (let k = 0; k < m; k++) {
    const worst = Math.max(...losses.map((p) => p[k]));
    const r = Math.max(1.1 * worst, 0.9 * worst);
    reference.push(r === 0 ? EPS : r);
  }
  return reference;
}

/** Greedy hypervolume subset selection: `size` indices, each adding the most hypervolume to those before. */
export function greedyHypervolumeSubset(points: readonly (readonly number[])[], size: number): number[] {
  const reference = lossReferencePoint(points);
  const chosen: number[] = [];
  const left = new Set(points.map((_, i) => i));
  while (chosen.length < size && left.size > 0) {
    let best = -1;
    let bestVolume = -Infinity;
    for (const i of left) {
      const volume = hypervolume([...chosen.map((j) => points[j]), points[i]], reference);
      if (volume > bestVolume) {
        bestVolume = volume;
        best = i;
      }
    }
    chosen.push(best);
    left.delete(best);
  }
  return chosen;
}

function contributionWeights(points: readonly (readonly number[])[]): number[] {
  if (points.length <= 1) return points.map(() => 1);
  const contributions = hypervolumeContributions(points, lossReferencePoint(points));
  const max = Math.max(...contributions);
  if (!(max > 0)) return points.map(() => 1);
  return contributions.map((c) => Math.min(1, Math.max(EPS, c / max)));
}
