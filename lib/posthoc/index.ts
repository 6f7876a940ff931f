// Public surface of lib/posthoc (after the search: config files, retraining, transfer evaluation, analysis).
export * from './config.js';
export * from './runs.js';
export * from './summary.js';
export * from './retrain.js';
export * from './evaluate.js';
export * from './analyze.js';
export { modelScatterSvg, groupBarsSvg, type ModelPoint } from './plots.js';
