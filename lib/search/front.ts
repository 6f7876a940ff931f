import { nonDominatedSort } from '../pareto/index.js';
import { isFeasible } from './constraints.js';
import type { ObjectiveSpec, Trial } from './types.js';

/**
 * The Pareto front of a search: the non-dominated `ok` trials at the highest budget that has any (lower budgets are
 * approximations, so they never compete with it). `candidates` are all `ok` trials at that budget; `front` is in id order.
 * Infeasible trials (a constraint value > 0) are never on the front: only feasible ok trials count.
 */
export function frontAtHighestBudget(
  trials: readonly Trial[],
  objectives: readonly ObjectiveSpec[],
): { budget: number; candidates: Trial[]; front: Trial[] } {
  const ok = trials.filter((t) => t.status === 'ok' && isFeasible(t));
  if (ok.length === 0) return { budget: NaN, candidates: [], front: [] };
  const budget = Math.max(...ok.map((t) => t.budget));
  const candidates = ok.filter((t) => t.budget === budget);
  const fronts = nonDominatedSort(
    candidates.map((t) => objectives.map((o) => t.values[o.name])),
    objectives.map((o) => o.direction),
  );
  const front = (fronts[0] ?? []).map((i) => candidates[i]).sort((a, b) => a.id - b.id);
  return { budget, candidates, front };
}
