// Per-run metrics (hypervolume against epochs, final HV, IGD+) and their aggregation over seeds (median, IQR).
import { quantileSorted } from 'simple-statistics';
import { hypervolume, igdPlus, nonDominatedSort } from '../pareto/index.js';
import type { TrialRecord } from './runner.js';
import type { BenchmarkProblem } from './problem.js';

/** Hypervolume after each finished trial. */
export interface HypervolumePoint {
  epochs: number;
  time: number;
  hypervolume: number;
}

export interface RunMetrics {
  library: string;
  problem: string;
  method: string;
  seed: number;
  budgetEpochs: number;
  trace: HypervolumePoint[];
  /** Hypervolume of the results within the budget (a trial finishing past it does not count). */
  finalHypervolume: number;
  hypervolumeAt25: number;
  hypervolumeAt50: number;
  /** finalHypervolume / hypervolume of the true front. */
  hypervolumeRatio: number;
  /** IGD+ of the final front against the true front (Infinity when nothing is inside the objective space yet). */
  igdPlus: number;
  /** Trials that trained something within the budget (ok + failed). */
  evaluations: number;
  failed: number;
  /** Proposals the table does not hold (Optuna only: frnas forbids them in the space). */
  infeasible: number;
  epochsSpent: number;
  simulatedSeconds: number;
  /** Final non-dominated points (ok results at the full budget). */
  front: number[][];
}

/** The problem facts the metrics need. */
export type MetricsProblem = Pick<BenchmarkProblem, 'name' | 'objectives' | 'fidelity' | 'referencePoint' | 'trueFront' | 'trueHypervolume'>;

/**
 * Metrics of one run's records (in arrival order). Only ok results at the problem's full budget count: results at
 * lower budgets are not comparable (docs/search.md, "paretoFront").
 */
export function runMetrics(records: readonly TrialRecord[], problem: MetricsProblem, budgetEpochs: number): RunMetrics {
  if (records.length === 0) throw new Error(`runMetrics(${problem.name}): no trials`);
  const first = records[0];
  const directions = problem.objectives.map((o) => o.direction);
  const reference = [...problem.referencePoint];
  let front: number[][] = [];
  let volume = 0;
  const trace: HypervolumePoint[] = [];
  let evaluations = 0;
  let failed = 0;
  let infeasible = 0;
  let epochsSpent = 0;
  let simulatedSeconds = 0;
  for (const r of records) {
    if (r.epochsSpent > budgetEpochs) break;
    epochsSpent = r.epochsSpent;
    simulatedSeconds = r.finishTime;
    if (r.status === 'infeasible') {
      infeasible++;
      continue;
    }
    evaluations++;
    if (r.status === 'failed') failed++;
    if (r.status === 'ok' && r.budget === problem.fidelity.max) {
      if (r.values.length !== problem.objectives.length) {
        throw new Error(`${problem.name}/${r.library}/${r.method}/seed ${r.seed}: trial ${r.trial} has ${r.values.length} objective values, expected ${problem.objectives.length}`);
      }
      // Keep only the non-dominated set: the hypervolume is the same and the next one is cheaper.
      const candidates = [...front, r.values];
      front = nonDominatedSort(candidates, directions)[0].map((i) => candidates[i]);
      volume = hypervolume(front, reference, directions);
    }
    trace.push({ epochs: r.epochsSpent, time: r.finishTime, hypervolume: volume });
  }
  const trueVolume = problem.trueHypervolume();
  return {
    library: first.library,
    problem: problem.name,
    method: first.method,
    seed: first.seed,
    budgetEpochs,
    trace,
    finalHypervolume: volume,
    hypervolumeAt25: hypervolumeAt(trace, 0.25 * budgetEpochs),
    hypervolumeAt50: hypervolumeAt(trace, 0.5 * budgetEpochs),
    hypervolumeRatio: trueVolume > 0 ? volume / trueVolume : 0,
    igdPlus: igdPlus(front, problem.trueFront().map((p) => [...p]), directions),
    evaluations,
    failed,
    infeasible,
    epochsSpent,
    simulatedSeconds,
    front,
  };
}

/** Hypervolume reached with at most `epochs` spent (0 before the first result). */
export function hypervolumeAt(trace: readonly HypervolumePoint[], epochs: number): number {
  let value = 0;
  for (const p of trace) {
    if (p.epochs > epochs) break;
    value = p.hypervolume;
  }
  return value;
}

/** Epochs at which the trace first reaches `target`, or Infinity. */
export function epochsToReach(trace: readonly HypervolumePoint[], target: number): number {
  for (const p of trace) if (p.hypervolume >= target) return p.epochs;
  return Infinity;
}

/** Median and inter-quartile range (simple-statistics' quantiles; Infinity sorts last). */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
}

export function quartiles(values: readonly number[]): Spread {
  if (values.length === 0) return { median: NaN, q1: NaN, q3: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  // simple-statistics interpolates between neighbours; Infinity − Infinity would give NaN, so handle it.
  const at = (p: number): number => {
    const v = quantileSorted(sorted, p);
    return Number.isNaN(v) ? Infinity : v;
  };
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
}

/** One method on one problem, over its seeds. */
export interface MethodSummary {
  library: string;
  problem: string;
  method: string;
  seeds: number;
  budgetEpochs: number;
  finalHypervolume: Spread;
  hypervolumeAt25: Spread;
  hypervolumeAt50: Spread;
  hypervolumeRatio: Spread;
  igdPlus: Spread;
  evaluations: Spread;
  simulatedSeconds: Spread;
  /** Median, first and third quartile of the hypervolume at `points` evenly spaced epochs (0…budget). */
  curve: { epochs: number; median: number; q1: number; q3: number }[];
  runs: RunMetrics[];
}

export function summarizeMethod(runs: readonly RunMetrics[], curvePoints = 50): MethodSummary {
  if (runs.length === 0) throw new Error('summarizeMethod: no runs');
  const { library, problem, method, budgetEpochs } = runs[0];
  const of = (pick: (r: RunMetrics) => number): Spread => quartiles(runs.map(pick));
  const curve = Array.from({ length: curvePoints + 1 }, (_, i) => {
    const epochs = (budgetEpochs * i) / curvePoints;
    return { epochs, ...quartiles(runs.map((r) => hypervolumeAt(r.trace, epochs))) };
  });
  return {
    library,
    problem,
    method,
    seeds: runs.length,
    budgetEpochs,
    finalHypervolume: of((r) => r.finalHypervolume),
    hypervolumeAt25: of((r) => r.hypervolumeAt25),
    hypervolumeAt50: of((r) => r.hypervolumeAt50),
    hypervolumeRatio: of((r) => r.hypervolumeRatio),
    igdPlus: of((r) => r.igdPlus),
    evaluations: of((r) => r.evaluations),
    simulatedSeconds: of((r) => r.simulatedSeconds),
    curve,
    runs: [...runs],
  };
}

/** Median over seeds of the epochs at which a method first reaches `target` (Infinity when the median seed never does). */
export function medianEpochsToReach(summary: MethodSummary, target: number): { median: number; reached: number } {
  const epochs = summary.runs.map((r) => epochsToReach(r.trace, target));
  return { median: quartiles(epochs).median, reached: epochs.filter(Number.isFinite).length };
}
