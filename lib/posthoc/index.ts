// Public surface of lib/posthoc (after the search: config files, retraining, transfer evaluation, analysis);
// re-exported by lib/index.ts. docs/workflow.md describes the workflow and the run folder layout.
export * from './config.js';
export { MetricLog, METRIC_KEYS, RUN_FILES, findRunFolders, modelLabel, readMetricLog, readRunConfig, readRunResult } from './runs.js';
export type { EpochMetrics, RunConfig, RunKind, RunResult, SplitEvaluation } from './runs.js';
export * from './summary.js';
// retrain, evaluateTransfer and analyze live beside search() in lib/workflows (search -> retrain -> evaluate -> analyze
// in one folder); re-exported here so that imports of lib/posthoc keep working.
export * from '../workflows/retrain.js';
export * from '../workflows/evaluate.js';
export * from '../workflows/analyze.js';
export { modelScatterSvg, groupBarsSvg, type ModelPoint } from './plots.js';
