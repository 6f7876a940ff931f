// The benchmark problem interface: what the simulated-time runner needs to evaluate a configuration at a budget.
import type { Space } from '../space/index.js';
import type { Configuration } from '../space/types.js';
import type { Fidelity, ObjectiveSpec } from '../search/types.js';

/** What one evaluation of a benchmark problem gives: objective values, or a failure (diverged training). */
export type BenchmarkEvaluation =
  | { status: 'ok'; values: Record<string, number> }
  | { status: 'failed'; error: string };

/**
 * A problem whose evaluations cost no real time: analytic functions (ZDT, DTLZ2) or a table of results
 * (FR-NAS phase 1). The runner charges every trial `epochs × secondsPerEpoch` of simulated time.
 */
export interface BenchmarkProblem {
  readonly name: string;
  /** Every objective is minimised in the built-in problems; the runner accepts either direction. */
  readonly objectives: readonly ObjectiveSpec[];
  /** Budgets in epochs; `min === max` is a single fidelity. */
  readonly fidelity: Fidelity;
  /** Fixed hypervolume reference point, one value per objective (documented per problem in docs/benchmarks.md). */
  readonly referencePoint: readonly number[];
  /** Simulated seconds one epoch takes (the virtual clock of the runner). */
  readonly secondsPerEpoch: number;
  space(): Space;
  /**
   * Deterministic in (configuration, budget). A promotion continues from its parent's checkpoint, so the runner
   * charges only `budget − previous budget` epochs.
   */
  evaluate(config: Configuration, budget: number): BenchmarkEvaluation;
  /** The true Pareto front (a dense sample for analytic problems, the exact front for a table). */
  trueFront(): readonly (readonly number[])[];
  /** Hypervolume of the true front against `referencePoint`. */
  trueHypervolume(): number;
}

/** Objective values of an evaluation in the problem's objective order. */
export function objectiveVector(problem: Pick<BenchmarkProblem, 'objectives'>, values: Record<string, number>): number[] {
  return problem.objectives.map((o) => values[o.name]);
}
