// Public surface of lib/posthoc (after the search: config files, retraining, transfer evaluation, analysis);
// re-exported by lib/index.ts. docs/workflow.md describes the workflow and the run folder layout.
export * from './config.js';
export { MetricLog, METRIC_KEYS, RUN_FILES, findRunFolders, modelLabel, readMetricLog, readRunConfig, readRunResult } from './runs.js';
export type { EpochMetrics, RunConfig, RunKind, RunResult, SplitEvaluation } from './runs.js';
export * from './summary.js';
export * from './retrain.js';
export * from './evaluate.js';
export * from './analyze.js';
export { modelScatterSvg, groupBarsSvg, type ModelPoint } from './plots.js';
