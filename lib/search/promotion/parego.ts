import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';
import { rankSingleObjective, type PromotionStrategy } from './strategy.js';

/**
 * ParEGO (Knowles 2006) as SMAC3 uses it: normalise each objective to [0, 1] over the given points
 * (maximised objectives are negated first), then score = max_i(w_i f_i) + rho * sum_i(w_i f_i).
 * Lower is better. Used both to rank a rung for promotion and to give a surrogate one target.
 */
export function paregoScalarize(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  weights: readonly number[],
  rho = 0.05,
): number[] {
  if (points.length === 0) return [];
  const m = directions.length;
  if (weights.length !== m) throw new Error(`paregoScalarize: ${weights.length} weights for ${m} objectives`);
  const signed = points.map((p) => {
    if (p.length !== m) throw new Error(`paregoScalarize: a point has ${p.length} values, expected ${m}`);
    return p.map((v, i) => (directions[i] === 'maximize' ? -v : v));
  });
  const lo = new Array<number>(m).fill(Infinity);
  const hi = new Array<number>(m).fill(-Infinity);
  for (const p of signed) {
    for (let i = 0; i < m; i++) {
      if (p[i] < lo[i]) lo[i] = p[i];
      if (p[i] > hi[i]) hi[i] = p[i];
    }
  }
  return signed.map((p) => {
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const range = hi[i] - lo[i];
      const f = range > 0 ? (p[i] - lo[i]) / range : 0;
      const wf = weights[i] * f;
      if (wf > max) max = wf;
      sum += wf;
    }
    return max + rho * sum;
  });
}

/** A weight vector drawn uniformly from the simplex (sorted-uniform spacings), from the given stream. */
export function randomSimplexWeights(m: number, rng: Rng): number[] {
  if (m === 1) return [1];
  const cuts = Array.from({ length: m - 1 }, () => rng()).sort((a, b) => a - b);
  const w: number[] = [];
  let prev = 0;
  for (const c of cuts) {
    w.push(c - prev);
    prev = c;
  }
  w.push(1 - prev);
  return w;
}

/**
 * Promotion by ParEGO: one random weight vector per bracket (drawn from the bracket's stream), results ranked
 * by their weighted Chebyshev score, lower first, ties by the order results were told.
 */
export class ParEGOPromotion implements PromotionStrategy {
  readonly name = 'parego';
  constructor(readonly rho = 0.05) {}
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], rng: Rng): number[] {
    if (points.length === 0) return [];
    if (directions.length === 1) return rankSingleObjective(points, directions[0]);
    const scores = paregoScalarize(points, directions, randomSimplexWeights(directions.length, rng), this.rho);
    const order = points.map((_, i) => i);
    order.sort((a, b) => scores[a] - scores[b] || a - b);
    return order;
  }
}
