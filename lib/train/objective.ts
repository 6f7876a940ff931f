import { activeBackend, initBackend, type BackendName } from '../backend/index.js';
import type { EvaluationContext, EvaluationResult } from '../search/index.js';
import type { Configuration } from '../space/types.js';
import { evaluateEmbeddings, pixelEmbeddings, type FaceMetrics } from './evaluation.js';
import type { StreamingFaceData } from './streaming.js';
import type { EpochReport, FaceTrainingSpec } from './trainer.js';
import { runTrialInWorker, shareTrainingData } from './worker-trials.js';
import { dataPreparationOf, loadEvaluationArrays, prepareFaceData, resolveTrainingSpec, runFaceTraining, type FaceDataPreparation, type FaceTrainingData, type FaceTrainingDataSource, type FaceTrainingDefaults, type FaceTrainingResult } from './run.js';

/** Objective names a face-recognition trial can report (all minimised). */
export type FaceObjectiveName = 'error' | 'disparity' | 'rank_disparity' | 'ratio' | 'rank_ratio' | 'error_ratio' | 'mean_rank';

const metricOf: Record<FaceObjectiveName, Exclude<keyof FaceMetrics, 'intervals'>> = {
  error: 'error',
  disparity: 'disparity',
  rank_disparity: 'rankDisparity',
  ratio: 'ratio',
  rank_ratio: 'rankRatio',
  error_ratio: 'errorRatio',
  mean_rank: 'meanRank',
};

export interface FaceRecognitionObjectiveOptions extends FaceTrainingDefaults, Omit<FaceDataPreparation, 'imageSize' | 'channels'> {
  dataset: FaceTrainingDataSource;
  /** The search's maximum budget in epochs: the schedule's length, so promotions continue exactly. */
  maxEpochs: number;
  /** Objectives returned as the trial's values; default FR-NAS's ['error', 'rank_disparity']. */
  objectives?: readonly FaceObjectiveName[];
  /** Ignore checkpoints and train every trial from scratch. */
  restart?: boolean;
  /** Checkpoint after every epoch too (default true): a trial re-run after a crash or timeout continues from its last epoch. */
  checkpointEveryEpoch?: boolean;
  /** Backend to initialise before the first trial. */
  backend?: BackendName;
  referenceGroups?: readonly [string, string];
  /** Per-epoch figures of every trial (loss, seconds, learning rate), also from worker threads. */
  onEpoch?: (report: EpochReport, context: EvaluationContext) => void;
  /**
   * Run each trial in its own worker thread, so the engine's parallel trials train on separate cores
   * (wasm is single-threaded in Node). The data are loaded once and shared with the threads.
   */
  workerThreads?: boolean;
  /**
   * @deprecated Use `workerThreads` (renamed so that `workers` means only a number of concurrent trials / BullMQ
   * workers); still read when `workerThreads` is left out.
   */
  workers?: boolean;
}

/**
 * Raw pixels as the embedding (each preprocessed image flattened and L2-normalised), evaluated like a trained model on
 * the same evaluation images with the same preprocessing as `defaults` gives a trial: the floor a trained model must
 * beat. Returns the objectives' values and every metric (with identity-bootstrap intervals) as attributes.
 */
export async function pixelBaseline(
  options: FaceTrainingDefaults & Omit<FaceDataPreparation, 'imageSize' | 'channels'> & { dataset: FaceTrainingDataSource; objectives?: readonly FaceObjectiveName[]; referenceGroups?: readonly [string, string] },
): Promise<{ values: Record<string, number>; attributes: Record<string, unknown> }> {
  const spec = resolveTrainingSpec({}, options, 1);
  const evaluation = await loadEvaluationArrays(options.dataset, dataPreparationOf(spec, options));
  const result = evaluateEmbeddings(pixelEmbeddings(evaluation), evaluation.size * evaluation.size * evaluation.channels, evaluation, options.referenceGroups);
  const values: Record<string, number> = {};
  for (const name of options.objectives ?? ['error', 'rank_disparity']) values[name] = result.metrics[metricOf[name]];
  return { values, attributes: { ...result.metrics, perGroup: result.perGroup, imageSize: spec.imageSize, channels: spec.channels, centerFraction: spec.centerFraction ?? 1 } };
}

/** Epochs for a budget: SMAC-style truncation (2.5 -> 2), at least 1. */
export function epochsOfBudget(budget: number): number {
  if (!(budget > 0) || !Number.isFinite(budget)) throw new Error(`budget must be a positive number of epochs, got ${budget}`);
  return Math.max(1, Math.floor(budget));
}

/**
 * Turns a training result into what the search engine records: objectives, cost, attributes. The attributes
 * hold every metric, and `intervals` (identity-bootstrap intervals keyed by metric name, e.g.
 * `intervals.metrics.rankDisparity`) when the evaluation computed them, so the search journal keeps them.
 */
export function trialResult(result: FaceTrainingResult, objectives: readonly FaceObjectiveName[], backend?: string): EvaluationResult {
  const values: Record<string, number> = {};
  for (const name of objectives) {
    const key = metricOf[name];
    if (!key) throw new Error(`unknown objective "${name}" (expected ${Object.keys(metricOf).join(', ')})`);
    values[name] = result.metrics[key];
  }
  const lastLoss = result.history.at(-1)?.loss;
  const { intervals, ...metrics } = result.metrics;
  return {
    ...values,
    cost: { seconds: result.seconds, budget: result.epochsTrained },
    attributes: {
      ...metrics,
      ...(intervals ? { intervals } : {}),
      perGroup: result.perGroup,
      epochs: result.epochs,
      epochsTrained: result.epochsTrained,
      resumedFrom: result.resumedFrom,
      trainLoss: lastLoss,
      secondsPerEpoch: result.history.length ? result.history.reduce((s, h) => s + h.seconds, 0) / result.history.length : undefined,
      trainableParameters: result.trainableParameters,
      backend,
    },
  };
}

/**
 * The data prepared for a spec's input, loaded once per (image size, channels): a searched `image_size`
 * gives each trial its own resolution. The split is the same for every size (same split seed). A load that
 * fails is forgotten, so a later trial tries again.
 */
function cached<T>(cache: Map<string, Promise<T>>, spec: FaceTrainingSpec, load: () => Promise<T>): Promise<T> {
  const key = `${spec.imageSize}x${spec.channels}x${spec.centerFraction ?? 1}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = load();
    cache.set(key, entry);
    void entry.catch(() => cache.delete(key));
  }
  return entry;
}

/**
 * The evaluator of FR-NAS trials for the search engine: `evaluate(config, budget, context)` builds the
 * configuration's network, trains it to `budget` epochs (continuing this lineage's checkpoint in
 * `context.checkpointDir` when one exists), evaluates rank-1 error and disparities on the evaluation split,
 * and returns the objectives (default error and rank_disparity), cost and every metric as attributes.
 * A diverged run throws `diverged: ...`, which the engine records as a failed trial.
 */
export function faceRecognitionObjective(
  options: FaceRecognitionObjectiveOptions,
): (config: Configuration, budget: number, context: EvaluationContext) => Promise<EvaluationResult> {
  const objectives = options.objectives ?? ['error', 'rank_disparity'];
  for (const name of objectives) if (!metricOf[name]) throw new Error(`unknown objective "${name}" (expected ${Object.keys(metricOf).join(', ')})`);
  let backendReady: Promise<unknown> | undefined;
  if (options.workerThreads !== undefined && options.workers !== undefined && options.workerThreads !== options.workers) {
    throw new Error(`faceRecognitionObjective: workerThreads (${options.workerThreads}) and its deprecated alias workers (${options.workers}) disagree; give workerThreads only`);
  }
  if (options.workerThreads ?? options.workers) {
    if (options.streaming) throw new Error('workerThreads: true needs in-memory data; streaming data sets are read in the main thread only');
    const shared = new Map<string, Promise<FaceTrainingData>>();
    return async (config, budget, context) => {
      const spec = resolveTrainingSpec(config, options, options.maxEpochs);
      const data = cached(shared, spec, () =>
        prepareFaceData(options.dataset, { ...dataPreparationOf(spec, options), streaming: false }).then(shareTrainingData),
      );
      const { result, backend } = await runTrialInWorker(
        {
          spec,
          data: await data,
          epochs: epochsOfBudget(budget),
          checkpointDir: context?.checkpointDir,
          restart: options.restart,
          checkpointEveryEpoch: options.checkpointEveryEpoch ?? true,
          backend: options.backend,
          referenceGroups: options.referenceGroups,
        },
        { signal: context?.signal, onEpoch: options.onEpoch ? (report) => options.onEpoch?.(report, context) : undefined },
      );
      return trialResult(result, objectives, backend);
    };
  }
  const prepared = new Map<string, Promise<FaceTrainingData | StreamingFaceData>>();
  return async (config, budget, context) => {
    backendReady ??= options.backend ? initBackend(options.backend) : Promise.resolve();
    await backendReady;
    const spec = resolveTrainingSpec(config, options, options.maxEpochs);
    const data = await cached(prepared, spec, () => prepareFaceData(options.dataset, dataPreparationOf(spec, options)));
    const result = await runFaceTraining(spec, data, {
      epochs: epochsOfBudget(budget),
      checkpointDir: context?.checkpointDir,
      restart: options.restart,
      checkpointEveryEpoch: options.checkpointEveryEpoch ?? true,
      signal: context?.signal,
      referenceGroups: options.referenceGroups,
      onEpoch: options.onEpoch ? (report) => options.onEpoch?.(report, context) : undefined,
    });
    return trialResult(result, objectives, activeBackend());
  };
}
