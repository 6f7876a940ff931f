// Public surface of lib/distributed (opt-in backend: a study's trials evaluated by workers on many machines through
// Redis + BullMQ); re-exported by lib/index.ts.
export { runCoordinator, defaultStudyName, type CoordinatorOptions, type CoordinatorResult, type TrialTiming } from './coordinator.js';
export { startTrialWorker, type TrialWorker, type TrialWorkerOptions } from './worker.js';
export {
  EvaluatorRegistry,
  analyticEvaluator,
  workerEvaluators,
  faceEvaluator,
  isPlainJson,
  registerEvaluator,
  type EvaluatorFactory,
  type EvaluatorSpec,
  type JsonObject,
  type JsonValue,
  type WorkerEnvironment,
} from './evaluators.js';
export { parseTrialJob, trialJobId, trialQueueName, type TrialJobData, type TrialJobOutcome } from './jobs.js';
export {
  DistributedError,
  checkRedis,
  maskRedisUrl,
  parseRedisUrl,
  persistenceWarnings,
  type RedisConnectionSettings,
  type RedisPersistence,
} from './redis-url.js';
export { coordinateSearch, type DistributedSearchOptions, type DistributedSearchOutcome } from './search.js';
