// ZDT1/2/3 and DTLZ2 with a fidelity: the formulas of docs/benchmark-problems.md (benchmarks/problems/index.ts),
// re-implemented here because the npm package ships lib/ only. Same seeds, same streams: both give the same values.
import seedrandom from 'seedrandom';
import { Space } from '../../space/index.js';
import type { Configuration } from '../../space/types.js';
import type { Fidelity, ObjectiveSpec } from '../../search/types.js';
import { hypervolume, nonDominatedSort } from '../../pareto/index.js';
import type { BenchmarkEvaluation, BenchmarkProblem } from '../problem.js';

/** Size of the fidelity bias at the lowest budget (docs/benchmark-problems.md: β). */
export const ANALYTIC_BIAS_SCALE = 1;
/** Standard deviation of the observation noise at the lowest budget (σ). */
export const ANALYTIC_NOISE_SCALE = 0.1;
/** Budgets 1…27 epochs, eta 3: rungs 1, 3, 9, 27. */
export const ANALYTIC_FIDELITY: Fidelity = { min: 1, max: 27, eta: 3 };

export type AnalyticProblemName = 'zdt1' | 'zdt2' | 'zdt3' | 'dtlz2';
export const ANALYTIC_PROBLEM_NAMES: readonly AnalyticProblemName[] = ['zdt1', 'zdt2', 'zdt3', 'dtlz2'];

/** An analytic problem: a benchmark problem that also knows its noiseless objectives. */
export interface AnalyticProblem extends BenchmarkProblem {
  readonly dimension: number;
  /** Noiseless objectives (what the problem returns at the full budget). */
  trueObjectives(x: readonly number[]): number[];
}

export interface AnalyticProblemOptions {
  /** Number of variables x0…x(n−1) in [0, 1] (default 6). */
  dimension?: number;
  /** Simulated seconds per epoch (default 1). */
  secondsPerEpoch?: number;
}

/** 1 at the lowest budget, 0 at the highest, on a log scale (rungs 1, 3, 9, 27 give 1, 2/3, 1/3, 0). */
export function analyticFidelityGap(budget: number, fidelity: Fidelity = ANALYTIC_FIDELITY): number {
  if (!(budget >= fidelity.min && budget <= fidelity.max)) {
    throw new Error(`budget ${budget} is outside the fidelity range [${fidelity.min}, ${fidelity.max}]`);
  }
  if (fidelity.max === fidelity.min) return 0;
  return Math.log(fidelity.max / budget) / Math.log(fidelity.max / fidelity.min);
}

/** Standard normal draw (Box-Muller), the same two draws as benchmarks/problems. */
function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function grid(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : i / (n - 1)));
}

function zdtG(x: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < x.length; i++) sum += x[i];
  return 1 + (9 * sum) / (x.length - 1);
}

function zdt3F2(f1: number, g: number): number {
  return g * (1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1));
}

interface Definition {
  objectiveCount: number;
  minimumDimension: number;
  trueObjectives: (x: readonly number[]) => number[];
  front: () => number[][];
  /** Closed-form hypervolume of the true front against the reference point, when known. */
  exactHypervolume?: number;
}

const REFERENCE_2D = [1.1, 1.1];
const REFERENCE_3D = [1.1, 1.1, 1.1];
/** Points of the sampled true fronts (IGD+ reference sets). */
const FRONT_POINTS_2D = 500;
const FRONT_SIDE_3D = 30;

const DEFINITIONS: Record<AnalyticProblemName, Definition> = {
  zdt1: {
    objectiveCount: 2,
    minimumDimension: 2,
    trueObjectives: (x) => {
      const g = zdtG(x);
      return [x[0], g * (1 - Math.sqrt(x[0] / g))];
    },
    front: () => grid(FRONT_POINTS_2D).map((f1) => [f1, 1 - Math.sqrt(f1)]),
    exactHypervolume: 1.21 - 1 / 3,
  },
  zdt2: {
    objectiveCount: 2,
    minimumDimension: 2,
    trueObjectives: (x) => {
      const g = zdtG(x);
      return [x[0], g * (1 - (x[0] / g) ** 2)];
    },
    front: () => grid(FRONT_POINTS_2D).map((f1) => [f1, 1 - f1 * f1]),
    exactHypervolume: 1.21 - 2 / 3,
  },
  zdt3: {
    objectiveCount: 2,
    minimumDimension: 2,
    trueObjectives: (x) => [x[0], zdt3F2(x[0], zdtG(x))],
    // The non-dominated part of g = 1 (five pieces), sampled densely.
    front: () => {
      const dense = grid(20 * FRONT_POINTS_2D).map((f1) => [f1, zdt3F2(f1, 1)]);
      return nonDominatedSort(dense)[0].map((i) => dense[i]);
    },
  },
  dtlz2: {
    objectiveCount: 3,
    minimumDimension: 3,
    trueObjectives: (x) => {
      let g = 0;
      for (let i = 2; i < x.length; i++) g += (x[i] - 0.5) ** 2;
      const a = (x[0] * Math.PI) / 2;
      const b = (x[1] * Math.PI) / 2;
      return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
    },
    // The positive octant of the unit sphere, a grid in the two angles.
    front: () => {
      const points: number[][] = [];
      for (const u of grid(FRONT_SIDE_3D)) {
        for (const v of grid(FRONT_SIDE_3D)) {
          const a = (u * Math.PI) / 2;
          const b = (v * Math.PI) / 2;
          points.push([Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)]);
        }
      }
      return points;
    },
    // The box 1.1³ minus the octant of the unit ball.
    exactHypervolume: 1.331 - Math.PI / 6,
  },
};

/** ZDT1, ZDT2, ZDT3 or DTLZ2 with the fidelity of docs/benchmark-problems.md; reference point 1.1 per objective. */
export function analyticProblem(name: AnalyticProblemName, options: AnalyticProblemOptions = {}): AnalyticProblem {
  const definition = DEFINITIONS[name];
  if (!definition) throw new Error(`analytic problem: unknown name ${JSON.stringify(name)} (known: ${ANALYTIC_PROBLEM_NAMES.join(', ')})`);
  const { dimension = 6, secondsPerEpoch = 1 } = options;
  if (!Number.isInteger(dimension) || dimension < definition.minimumDimension) {
    throw new Error(`${name}: dimension must be an integer >= ${definition.minimumDimension}, got ${dimension}`);
  }
  if (!(secondsPerEpoch > 0)) throw new Error(`${name}: secondsPerEpoch must be a positive number, got ${secondsPerEpoch}`);
  const objectives: ObjectiveSpec[] = Array.from({ length: definition.objectiveCount }, (_, i) => ({ name: `f${i + 1}`, direction: 'minimize' }));
  const referencePoint = definition.objectiveCount === 2 ? REFERENCE_2D : REFERENCE_3D;
  const hyperparameters: Record<string, { type: 'float'; lower: number; upper: number; default: number }> = {};
  for (let i = 0; i < dimension; i++) hyperparameters[`x${i}`] = { type: 'float', lower: 0, upper: 1, default: 0.5 };
  // Each objective's low-fidelity bias pulls towards its own decoy optimum, fixed per problem.
  const decoys = objectives.map((_, i) => {
    const rng = seedrandom(`${name}|decoy|${i}`);
    return Array.from({ length: dimension }, () => rng());
  });
  let space: Space | undefined;
  let front: number[][] | undefined;
  let frontVolume: number | undefined;
  const variables = (config: Configuration): number[] =>
    Array.from({ length: dimension }, (_, i) => {
      const v = config[`x${i}`];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${name}: x${i} must be a number in [0, 1], got ${String(v)}`);
      return v;
    });
  const problem: AnalyticProblem = {
    name,
    dimension,
    objectives,
    fidelity: ANALYTIC_FIDELITY,
    referencePoint,
    secondsPerEpoch,
    space: () => (space ??= Space.fromJSON({ hyperparameters })),
    trueObjectives: definition.trueObjectives,
    evaluate(config: Configuration, budget: number): BenchmarkEvaluation {
      const gap = analyticFidelityGap(budget);
      const x = variables(config);
      const f = definition.trueObjectives(x);
      const noise = seedrandom(`${name}|${problem.space().configId(config)}|${budget}`);
      const values: Record<string, number> = {};
      objectives.forEach((o, i) => {
        let bias = 0;
        for (let j = 0; j < dimension; j++) bias += (x[j] - decoys[i][j]) ** 2;
        bias = (ANALYTIC_BIAS_SCALE * bias) / dimension;
        values[o.name] = f[i] + gap * bias + gap * ANALYTIC_NOISE_SCALE * gaussian(noise);
      });
      return { status: 'ok', values };
    },
    trueFront: () => (front ??= definition.front()),
    trueHypervolume: () => (frontVolume ??= definition.exactHypervolume ?? hypervolume(problem.trueFront().map((p) => [...p]), referencePoint)),
  };
  return problem;
}
