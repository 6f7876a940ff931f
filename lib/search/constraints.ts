// Constraints on a search (Optuna's constraints_func, NNI's and SMAC3's feasibility): one number per constraint for a
// finished trial, feasible when every number is <= 0. The values are computed once, when the trial is told, and kept
// among its attributes (`constraints`), so a resumed study reads them from its journal instead of calling again.
import type { Trial } from './types.js';

/** The constraint values of an ok trial, e.g. `(t) => [t.attributes.parameters as number - 2e6]`; feasible when all <= 0. */
export type ConstraintsFunction = (trial: Trial) => readonly number[];

/** The attribute under which a trial's constraint values are stored. */
export const CONSTRAINTS_ATTRIBUTE = 'constraints';

/** A trial's constraint values, or undefined when it has none (a study without constraints). */
export function constraintValues(trial: Pick<Trial, 'attributes'>): number[] | undefined {
  const values = trial.attributes[CONSTRAINTS_ATTRIBUTE];
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) return undefined;
  return values as number[];
}

/** How far a trial is from feasible: the sum of its positive constraint values (0 when feasible or unconstrained). */
export function constraintViolation(trial: Pick<Trial, 'attributes'>): number {
  return (constraintValues(trial) ?? []).reduce((sum, v) => sum + Math.max(0, v), 0);
}

/** Feasible: no constraint values, or all <= 0. */
export function isFeasible(trial: Pick<Trial, 'attributes'>): boolean {
  return constraintViolation(trial) === 0;
}

/** Calls the constraints function and checks its answer; throws a message naming the problem. */
export function evaluateConstraints(constraints: ConstraintsFunction, trial: Trial): number[] {
  const values = constraints(trial);
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number' && !Number.isNaN(v))) {
    throw new Error(`constraints must return a non-empty array of numbers (<= 0 feasible), got ${JSON.stringify(values)}`);
  }
  return [...values];
}

/**
 * Ranks the results of a rung feasible first (Deb's constrained domination, as Optuna's constrained NSGA-II): the
 * feasible ones by `rankFeasible` (indices into the feasible subset), then the infeasible ones by violation, smallest
 * first (ties in told order). Returns indices into `trials`.
 */
export function rankFeasibleFirst(trials: readonly Trial[], rankFeasible: (feasible: readonly Trial[]) => number[]): number[] {
  const feasible: number[] = [];
  const infeasible: number[] = [];
  trials.forEach((t, i) => (isFeasible(t) ? feasible : infeasible).push(i));
  const order = rankFeasible(feasible.map((i) => trials[i])).map((j) => feasible[j]);
  const violation = infeasible.map((i) => constraintViolation(trials[i]));
  const byViolation = infeasible.map((_, j) => j).sort((a, b) => violation[a] - violation[b] || a - b);
  return [...order, ...byViolation.map((j) => infeasible[j])];
}
