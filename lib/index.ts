// The root of the frnas package: the user-facing names only — what README, docs and examples use and every name an issue
// listed under "Public API". Everything else lives in the subpath of its concept, each one lib/<concept>/index.ts:
//   frnas/space        lib/space/index.ts        search spaces, hyperparameters, conditions, forbiddens, typed configurations
//   frnas/search       lib/search/index.ts       optimize, Study (ask/tell, enqueue, addTrial), schedulers, proposers, journal
//   frnas/pareto       lib/pareto/index.ts       non-dominated sorting, crowding, hypervolume, indicators
//   frnas/fairness     lib/fairness/index.ts     rank-by-identity, fairness reports, bootstrap intervals, verification
//   frnas/data         lib/data/index.ts         face data sets, loaders, decoding, synthetic faces
//   frnas/train        lib/train/index.ts        the face trainer, objectives, evaluation, checkpoints
//   frnas/report       lib/report/index.ts       search reports and SVG plots
//   frnas/distributed  lib/distributed/index.ts  Redis + BullMQ coordinator and workers
//   frnas/bench        lib/bench/index.ts        benchmark problems, simulated runs, the suite
// A new public name goes into its concept's index.ts; it goes here too only when users of the whole product need it.
// docs/api.md is generated from these entry points (npm run api-docs) and a test fails when it is out of date.
// Importing this file must not load TensorFlow.js, sharp or BullMQ: each is loaded by the first call that needs it
// (test/package-lazy.test.ts).

// Space
export {
  Space, SpaceError, FloatHyperparameter, IntegerHyperparameter, CategoricalHyperparameter, OrdinalHyperparameter, ConstantHyperparameter,
  EqualsCondition, NotEqualsCondition, InCondition, GreaterThanCondition, LessThanCondition, AndConjunction, OrConjunction,
  ForbiddenEqualsClause, ForbiddenInClause, ForbiddenAndConjunction, ForbiddenRelation, configurationId, typedConfig, TypedConfiguration,
} from './space/index.js';
export type { Configuration, HyperparameterValue, SpaceJSON, ConfigSpaceJSON } from './space/index.js';

// Search
export {
  optimize, Study, StudyError, JournalError, JOURNAL_FILE, MemoryStorage, JournalStorage, frontAtHighestBudget,
  RandomProposer, RandomForestProposer, TpeProposer, Nsga2Proposer, RandomScheduler, SuccessiveHalving, Hyperband, Asha,
} from './search/index.js';
export type {
  Evaluate, EvaluationContext, EvaluationResult, OptimizeOptions, OptimizeResult, SearchProgress, StopRules, StudyOptions, OpenStudyOptions,
  ObjectiveSpec, Fidelity, Trial, TrialStatus, TrialResult, KnownTrial, Proposer, Scheduler, ProposerName, SchedulerName, ConstraintsFunction,
} from './search/index.js';

// Pareto and fairness
export { nonDominatedSort, paretoFront, crowdingDistance, hypervolume, igd, igdPlus } from './pareto/index.js';
export type { ObjectiveDirection } from './pareto/index.js';
export { rankByIdentity, fairnessReport, bootstrapFairness, pairedBootstrapDifference, pairedBootstrapMeanDifference, compareWithIntervals, compareDifferences, groupMetricFrame, verificationByGroup } from './fairness/index.js';
export type { FairnessReport, FairnessReportInput, FairnessIntervals } from './fairness/index.js';

// TensorFlow.js backend (tf is loaded on first use)
export { tf, initBackend, activeBackend, describeBackend } from './backend/index.js';
export type { BackendName } from './backend/index.js';

// Face data, models, training
export { loadFaceDataset, FaceDataset, syntheticFaces, DataError } from './data/index.js';
export type { LoadOptions, SyntheticFaceOptions } from './data/index.js';
export { dpnScales, backboneNames, registerBackbone } from './models/index.js';
export {
  faceRecognitionObjective, trainConfiguration, RECOMMENDED_FACE_TRAINING, loadFaceArrays, pixelEmbeddings, evaluateEmbeddings,
  trainingConfigs, createTrainingConfigs,
} from './train/index.js';
export type { FaceRecognitionObjectiveOptions, TrainConfigurationOptions, FaceTrainingResult, FaceMetrics } from './train/index.js';

// Workflows: search -> report -> retrain -> evaluate -> analyze (the CLI wraps each one)
export { search, report, loadSpace, bundledSpacesDir, realFaceStudy } from './workflows/index.js';
export type { SearchOptions, SearchOutcome, RealFaceStudyOptions, RealFaceStudyOutcome } from './workflows/index.js';
export { writeSearchReport } from './report/index.js';
export type { SearchReport, SearchReportOptions } from './report/index.js';
export { retrain, evaluateTransfer, analyze, loadFrnasConfig, writeConfigTemplate, ConfigError } from './posthoc/index.js';

// Distributed search and benchmarks
export { runCoordinator, startTrialWorker, registerEvaluator, coordinateSearch } from './distributed/index.js';
export type { CoordinatorOptions, TrialWorkerOptions, DistributedSearchOptions } from './distributed/index.js';
export { runBench, yahpoProblem } from './bench/index.js';
export type { YahpoProblemOptions } from './bench/index.js';

// Results: a study read live, exported, and served as a dashboard (docs/dashboard.md)
export { exportTrials, readStudySnapshot } from './results/index.js';
export type { ExportFormat, ExportTrialsOptions, ExportedTrials, StudySnapshot } from './results/index.js';
export { startDashboard } from './dashboard/index.js';
export type { Dashboard, DashboardOptions } from './dashboard/index.js';

// Command trials: the user's own trainer as a command (docs/command-trials.md)
export { commandObjective, stopRunningCommands } from './command/index.js';
export type { CommandObjectiveOptions, CommandTrialFile, CommandEpochReport } from './command/index.js';

export { version } from './version.js';
