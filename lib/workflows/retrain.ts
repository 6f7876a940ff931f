import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend, type BackendName } from '../backend/index.js';
import { loadFaceDataset, type FaceDataset } from '../data/index.js';
import { recordedSearchSettings } from './search.js';
import { nonDominatedSort } from '../pareto/index.js';
import { Study, type Trial } from '../search/index.js';
import { configurationId } from '../space/index.js';
import type { Configuration } from '../space/types.js';
import {
  checkIdentityOverlap,
  classLabels,
  trainingSource,
  listCheckpoints,
  loadFaceArrays,
  resolveTrainingSpec,
  runFaceTraining,
  runTrialInWorker,
  shareTrainingData,
  faceArraysSignature,
  trainingFingerprint,
  type EpochReport,
  type FaceArrays,
  type FaceTrainingData,
  type FaceTrainingDefaults,
  type FaceTrainingResult,
  type FaceTrainingSpec,
} from '../train/index.js';
import type { SplitModeName, TrainingSettings } from '../posthoc/config.js';
import { summarizeRuns, type ModelSummary } from '../posthoc/summary.js';
import {
  MetricLog,
  modelLabel,
  readRunConfig,
  readRunResult,
  RUN_FILES,
  writeJson,
  type EpochMetrics,
  type RunConfig,
  type RunKind,
  type RunResult,
} from '../posthoc/runs.js';

/** One model to retrain: a configuration with its name and where it came from. */
export interface RetrainModel {
  model: string;
  kind: RunKind;
  config: Configuration;
  configId: string;
  origin?: RunConfig['origin'];
}

/** Train / validation / test images in memory. */
export interface RetrainData {
  train: FaceArrays;
  validation: FaceArrays;
  test: FaceArrays;
}

export interface RetrainRunsOptions extends TrainingSettings {
  models: readonly RetrainModel[];
  /**
   * Every other training default (centre crop, augmentation, head scale, loss, ...): `retrain` takes the ones the
   * search recorded, so the retrained models see images preprocessed exactly as in the search.
   */
  trainingDefaults?: FaceTrainingDefaults;
  /**
   * Evaluate on this other data set (all its images; both the validation and the test figures) and train on all of
   * `data`, instead of splitting `data`: the protocol of a search run with `evaluationData`.
   */
  evaluationData?: FaceDataset;
  evaluationDataSpec?: string;
  /** Train only on identities with at least this many images (as the search did). */
  minImagesPerIdentity?: number;
  allowIdentityOverlap?: boolean;
  /** The retrain folder: `<out>/<model folder>/seed-<s>/`. */
  out: string;
  /** A loaded data set plus the spec that loads it (recorded in config.json). */
  data: FaceDataset;
  dataSpec: string;
  seeds: readonly number[];
  /** Full budget: epochs of every run (the schedule's length). */
  epochs: number;
  /** Runs trained at once; above 1 each run trains in its own worker thread. */
  workers?: number;
  backend?: BackendName;
  /** The search's split: seed 0, validation 0.2 (the default), plus a test fraction (default 0.2). */
  splitSeed?: number;
  splitMode?: SplitModeName;
  validation?: number;
  test?: number;
  /** Evaluate on validation every this many epochs (logged in metrics.*); the last epoch always is. Default: last only. */
  evaluateEvery?: number;
  /** Per-epoch metrics of every run, for users who send them to their own tracker. */
  onEpoch?: (run: RunConfig, row: EpochMetrics) => void;
  /** Called when a run finishes (also for runs skipped because they were done). */
  onRunEnd?: (run: RunConfig, result: RunResult, skipped: boolean) => void;
  /** Called when a run fails (it has no result.json; the next retrain tries it again). */
  onRunFailed?: (run: RunConfig, error: string) => void;
  /** No new run starts once aborted; finished runs stay, partial ones continue from their checkpoint next time. */
  signal?: AbortSignal;
}

export interface RetrainOutcome {
  out: string;
  runs: { dir: string; config: RunConfig; result: RunResult; skipped: boolean }[];
  /** Mean ± std over the seeds that gave a result, per model, validation and test; `failedSeeds` beside them. */
  summary: ModelSummary[];
  /** Runs that failed (e.g. `diverged: loss NaN ...`); the others went on. Re-running retries them. */
  failures: { dir: string; model: string; kind: RunKind; configId: string; seed: number; error: string }[];
  interrupted: boolean;
}

/** Folder of one model's runs: the configuration id for searched models, `baseline-<name>` for baselines. */
export function modelFolder(model: Pick<RetrainModel, 'kind' | 'model' | 'configId'>): string {
  return model.kind === 'baseline' ? `baseline-${model.model.replace(/[^A-Za-z0-9._-]+/g, '_')}` : model.configId;
}

/**
 * Splits `data` as the search did (same seed and validation fraction) with a test part, and loads the three with the
 * search's preprocessing (size, channels, centre crop). With `evaluationData`, all of `data` trains (identities with
 * fewer than `minImagesPerIdentity` images left out) and the other data set is both validation and test.
 */
export async function prepareRetrainData(
  data: FaceDataset,
  options: {
    imageSize: number; channels: 1 | 3; centerFraction?: number; splitSeed?: number; splitMode?: SplitModeName; validation?: number; test?: number;
    evaluationData?: FaceDataset; minImagesPerIdentity?: number; allowIdentityOverlap?: boolean;
  },
): Promise<RetrainData> {
  const load = (d: FaceDataset): Promise<FaceArrays> => loadFaceArrays(d, options.imageSize, options.channels, options.centerFraction);
  if (options.evaluationData) {
    checkIdentityOverlap(data, options.evaluationData, options.allowIdentityOverlap);
    const evaluation = await load(options.evaluationData);
    return { train: await load(trainingSource(data, options.minImagesPerIdentity)), validation: evaluation, test: evaluation };
  }
  const splits = data.split(options.splitSeed ?? 0, { mode: options.splitMode, validation: options.validation ?? 0.2, test: options.test ?? 0.2 });
  return { train: await load(trainingSource(splits.train, options.minImagesPerIdentity)), validation: await load(splits.validation), test: await load(splits.test) };
}

/** Trains (or continues) one run to `epochs` on train and evaluates it on validation and test. */
type TrainCall = (spec: FaceTrainingSpec, data: FaceTrainingData, epochs: number, checkpointDir: string, onEpoch: (report: EpochReport) => void) => Promise<FaceTrainingResult>;

function inProcessTraining(): TrainCall {
  return (spec, data, epochs, checkpointDir, onEpoch) => runFaceTraining(spec, data, { epochs, checkpointDir, onEpoch });
}

function workerTraining(backend: BackendName | undefined): TrainCall {
  return async (spec, data, epochs, checkpointDir, onEpoch) => (await runTrialInWorker({ spec, data, epochs, checkpointDir, backend }, { onEpoch })).result;
}

/** Checks that an existing run folder holds the same run, so a changed setting never mixes two runs' checkpoints. */
function checkSameRun(dir: string, planned: RunConfig): void {
  const existing = readRunConfig(dir);
  const differs = (['configId', 'seed', 'epochs', 'data'] as const).filter((k) => JSON.stringify(existing[k]) !== JSON.stringify(planned[k]));
  if (JSON.stringify(existing.spec) !== JSON.stringify(planned.spec)) differs.push('spec' as never);
  if (JSON.stringify(existing.split) !== JSON.stringify(planned.split)) differs.push('split' as never);
  if (differs.length > 0) {
    throw new Error(`${join(dir, RUN_FILES.config)}: this run folder holds a different run (${differs.join(', ')} changed); use another --out or delete the folder`);
  }
}

async function trainOneRun(
  dir: string,
  run: RunConfig,
  data: RetrainData,
  train: TrainCall,
  options: Pick<RetrainRunsOptions, 'evaluateEvery' | 'onEpoch'>,
): Promise<{ result: RunResult; skipped: boolean }> {
  const done = readRunResult(dir);
  if (done) return { result: done, skipped: true };
  await mkdir(dir, { recursive: true });
  if (existsSync(join(dir, RUN_FILES.config))) checkSameRun(dir, run);
  else await writeJson(join(dir, RUN_FILES.config), run);

  const checkpointDir = join(dir, RUN_FILES.checkpoints);
  // The same fingerprint runFaceTraining looks for (spec, classes and training-data signature), so the log restarts where training will.
  const fingerprint = trainingFingerprint(run.spec, classLabels(data.train).classes, faceArraysSignature(data.train));
  const usable = (await listCheckpoints(checkpointDir)).filter((m) => m.fingerprint === fingerprint && m.epochsDone <= run.epochs);
  const resumedFrom = usable.at(-1)?.epochsDone ?? 0;
  const log = new MetricLog(dir, options.onEpoch ? (row) => options.onEpoch?.(run, row) : undefined);
  // Epochs after the last checkpoint are trained again: drop their rows.
  await log.restart(resumedFrom);

  const every = options.evaluateEvery ?? run.epochs;
  if (!(Number.isInteger(every) && every >= 1)) throw new Error(`evaluateEvery must be a positive integer, got ${every}`);
  const stops: number[] = [];
  for (let e = every; e < run.epochs; e += every) if (e > resumedFrom) stops.push(e);
  stops.push(run.epochs);

  const validationData: FaceTrainingData = { train: data.train, evaluation: data.validation };
  let last: FaceTrainingResult | undefined;
  for (const stop of stops) {
    let held: EpochReport | undefined;
    let pending: Promise<unknown> = Promise.resolve();
    const onEpoch = (report: EpochReport): void => {
      // The chunk's last epoch is logged with its validation metrics once they exist.
      if (report.epoch === stop) held = report;
      else pending = pending.then(() => log.append(report));
    };
    last = await train(run.spec, validationData, stop, checkpointDir, onEpoch);
    await pending;
    if (held) await log.append(held, last.metrics);
  }
  if (!last) throw new Error('no training call was made');
  // Continues the final checkpoint with nothing left to train, so this only evaluates on the test split.
  const test = await train(run.spec, { train: data.train, evaluation: data.test }, run.epochs, checkpointDir, () => undefined);
  const result: RunResult = {
    format: 'frnas-run-result',
    version: 1,
    model: run.model,
    kind: run.kind,
    configId: run.configId,
    seed: run.seed,
    epochs: last.epochs,
    seconds: log.entries().reduce((s, r) => s + r.seconds, 0),
    trainableParameters: last.trainableParameters,
    validation: { metrics: last.metrics, perGroup: last.perGroup },
    test: { metrics: test.metrics, perGroup: test.perGroup, ranking: test.ranking },
    finishedAt: new Date().toISOString(),
  };
  await writeJson(join(dir, RUN_FILES.result), result);
  return { result, skipped: false };
}

/**
 * Retrains each model with each seed at the full budget, in parallel workers, into `<out>/<model>/seed-<s>/`.
 * Resumable: finished runs (with result.json) are skipped, partial ones continue from their last checkpoint.
 */
export async function retrainRuns(options: RetrainRunsOptions): Promise<RetrainOutcome> {
  const out = resolve(options.out);
  if (options.models.length === 0) throw new Error('nothing to retrain: no models selected');
  if (options.seeds.length === 0) throw new Error('no seeds given');
  if (!(Number.isInteger(options.epochs) && options.epochs >= 1)) throw new Error(`epochs must be a positive integer, got ${options.epochs}`);
  const workers = options.workers ?? 1;
  await initBackend(options.backend);
  const training = { model: options.model, scale: options.scale, imageSize: options.imageSize, channels: options.channels, embeddingSize: options.embeddingSize, batchSize: options.batchSize };
  const split = { seed: options.splitSeed ?? 0, mode: options.splitMode, validation: options.validation ?? 0.2, test: options.test ?? 0.2 };

  const plans = options.models.flatMap((model) =>
    options.seeds.map((seed) => {
      const spec: FaceTrainingSpec = { ...resolveTrainingSpec(model.config, { ...options.trainingDefaults, ...training, seed }, options.epochs), seed };
      const run: RunConfig = {
        format: 'frnas-run',
        version: 1,
        model: model.model,
        kind: model.kind,
        configId: model.configId,
        config: model.config,
        seed,
        epochs: options.epochs,
        spec,
        data: options.dataSpec,
        ...(options.evaluationDataSpec ? { evaluationData: options.evaluationDataSpec } : {}),
        split: JSON.parse(JSON.stringify(split)) as RunConfig['split'],
        ...(model.origin ? { origin: model.origin } : {}),
      };
      return { dir: join(out, modelFolder(model), `seed-${seed}`), run };
    }),
  );
  const sizes = new Set(plans.map((p) => `${p.run.spec.imageSize}x${p.run.spec.channels}`));
  if (sizes.size > 1) throw new Error(`the models need different input sizes (${[...sizes].join(', ')}); retrain them separately`);
  const first = plans[0].run.spec;
  const centres = new Set(plans.map((p) => p.run.spec.centerFraction ?? 1));
  if (centres.size > 1) throw new Error(`the models need different centre crops (${[...centres].join(', ')}); retrain them separately`);
  let data = await prepareRetrainData(options.data, {
    imageSize: first.imageSize, channels: first.channels, centerFraction: first.centerFraction, splitSeed: split.seed, splitMode: split.mode, validation: split.validation, test: split.test,
    evaluationData: options.evaluationData, minImagesPerIdentity: options.minImagesPerIdentity, allowIdentityOverlap: options.allowIdentityOverlap,
  });
  let train = inProcessTraining();
  if (workers > 1) {
    // Shared pixel buffers: every worker reads the same memory.
    const shared = shareTrainingData({ train: data.train, evaluation: data.validation });
    data = { train: shared.train, validation: shared.evaluation, test: shareTrainingData({ train: shared.train, evaluation: data.test }).evaluation };
    train = workerTraining(options.backend);
  }

  const runs: RetrainOutcome['runs'] = [];
  const failures: RetrainOutcome['failures'] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length && !options.signal?.aborted) {
      const plan = plans[next++];
      let outcome: { result: RunResult; skipped: boolean };
      try {
        outcome = await trainOneRun(plan.dir, plan.run, data, train, options);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A run folder that holds another run is a setup mistake: stop. A diverged run is a result: go on.
        if (message.includes('holds a different run')) throw error;
        failures.push({ dir: plan.dir, model: plan.run.model, kind: plan.run.kind, configId: plan.run.configId, seed: plan.run.seed, error: message });
        options.onRunFailed?.(plan.run, message);
        continue;
      }
      runs.push({ dir: plan.dir, config: plan.run, ...outcome });
      options.onRunEnd?.(plan.run, outcome.result, outcome.skipped);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, plans.length) }, worker));
  runs.sort((a, b) => a.dir.localeCompare(b.dir));
  const interrupted = options.signal?.aborted === true && runs.length + failures.length < plans.length;
  return { out, runs, summary: summarizeRuns(runs.map((r) => r.result), failures), failures, interrupted };
}

/** Which trials of a finished search to retrain: its Pareto front (default), the best K, or trials by id. */
export interface TrialSelection {
  top?: number;
  trials?: readonly number[];
}

/**
 * The configurations of a study to retrain. Default: the Pareto front at the highest budget. `top`: the K best ok
 * trials at the highest budget by non-dominated rank, then the first objective. `trials`: those trial ids.
 */
export function selectTrials(searchDir: string, selection: TrialSelection = {}): { trials: Trial[]; maxBudget: number; objectives: string[] } {
  const study = Study.open(resolve(searchDir), { readOnly: true });
  try {
    const all = study.trials();
    const objectives = study.objectives.map((o) => o.name);
    let chosen: Trial[];
    if (selection.trials && selection.trials.length > 0) {
      chosen = selection.trials.map((id) => {
        const trial = all.find((t) => t.id === id);
        if (!trial) throw new Error(`${searchDir}: no trial ${id} (the study has trials 0..${all.length - 1})`);
        return trial;
      });
    } else if (selection.top !== undefined) {
      const ok = all.filter((t) => t.status === 'ok');
      if (ok.length === 0) throw new Error(`${searchDir}: the study has no finished trial`);
      const budget = Math.max(...ok.map((t) => t.budget));
      const atTop = ok.filter((t) => t.budget === budget);
      const directions = study.objectives.map((o) => o.direction);
      const fronts = nonDominatedSort(atTop.map((t) => study.objectives.map((o) => t.values[o.name])), directions);
      const first = objectives[0];
      chosen = fronts.flatMap((front) => front.map((i) => atTop[i]).sort((a, b) => a.values[first] - b.values[first] || a.id - b.id)).slice(0, selection.top);
    } else {
      chosen = study.paretoFront();
      if (chosen.length === 0) throw new Error(`${searchDir}: the study has no finished trial, so no Pareto front`);
    }
    // One run per configuration: a configuration met twice (another budget) is trained once.
    const seen = new Set<string>();
    const trials = chosen.filter((t) => !seen.has(t.configId) && seen.add(t.configId) !== undefined);
    return { trials, maxBudget: study.fidelity.max, objectives };
  } finally {
    study.close();
  }
}

export interface RetrainOptions extends Omit<RetrainRunsOptions, 'models' | 'out' | 'epochs' | 'data' | 'dataSpec'>, TrialSelection {
  /** A finished (or stopped) search folder. */
  searchDir: string;
  /** The training data and its spec; default the data the search recorded (its `data` setting). */
  data?: FaceDataset;
  dataSpec?: string;
  /** Default `<searchDir>/retrain`. */
  out?: string;
  /** Default the study's maximum budget. */
  epochs?: number;
  /** Also retrain the space's default configuration as the baseline `default` (default true). */
  baselineDefault?: boolean;
  /** Hand-picked baselines (e.g. phase-1 backbones with default hyperparameters: readTrainingConfig files). */
  baselines?: readonly { name: string; config: Configuration }[];
  /** Training sizes used only where neither the options nor the search's checkpoints give one (a config file's). */
  fallbackTraining?: TrainingSettings;
}

/**
 * The training sizes a search ran with, read from its checkpoints (every manifest holds the full spec), so that
 * retraining uses the same network size, input and batch without the user repeating them.
 */
export async function searchTrainingSettings(searchDir: string): Promise<TrainingSettings> {
  const root = join(resolve(searchDir), 'checkpoints');
  if (!existsSync(root)) return {};
  for (const entry of (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const manifest = (await listCheckpoints(join(root, entry.name))).at(-1);
    if (!manifest) continue;
    const spec = manifest.spec;
    return {
      model: spec.model,
      ...(typeof spec.scale === 'string' ? { scale: spec.scale } : {}),
      imageSize: spec.imageSize,
      channels: spec.channels,
      embeddingSize: spec.embeddingSize,
      batchSize: spec.batchSize,
    };
  }
  return {};
}

/** `frnas retrain`: the selected trials of a search (and the baselines), each with every seed, at the full budget. */
export async function retrain(options: RetrainOptions): Promise<RetrainOutcome> {
  const searchDir = resolve(options.searchDir);
  const { trials, maxBudget } = selectTrials(searchDir, options);
  const models: RetrainModel[] = trials.map((t) => ({
    model: modelLabel(t.config, t.configId),
    kind: 'searched',
    config: t.config,
    configId: t.configId,
    origin: { searchDir, trialId: t.id, budget: t.budget, values: t.values },
  }));
  if (options.baselineDefault ?? true) {
    const study = Study.open(searchDir, { readOnly: true });
    try {
      const config = study.space.defaultConfiguration();
      models.push({ model: 'default', kind: 'baseline', config, configId: study.space.configId(config) });
    } finally {
      study.close();
    }
  }
  for (const baseline of options.baselines ?? []) {
    models.push({ model: baseline.name, kind: 'baseline', config: baseline.config, configId: configurationId(baseline.config) });
  }
  // Two searched models may share a label (same cell, head and optimizer, close learning rates): add the id.
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m.model, (counts.get(m.model) ?? 0) + 1);
  for (const m of models) if (m.kind === 'searched' && (counts.get(m.model) ?? 0) > 1) m.model = `${m.model}-${m.configId.slice(0, 6)}`;
  // Sizes: the options, else the search's own (from its checkpoints), else the fallback (config file).
  const inherited = await searchTrainingSettings(searchDir);
  const training: TrainingSettings = {};
  for (const key of ['model', 'scale', 'imageSize', 'channels', 'embeddingSize', 'batchSize'] as const) {
    const value = options[key] ?? inherited[key] ?? options.fallbackTraining?.[key];
    if (value !== undefined) (training as Record<string, unknown>)[key] = value;
  }
  // Data, evaluation data, identity rules and the rest of the training recipe: the options, else what the search recorded.
  const recorded = recordedSearchSettings(searchDir);
  const dataSpec = options.dataSpec ?? (typeof recorded.data === 'string' ? recorded.data : undefined);
  if (!options.data && !dataSpec) throw new Error(`${searchDir}: the study recorded no data set; give the data the search ran on (--data)`);
  const data = options.data ?? (await loadFaceDataset(dataSpec as string));
  const evaluationDataSpec = options.evaluationDataSpec ?? (options.evaluationData ? options.evaluationData.name : typeof recorded.evaluationData === 'string' ? recorded.evaluationData : undefined);
  const evaluationData = options.evaluationData ?? (evaluationDataSpec ? await loadFaceDataset(evaluationDataSpec) : undefined);
  const trainingDefaults: FaceTrainingDefaults = { ...(recorded.training as FaceTrainingDefaults | undefined), ...options.trainingDefaults };
  const minImagesPerIdentity = options.minImagesPerIdentity ?? (typeof recorded.minImagesPerIdentity === 'number' ? recorded.minImagesPerIdentity : undefined);
  const allowIdentityOverlap = options.allowIdentityOverlap ?? recorded.allowIdentityOverlap === true;
  return retrainRuns({
    ...options, ...training, data, dataSpec: dataSpec ?? data.name, evaluationData, evaluationDataSpec, trainingDefaults, minImagesPerIdentity, allowIdentityOverlap, models, out: options.out ?? join(searchDir, 'retrain'), epochs: options.epochs ?? Math.round(maxBudget) });
}
