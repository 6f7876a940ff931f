import { mean, sampleStandardDeviation } from 'simple-statistics';
import { METRIC_KEYS, type RunKind, type RunResult, type SplitEvaluation } from './runs.js';

/** Mean and sample standard deviation over seeds (std 0 for a single seed). */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  if (values.length === 0) return { mean: NaN, std: NaN, n: 0 };
  return { mean: mean([...values]), std: values.length > 1 ? sampleStandardDeviation([...values]) : 0, n: values.length };
}

export type MetricName = (typeof METRIC_KEYS)[number];

/** One model over its seeds on one split. */
export interface SplitSummary {
  metrics: Record<MetricName, MeanStd>;
  /** Rank-1 accuracy per protected group. */
  groupAccuracy: Record<string, MeanStd>;
}

export interface ModelSummary {
  model: string;
  kind: RunKind;
  configId: string;
  /** Seeds that gave a result: every mean is over these (n = seeds.length). */
  seeds: number[];
  /** Seeds whose run failed (no result; retrain runs them again next time). */
  failedSeeds: number[];
  validation: SplitSummary;
  test: SplitSummary;
}

/** Mean ± std of every metric and group accuracy over `evaluations` (one per seed). */
export function summarizeSplit(evaluations: readonly SplitEvaluation[]): SplitSummary {
  const metrics = Object.fromEntries(METRIC_KEYS.map((k) => [k, meanStd(evaluations.map((e) => e.metrics[k]))])) as Record<MetricName, MeanStd>;
  const groups = [...new Set(evaluations.flatMap((e) => Object.keys(e.perGroup)))].sort();
  const groupAccuracy = Object.fromEntries(groups.map((g) => [g, meanStd(evaluations.flatMap((e) => (e.perGroup[g] ? [e.perGroup[g].accuracy] : [])))]));
  return { metrics, groupAccuracy };
}

/** A run that gave no result, as summarizeRuns counts it. */
export type FailedRun = Pick<RunResult, 'model' | 'kind' | 'configId' | 'seed'>;

/**
 * Groups run results by model (kind + name + configuration) and summarises each over its seeds, with the seeds of
 * `failed` runs counted beside them (a model whose every run failed has n = 0 and NaN means).
 */
export function summarizeRuns(results: readonly RunResult[], failed: readonly FailedRun[] = []): ModelSummary[] {
  const keyOf = (r: FailedRun): string => `${r.kind}\u0000${r.model}\u0000${r.configId}`;
  const byModel = new Map<string, { first: FailedRun; runs: RunResult[]; failedSeeds: number[] }>();
  const entry = (r: FailedRun): { first: FailedRun; runs: RunResult[]; failedSeeds: number[] } => {
    const found = byModel.get(keyOf(r)) ?? { first: r, runs: [], failedSeeds: [] };
    byModel.set(keyOf(r), found);
    return found;
  };
  for (const r of results) entry(r).runs.push(r);
  for (const r of failed) entry(r).failedSeeds.push(r.seed);
  return [...byModel.values()]
    .map(({ first, runs, failedSeeds }) => {
      const sorted = [...runs].sort((a, b) => a.seed - b.seed);
      return {
        model: first.model,
        kind: first.kind,
        configId: first.configId,
        seeds: sorted.map((r) => r.seed),
        failedSeeds: [...failedSeeds].sort((a, b) => a - b),
        validation: summarizeSplit(sorted.map((r) => r.validation)),
        test: summarizeSplit(sorted.map((r) => r.test)),
      };
    })
    .sort((a, b) => (a.kind === b.kind ? a.model.localeCompare(b.model) : a.kind === 'searched' ? -1 : 1));
}
