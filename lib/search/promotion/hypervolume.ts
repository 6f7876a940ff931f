import { hypervolumeContributions, nonDominatedSort } from '../../pareto/index.js';
import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';
import { rankSingleObjective, type PromotionStrategy } from './strategy.js';

/**
 * SMS-EMOA's order: non-dominated fronts first to last; inside a front, larger exclusive hypervolume
 * contribution first (objectives normalised to [0, 1] over the rung, reference point 1.1 in each), then the
 * order results were told. Unlike crowding distance, which ranks a front's two extremes first whatever they
 * cost in the other objectives, the contribution measures what each result adds to the hypervolume that the
 * search is judged by. With `limit`, fronts past the first `limit` indices are left unordered by contribution.
 */
export function rankByNonDominationAndHypervolume(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  limit = points.length,
): number[] {
  if (points.length === 0) return [];
  if (directions.length === 1) return rankSingleObjective(points, directions[0]);
  const m = directions.length;
  const lo = new Array<number>(m).fill(Infinity);
  const hi = new Array<number>(m).fill(-Infinity);
  const signed = points.map((p) => p.map((v, k) => (directions[k] === 'maximize' ? -v : v)));
  for (const p of signed) {
    for (let k = 0; k < m; k++) {
      if (p[k] < lo[k]) lo[k] = p[k];
      if (p[k] > hi[k]) hi[k] = p[k];
    }
  }
  const normalised = signed.map((p) => p.map((v, k) => (hi[k] > lo[k] ? (v - lo[k]) / (hi[k] - lo[k]) : 0)));
  const reference = new Array<number>(m).fill(1.1);
  const order: number[] = [];
  for (const front of nonDominatedSort(normalised)) {
    if (order.length >= limit) {
      order.push(...front);
      continue;
    }
    const contributions = hypervolumeContributions(front.map((i) => normalised[i]), reference);
    const positions = front.map((_, j) => j);
    positions.sort((a, b) => contributions[b] - contributions[a] || front[a] - front[b]);
    for (const j of positions) order.push(front[j]);
  }
  return order;
}

/** Promotion by non-dominated rank, ties broken by hypervolume contribution (SMS-EMOA's selection). */
export class HypervolumePromotion implements PromotionStrategy {
  readonly name = 'hypervolume';
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], _rng?: Rng, limit?: number): number[] {
    return rankByNonDominationAndHypervolume(points, directions, limit);
  }
}
