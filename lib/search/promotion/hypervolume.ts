import { hypervolumeContributions } from '../../pareto/index.js';
import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';
import { rankFrontsBy, type PromotionStrategy } from './strategy.js';

/**
 * SMS-EMOA's order: non-dominated fronts first to last; inside a front, larger exclusive hypervolume
 * contribution first (objectives normalised to [0, 1] over the rung, reference point 1.1 in each), then the
 * order results were told. Unlike crowding distance, which ranks a front's two extremes first whatever they
 * cost in the other objectives, the contribution measures what each result adds to the hypervolume that the
 * search is judged by. With `limit`, the ranking stops after the front that reaches `limit` indices.
 */
export function rankByNonDominationAndHypervolume(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  limit = points.length,
): number[] {
  if (points.length === 0 || directions.length === 1) return rankFrontsBy(points, directions, limit, () => []);
  const normalised = normaliseToUnitBox(points, directions);
  const reference = directions.map(() => 1.1);
  return rankFrontsBy(normalised, directions.map(() => 'minimize' as const), limit, (front) =>
    hypervolumeContributions(front.map((i) => normalised[i]), reference));
}

/** Each objective mapped to [0, 1] over the points, maximised ones flipped, so lower is better everywhere. */
function normaliseToUnitBox(points: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  const signed = points.map((p) => p.map((v, k) => (directions[k] === 'maximize' ? -v : v)));
  const lo = directions.map(() => Infinity);
  const hi = directions.map(() => -Infinity);
  for (const p of signed) {
    p.forEach((v, k) => {
      if (v < lo[k]) lo[k] = v;
      if (v > hi[k]) hi[k] = v;
    });
  }
  return signed.map((p) => p.map((v, k) => (hi[k] > lo[k] ? (v - lo[k]) / (hi[k] - lo[k]) : 0)));
}

/** Promotion by non-dominated rank, ties broken by hypervolume contribution (SMS-EMOA's selection). */
export class HypervolumePromotion implements PromotionStrategy {
  readonly name = 'hypervolume';
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], _rng?: Rng, limit?: number): number[] {
    return rankByNonDominationAndHypervolume(points, directions, limit);
  }
}
