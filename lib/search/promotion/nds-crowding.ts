import { crowdingDistance, nonDominatedSort } from '../../pareto/index.js';
import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';
import { rankSingleObjective, type PromotionStrategy } from './strategy.js';

/**
 * NSGA-II's order: non-dominated fronts first to last; inside a front, larger crowding distance first
 * (computed within that front), then the order results were told. Taking the first `n` therefore keeps
 * whole fronts while they fit and fills the rest from the next front by crowding distance.
 * With `limit`, the ranking stops after the front that reaches `limit` indices.
 */
export function rankByNonDominationAndCrowding(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  limit = points.length,
): number[] {
  if (points.length === 0) return [];
  if (directions.length === 1) return rankSingleObjective(points, directions[0]);
  const order: number[] = [];
  for (const front of nonDominatedSort(points, directions)) {
    // Fronts past the first `limit` indices are never promoted: spare their crowding distances.
    if (order.length >= limit) break;
    const distances = crowdingDistance(front.map((i) => points[i]), directions);
    const positions = front.map((_, j) => j);
    positions.sort((a, b) => compareDistanceDescending(distances[a], distances[b]) || front[a] - front[b]);
    for (const j of positions) order.push(front[j]);
  }
  return order;
}

// Infinity - Infinity is NaN, so boundary points (infinite distance) need an explicit comparison.
function compareDistanceDescending(a: number, b: number): number {
  if (a === b) return 0;
  return a > b ? -1 : 1;
}

/** Promotion by non-dominated rank, ties broken by crowding distance (SMAC3's SuccessiveHalving, NSGA-II). */
export class NonDominatedCrowdingPromotion implements PromotionStrategy {
  readonly name = 'nds-crowding';
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], _rng?: Rng, limit?: number): number[] {
    return rankByNonDominationAndCrowding(points, directions, limit);
  }
}
