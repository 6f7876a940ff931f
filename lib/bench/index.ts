// Public surface of lib/bench; re-exported by lib/index.ts.
export { objectiveVector, type BenchmarkEvaluation, type BenchmarkProblem } from './problem.js';
export {
  ANALYTIC_BIAS_SCALE,
  ANALYTIC_FIDELITY,
  ANALYTIC_NOISE_SCALE,
  ANALYTIC_PROBLEM_NAMES,
  analyticFidelityGap,
  analyticProblem,
  type AnalyticProblem,
  type AnalyticProblemName,
  type AnalyticProblemOptions,
} from './problems/analytic.js';
export {
  FRNAS_PHASE1_DEFAULT_PATH,
  FRNAS_PHASE1_DISPARITIES,
  FRNAS_PHASE1_EPOCHS,
  FRNAS_PHASE1_REFERENCE,
  frnasPhase1Problem,
  readFrnasPhase1Table,
  type FrnasPhase1Disparity,
  type FrnasPhase1Options,
  type FrnasPhase1Problem,
  type FrnasPhase1Row,
} from './problems/frnas-phase1.js';
export { runSimulated, type BenchmarkMethod, type SimulatedRunOptions, type TrialRecord } from './runner.js';
export { TRIAL_RECORD_COLUMNS, readTrialRecords, trialRecordsCsv, writeTrialRecords } from './records.js';
export {
  epochsToReach,
  hypervolumeAt,
  medianEpochsToReach,
  runMetrics,
  quartiles,
  summarizeMethod,
  type HypervolumePoint,
  type MethodSummary,
  type MetricsProblem,
  type RunMetrics,
  type Spread,
} from './metrics.js';
export {
  BENCHMARK_SUITE_NAMES,
  DEFAULT_BENCHMARK_METHODS,
  BENCHMARK_METHOD_CATALOG,
  ONE_WORKER_BENCHMARK_METHODS,
  YAHPO_BENCHMARK_METHOD_NAMES,
  FRNAS_PHASE1_BUDGET_EPOCHS,
  SYNTHETIC_BUDGET_EPOCHS,
  runBenchmarkSuite,
  seedList,
  suiteProblems,
  type BenchmarkSuiteName,
  type RunSuiteOptions,
  type SuiteProblem,
  type SuiteProblemOptions,
} from './suite.js';
export { FIDELITY_GOAL_SHARE, goalLines, summarizeRecords, writeBenchmarkReport, type BenchmarkReport, type BenchmarkReportOptions } from './report.js';
export { runBench, type BenchOptions } from './bench.js';
export {
  YAHPO_DEFAULT_DIR,
  YAHPO_SCENARIOS,
  yahpoProblem,
  yahpoTargets,
  type YahpoProblem,
  type YahpoProblemOptions,
  type YahpoScenario,
} from './problems/yahpo.js';
export {
  YAHPO_BUDGET_EVALUATIONS,
  YAHPO_FAIRNESS_PAIR,
  yahpoEntryName,
  yahpoSuiteEntries,
  yahpoSuiteProblems,
  type YahpoSuiteEntry,
} from './problems/yahpo-suite.js';
