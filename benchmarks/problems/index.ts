// The fidelity test problems of the search comparison (docs/benchmark-problems.md), as seen by
// benchmarks/search-compare.ts and the proposer tests. The formulas live in one place, lib/bench/problems/analytic.ts
// (shipped, so `frnas bench` has them); this file only adapts that problem to the shape these scripts use.
import {
  ANALYTIC_BIAS_SCALE,
  ANALYTIC_FIDELITY,
  ANALYTIC_NOISE_SCALE,
  analyticFidelityGap,
  analyticProblem,
  type AnalyticProblemName,
} from '../../lib/bench/index.js';
import type { Space } from '../../lib/space/index.js';
import type { Configuration } from '../../lib/space/types.js';
import type { Fidelity, ObjectiveSpec } from '../../lib/search/types.js';

/** A problem whose evaluation at a lower budget is a biased, noisy version of its true objectives. */
export interface FidelityProblem {
  readonly name: string;
  /** Number of continuous variables x0..x(n-1), each in [0, 1]. */
  readonly dimension: number;
  readonly objectives: readonly ObjectiveSpec[];
  /** Budgets ("epochs") from 1 to 27, eta 3: rungs 1, 3, 9, 27. */
  readonly fidelity: Fidelity;
  /** Reference point of the hypervolume (all objectives minimised). */
  readonly referencePoint: readonly number[];
  space(): Space;
  /** Noiseless objectives at the full budget. */
  trueObjectives(x: readonly number[]): number[];
  /** Objectives observed after training `budget` epochs: deterministic in (configuration, budget). */
  evaluate(config: Configuration, budget: number): Record<string, number>;
  /** A dense sample of the true Pareto front (for IGD+ and the best attainable hypervolume). */
  paretoFront(): number[][];
  /** Variables of a configuration in x0..x(n-1) order. */
  variables(config: Configuration): number[];
}

export const BIAS_SCALE = ANALYTIC_BIAS_SCALE;
export const NOISE_SCALE = ANALYTIC_NOISE_SCALE;
export const FIDELITY: Fidelity = ANALYTIC_FIDELITY;
export const fidelityGap = analyticFidelityGap;

function adapt(name: AnalyticProblemName, dimension: number): FidelityProblem {
  const problem = analyticProblem(name, { dimension });
  return {
    name,
    dimension,
    objectives: problem.objectives,
    fidelity: problem.fidelity,
    referencePoint: problem.referencePoint,
    space: () => problem.space(),
    trueObjectives: (x) => problem.trueObjectives(x),
    evaluate(config, budget) {
      const result = problem.evaluate(config, budget);
      if (result.status !== 'ok') throw new Error(`${name}: ${result.error}`);
      return result.values;
    },
    paretoFront: () => problem.trueFront().map((p) => [...p]),
    variables(config) {
      return Array.from({ length: dimension }, (_, i) => {
        const v = config[`x${i}`];
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${name}: x${i} must be a number in [0, 1], got ${String(v)}`);
        return v;
      });
    },
  };
}

export const zdt1 = (dimension = 6): FidelityProblem => adapt('zdt1', dimension);
export const zdt2 = (dimension = 6): FidelityProblem => adapt('zdt2', dimension);
export const zdt3 = (dimension = 6): FidelityProblem => adapt('zdt3', dimension);
export const dtlz2 = (dimension = 6): FidelityProblem => adapt('dtlz2', dimension);

/** The four problems of the search comparison, by name. */
export function fidelityProblems(dimension = 6): FidelityProblem[] {
  return [zdt1(dimension), zdt2(dimension), zdt3(dimension), dtlz2(dimension)];
}
