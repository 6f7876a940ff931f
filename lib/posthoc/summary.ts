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
  seeds: number[];
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

/** Groups run results by model (kind + name + configuration) and summarises each over its seeds. */
export function summarizeRuns(results: readonly RunResult[]): ModelSummary[] {
  const byModel = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.kind}\u0000${r.model}\u0000${r.configId}`;
    byModel.set(key, [...(byModel.get(key) ?? []), r]);
  }
  return [...byModel.values()]
    .map((runs) => {
      const sorted = [...runs].sort((a, b) => a.seed - b.seed);
      return {
        model: sorted[0].model,
        kind: sorted[0].kind,
        configId: sorted[0].configId,
        seeds: sorted.map((r) => r.seed),
        validation: summarizeSplit(sorted.map((r) => r.validation)),
        test: summarizeSplit(sorted.map((r) => r.test)),
      };
    })
    .sort((a, b) => (a.kind === b.kind ? a.model.localeCompare(b.model) : a.kind === 'searched' ? -1 : 1));
}
