// Analytic multi-objective test problems with a fidelity (see docs/benchmark-problems.md).
import seedrandom from 'seedrandom';
import { Space } from '../../lib/space/index.js';
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
  /** The frnas space, in our JSON format. */
  readonly spaceJSON: SpaceJSON;
  /** The space built from `spaceJSON` (built on first use). */
  space(): Space;
  /** Noiseless objectives at the full budget. */
  trueObjectives(x: readonly number[]): number[];
  /** Objectives observed after training `budget` epochs: deterministic in (configuration, budget). */
  evaluate(config: Configuration, budget: number): Record<string, number>;
  /** `n` points of the true Pareto front (for IGD+ and the best attainable hypervolume). */
  paretoFront(n: number): number[][];
  /** Variables of a configuration in x0..x(n-1) order. */
  variables(config: Configuration): number[];
}

interface SpaceJSON {
  hyperparameters: Record<string, { type: 'float'; lower: number; upper: number; default: number }>;
}

/** Size of the fidelity bias at the lowest budget, in units of the objectives. */
export const BIAS_SCALE = 1;
/** Standard deviation of the observation noise at the lowest budget. */
export const NOISE_SCALE = 0.1;
export const FIDELITY: Fidelity = { min: 1, max: 27, eta: 3 };

/**
 * How far budget b is from the full budget, on a log scale: 1 at the minimum, 0 at the maximum
 * (rungs 1, 3, 9, 27 give 1, 2/3, 1/3, 0), as learning curves improve roughly per doubling of epochs.
 */
export function fidelityGap(budget: number, fidelity: Fidelity = FIDELITY): number {
  if (!(budget >= fidelity.min && budget <= fidelity.max)) {
    throw new Error(`budget ${budget} is outside the fidelity range [${fidelity.min}, ${fidelity.max}]`);
  }
  if (fidelity.max === fidelity.min) return 0;
  return Math.log(fidelity.max / budget) / Math.log(fidelity.max / fidelity.min);
}

function spaceJSONOf(dimension: number): SpaceJSON {
  const hyperparameters: SpaceJSON['hyperparameters'] = {};
  for (let i = 0; i < dimension; i++) hyperparameters[`x${i}`] = { type: 'float', lower: 0, upper: 1, default: 0.5 };
  return { hyperparameters };
}

/** Standard normal draw from a stream (Box-Muller). */
function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function makeProblem(
  name: string,
  dimension: number,
  objectiveCount: number,
  referencePoint: number[],
  trueObjectives: (x: readonly number[]) => number[],
  paretoFront: (n: number) => number[][],
): FidelityProblem {
  const objectives: ObjectiveSpec[] = Array.from({ length: objectiveCount }, (_, i) => ({ name: `f${i + 1}`, direction: 'minimize' }));
  const spaceJSON = spaceJSONOf(dimension);
  // Each objective's bias pulls towards its own decoy optimum c_i, fixed per problem.
  const decoys = objectives.map((_, i) => {
    const rng = seedrandom(`${name}|decoy|${i}`);
    return Array.from({ length: dimension }, () => rng());
  });
  let space: Space | undefined;
  const variables = (config: Configuration): number[] =>
    Array.from({ length: dimension }, (_, i) => {
      const v = config[`x${i}`];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${name}: x${i} must be a number in [0, 1], got ${String(v)}`);
      return v;
    });
  const problem: FidelityProblem = {
    name,
    dimension,
    objectives,
    fidelity: FIDELITY,
    referencePoint,
    spaceJSON,
    space: () => (space ??= Space.fromJSON(spaceJSON)),
    trueObjectives,
    paretoFront,
    variables,
    evaluate(config, budget) {
      const gap = fidelityGap(budget);
      const x = variables(config);
      const f = trueObjectives(x);
      const noise = seedrandom(`${name}|${problem.space().configId(config)}|${budget}`);
      const out: Record<string, number> = {};
      objectives.forEach((o, i) => {
        let bias = 0;
        for (let j = 0; j < dimension; j++) bias += (x[j] - decoys[i][j]) ** 2;
        bias = (BIAS_SCALE * bias) / dimension;
        out[o.name] = f[i] + gap * bias + gap * NOISE_SCALE * gaussian(noise);
      });
      return out;
    },
  };
  return problem;
}

function zdtG(x: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < x.length; i++) sum += x[i];
  return 1 + (9 * sum) / (x.length - 1);
}

function grid(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : i / (n - 1)));
}

/** Points not dominated by another (all objectives minimised). */
function nonDominated(points: number[][]): number[][] {
  return points.filter((p) => !points.some((q) => q !== p && q.every((v, i) => v <= p[i]) && q.some((v, i) => v < p[i])));
}

export function zdt1(dimension = 6): FidelityProblem {
  return makeProblem('zdt1', dimension, 2, [1.1, 1.1], (x) => {
    const g = zdtG(x);
    return [x[0], g * (1 - Math.sqrt(x[0] / g))];
  }, (n) => grid(n).map((f1) => [f1, 1 - Math.sqrt(f1)]));
}

export function zdt2(dimension = 6): FidelityProblem {
  return makeProblem('zdt2', dimension, 2, [1.1, 1.1], (x) => {
    const g = zdtG(x);
    return [x[0], g * (1 - (x[0] / g) ** 2)];
  }, (n) => grid(n).map((f1) => [f1, 1 - f1 * f1]));
}

export function zdt3(dimension = 6): FidelityProblem {
  const f2 = (f1: number, g: number) => g * (1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1));
  return makeProblem('zdt3', dimension, 2, [1.1, 1.1], (x) => [x[0], f2(x[0], zdtG(x))], (n) => {
    // The front is the non-dominated part of g = 1; sample densely, then keep about n of its points.
    const dense = nonDominated(grid(20 * n).map((f1) => [f1, f2(f1, 1)]));
    const step = Math.max(1, Math.floor(dense.length / n));
    return dense.filter((_, i) => i % step === 0);
  });
}

export function dtlz2(dimension = 6): FidelityProblem {
  const m = 3;
  if (dimension < m) throw new Error(`dtlz2: needs at least ${m} variables, got ${dimension}`);
  return makeProblem('dtlz2', dimension, m, [1.1, 1.1, 1.1], (x) => {
    let g = 0;
    for (let i = m - 1; i < x.length; i++) g += (x[i] - 0.5) ** 2;
    const a = (x[0] * Math.PI) / 2;
    const b = (x[1] * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  }, (n) => {
    // The front is the positive octant of the unit sphere; a grid in the two angles.
    const side = Math.max(2, Math.round(Math.sqrt(n)));
    const points: number[][] = [];
    for (const u of grid(side)) {
      for (const v of grid(side)) {
        const a = (u * Math.PI) / 2;
        const b = (v * Math.PI) / 2;
        points.push([Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)]);
      }
    }
    return points;
  });
}

/** The four problems of the search comparison, by name. */
export function fidelityProblems(dimension = 6): FidelityProblem[] {
  return [zdt1(dimension), zdt2(dimension), zdt3(dimension), dtlz2(dimension)];
}
