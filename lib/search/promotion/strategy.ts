import { nonDominatedSort } from '../../pareto/index.js';
import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';

/**
 * Ranks the results of one rung for promotion, best first. Schedulers promote the first `n` of the ranking,
 * so a strategy decides *which* results are promising when there are several objectives.
 */
export interface PromotionStrategy {
  readonly name: string;
  /**
   * Indices of `points` (one objective vector per result), best first, covering every point.
   * `rng` is a stream derived from (seed, bracket) by the scheduler: a strategy that needs randomness
   * (ParEGO's weights) draws from it, so resume and re-runs rank the same way.
   */
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], rng: Rng, limit?: number): number[];
}

/** One objective: sorted by value (ties by index, i.e. the order results were told). Every strategy reduces to this. */
export function rankSingleObjective(points: readonly (readonly number[])[], direction: Direction): number[] {
  const sign = direction === 'maximize' ? -1 : 1;
  const order = points.map((_, i) => i);
  order.sort((a, b) => sign * (points[a][0] - points[b][0]) || a - b);
  return order;
}

/**
 * Non-dominated fronts first to last; inside a front, larger `score` first (one number per member, Infinity allowed),
 * then the order results were told. With `limit`, the ranking stops after the front that reaches `limit` indices,
 * so later fronts are never scored. One objective: plain sorting.
 */
export function rankFrontsBy(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  limit: number,
  score: (front: readonly number[]) => readonly number[],
): number[] {
  if (points.length === 0) return [];
  if (directions.length === 1) return rankSingleObjective(points, directions[0]);
  const order: number[] = [];
  for (const front of nonDominatedSort(points, directions)) {
    if (order.length >= limit) break;
    const scores = score(front);
    const positions = front.map((_, j) => j);
    positions.sort((a, b) => compareDescending(scores[a], scores[b]) || front[a] - front[b]);
    for (const j of positions) order.push(front[j]);
  }
  return order;
}

/** Larger first; Infinity - Infinity is NaN, so infinite scores (crowding's boundary points) need an explicit comparison. */
export function compareDescending(a: number, b: number): number {
  if (a === b) return 0;
  return a > b ? -1 : 1;
}
