// Public surface of lib/results: a study folder read without its lock (live), exported, and analysed for the dashboard.
export { readStudySnapshot, DEFAULT_TRIAL_FILE, BASELINES_FILE } from './read.js';
export type { StudySnapshot } from './read.js';
export { exportTrials, trialRows } from './export.js';
export type { ExportFormat, ExportTrialsOptions, ExportedTrials, TrialRow, Cell } from './export.js';
export { frontsByBudget, hypervolumeHistory, parameterImportance, curvesOverRungs, chooseModel, retrainCommand, MIN_IMPORTANCE_TRIALS } from './analysis.js';
export type { BudgetFront, HypervolumeHistoryPoint, ParameterImportance, ConfigurationCurve, ModelChoice } from './analysis.js';
export { paretoSpec, hypervolumeSpec, curvesSpec, parallelSpec, importanceSpec, compareSpec } from './charts.js';
export type { VegaLiteSpec, ParetoPoint } from './charts.js';
export { studyView, compareChart } from './view.js';
export type { StudyView } from './view.js';
export { CHART_ASSETS, chartAssetPath } from './assets.js';
export type { ChartAssetName } from './assets.js';
