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
