import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeSearchReport, type SearchReport } from '../report/index.js';
import type { ObjectiveSpec, SchedulerName, SearchProgress, Trial } from '../search/index.js';
import type { Space } from '../space/index.js';
import type { FaceObjectiveName, FaceTrainingDefaults } from '../train/index.js';
import { faceSearchFidelity, faceSearchPromotion, faceSearchProposer, loadSpace, type FaceStudySettings } from '../workflows/index.js';
import { runCoordinator, type CoordinatorResult, type TrialTiming } from './coordinator.js';
import { stableJson, type EvaluatorSpec, type JsonObject } from './evaluators.js';
import { DistributedError, type RedisConnectionSettings } from './redis-url.js';

/** `search()`'s options, as plain data the workers can receive, plus where the queue is. */
export interface DistributedSearchOptions extends Omit<FaceTrainingDefaults, 'maxEpochs' | 'seed'>, FaceStudySettings {
  redis: string | RedisConnectionSettings;
  /** Study folder: journal, report, and by default the shared checkpoints. Coordinating it again resumes. */
  out: string;
  /** Queue name shared with the workers; default the folder's name. */
  study?: string;
  space?: string | Space;
  /** A data spec every worker can read at the same path (e.g. `folder:/mnt/faces`); default `synthetic`. */
  data?: string;
  /** Evaluate on this other data set (a spec every worker can read), training on all of `data`: see search(). */
  evaluationData?: string;
  allowIdentityOverlap?: boolean;
  minImagesPerIdentity?: number;
  objectives?: readonly FaceObjectiveName[];
  /** Default 'asha': it never waits for a rung to fill, so no worker waits on a straggler. */
  scheduler?: SchedulerName;
  /** Trials queued or running at once; about the total concurrency of the workers (default 4). */
  inFlight?: number;
  tellOrder?: 'arrival' | 'trial-id';
  /** The shared checkpoint folder as the coordinator names it; default `<out>/checkpoints`. */
  checkpointRoot?: string;
  /** Train each trial in a worker thread on the workers (default true: keeps their event loop free to renew job locks). */
  threads?: boolean;
  /** Instead of face training: any evaluator installed on the workers (objectives then name its values). */
  evaluator?: EvaluatorSpec;
  /** Objective names for a custom evaluator (all minimised); default f1, f2. */
  evaluatorObjectives?: readonly string[];
  trialTimeout?: number;
  signal?: AbortSignal;
  onReady?: (info: { study: string; queueName: string }) => void;
  onProgress?: (progress: SearchProgress) => void;
  onTrialEnd?: (trial: Trial, timing: TrialTiming | undefined) => void;
}

export interface DistributedSearchOutcome extends CoordinatorResult {
  report: SearchReport;
  interrupted: boolean;
}

/**
 * `search()` with the trials trained by `frnas worker` processes on any machine: this process coordinates (scheduler,
 * proposer, journal in `out`), the workers train. Workers receive the training settings as data and build the same
 * evaluator `search()` builds (`faceRecognitionObjective`, seeded 222 + seed). Writes the same report when done.
 */
export async function coordinateSearch(options: DistributedSearchOptions): Promise<DistributedSearchOutcome> {
  const out = resolve(options.out);
  const space = typeof options.space === 'object' ? options.space : loadSpace(options.space ?? 'frnas-dpn');
  if (options.data !== undefined && typeof options.data !== 'string') throw new DistributedError('coordinateSearch: data must be a data spec string every worker can read');
  const fidelity = faceSearchFidelity(options);
  const proposer = faceSearchProposer(options);
  const seed = options.seed ?? 0;
  const { redis, out: _out, study, space: _space, data, objectives: faceObjectives, scheduler, proposer: _proposer, proposerData: _proposerData, trainingData: _trainingData, promotion, minEpochs: _min, maxEpochs: _max, eta: _eta,
    trials, budget, seconds, maxConsecutiveFailures, seed: _seed, inFlight, tellOrder, checkpointRoot, threads, evaluator, evaluatorObjectives, trialTimeout, signal,
    onReady, onProgress, onTrialEnd, ...training } = options;
  let spec: EvaluatorSpec;
  let objectiveNames: readonly string[];
  if (evaluator) {
    objectiveNames = evaluatorObjectives ?? ['f1', 'f2'];
    // A command trainer learns the study's objectives and seed from the job (its command is the worker's own).
    spec = evaluator.name === 'command' ? { name: 'command', options: { objectives: [...objectiveNames], seed, ...(evaluator.options ?? {}) } } : evaluator;
  } else {
    objectiveNames = faceObjectives ?? ['error', 'rank_disparity'];
    const faceOptions: JsonObject = JSON.parse(stableJson({ ...training, data: data ?? 'synthetic', maxEpochs: fidelity.max, objectives: objectiveNames, seed: 222 + seed, threads: threads ?? true })) as JsonObject;
    spec = { name: 'face', options: faceOptions };
  }
  const objectives: ObjectiveSpec[] = objectiveNames.map((name) => ({ name, direction: 'minimize' }));
  const stop = { trials, budget, seconds, when: () => signal?.aborted === true };
  if (stop.trials === undefined && stop.budget === undefined && stop.seconds === undefined) stop.trials = 20;
  await mkdir(out, { recursive: true });
  const result = await runCoordinator({
    space,
    objectives,
    fidelity,
    scheduler: scheduler ?? 'asha',
    proposer,
    promotion: faceSearchPromotion({ scheduler: scheduler ?? 'asha', promotion }),
    seed,
    redis,
    directory: out,
    study,
    evaluator: spec,
    stop,
    inFlight,
    tellOrder,
    checkpointRoot,
    trialTimeout,
    maxConsecutiveFailures,
    signal,
    onReady,
    onProgress,
    onTrialEnd,
  });
  const report = await writeSearchReport({
    trials: result.trials,
    objectives,
    outDir: join(out, 'report'),
    title: `frnas distributed search (${space.name ?? 'space'})`,
    defaultConfigId: space.configId(space.defaultConfiguration()),
  });
  return { ...result, report, interrupted: signal?.aborted === true };
}
