// Public surface of lib/search; re-exported by lib/index.ts.
// Pareto functions are not re-exported here: lib/index.ts takes them from lib/pareto.
export * from './types.js';
export { paregoScalarize, randomSimplexWeights, ParEGOPromotion } from './promotion/parego.js';
export { IncrementalNonDominatedRanking, NonDominatedCrowdingPromotion, rankByNonDominationAndCrowding } from './promotion/nds-crowding.js';
export { HypervolumePromotion, rankByNonDominationAndHypervolume } from './promotion/hypervolume.js';
export type { PromotionStrategy } from './promotion/strategy.js';
export { resolvePromotion, type PromotionName } from './promotion/index.js';
export { RandomProposer } from './proposers/random.js';
export { resolveProposer, type ProposerName } from './proposers/index.js';
export * from './proposers/random-forest/index.js';
export { Nsga2Proposer, type Nsga2ProposerOptions } from './proposers/nsga2.js';
export { TpeProposer, type TpeProposerOptions, type TpeProposalInfo, splitObservations, splitByBudgetReached, type TpeSplit } from './proposers/tpe/index.js';
export { MODEL_TRAINING_DATA, type ModelTrainingData } from './proposers/training-data.js';
export { RandomScheduler } from './schedulers/random.js';
export { SuccessiveHalving } from './schedulers/successive-halving.js';
export { Hyperband } from './schedulers/hyperband.js';
export { Asha, type AshaOptions } from './schedulers/asha.js';
export { bracketShape, hyperbandBrackets, maxPromotions, successiveHalvingBrackets, type BracketShape } from './schedulers/brackets.js';
export { resolveScheduler, type SchedulerName } from './schedulers/index.js';
export { deriveRng, type Scheduler, type SchedulerSetup, type TrialPlan } from './schedulers/scheduler.js';
export type { StudyEvent, StudyStorage, HeaderEvent, AskedEvent, PromotedEvent, StartedEvent, ResultEvent } from './storage/events.js';
export { MemoryStorage } from './storage/memory.js';
export { JournalStorage, JournalError, JOURNAL_FILE, LOCK_FILE, type JournalOptions } from './storage/journal.js';
export { frontAtHighestBudget } from './front.js';
export { Study, StudyError, type StudyOptions, type OpenStudyOptions } from './study.js';
export {
  warmStart, readKnownTrialsCsv, readKnownTrialsOfStudy, WARM_START_CSV_COLUMNS, type KnownTrialsRead, type WarmStartOutcome,
} from './warm-start.js';
export {
  optimize,
  TrialTimeoutError,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  type Evaluate,
  type EvaluationContext,
  type EvaluationResult,
  type OptimizeOptions,
  type OptimizeResult,
  type SearchProgress,
  type StopRules,
} from './optimize.js';
export {
  CONSTRAINTS_ATTRIBUTE,
  constraintValues,
  constraintViolation,
  isFeasible,
  rankFeasibleFirst,
  type ConstraintsFunction,
} from './constraints.js';
