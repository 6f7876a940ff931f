import { initBackend, type BackendName } from '../backend/index.js';
import { loadFaceDataset, type FaceDataset } from '../data/index.js';
import type { GroupRankSummary } from '../fairness/index.js';
import type { DpnCell, DpnScale, DpnStageCells } from '../models/dpn.js';
import type { HeadSettings } from '../models/heads.js';
import type { LossName } from '../models/losses.js';
import type { Configuration } from '../space/types.js';
import { faceArraysSignature, findCheckpoint, loadCheckpoint, removeCheckpoint, saveCheckpoint } from './checkpoint.js';
import { evaluateEmbeddings, evaluateFaceModel, type FaceEvaluation, type FaceMetrics } from './evaluation.js';
import { embedFacesStreaming, isStreamingFaceData, trainEpochStreaming, type StreamingFaceData, type StreamingFaceSource } from './streaming.js';
import { augments, checkAugmentation, classLabels, loadFaceArrays, type AugmentationSettings, type FaceArrays, type FaceDatasetSource, type SplitFaceDatasetSource } from './face-arrays.js';
import type { OptimizerName } from './optimizers.js';
import type { ScheduleName } from './schedules.js';
import { FaceTrainer, type EpochReport, type FaceTrainingSpec } from './trainer.js';

/** Training and evaluation images in memory. */
export interface FaceTrainingData {
  train: FaceArrays;
  evaluation: FaceArrays;
}

/** Settings that are not searched: model size, input, batch, seed, schedule length. All have defaults. */
export interface FaceTrainingDefaults {
  model?: string;
  scale?: string | DpnScale;
  width?: number;
  imageSize?: number;
  channels?: 1 | 3;
  embeddingSize?: number;
  batchSize?: number;
  seed?: number;
  flip?: boolean;
  loss?: LossName;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
  schedule?: ScheduleName;
  warmupEpochs?: number;
  decayEpochs?: number;
  lrCycleDecay?: number;
  /** Length of the learning-rate schedule (the search's maximum budget). */
  maxEpochs?: number;
  /**
   * Centre crop: the fraction of the image side kept before resizing (default 1; aligned LFW-a faces: 0.4). Part of
   * the spec, so checkpoints carry it and every later command (retrain, evaluate) preprocesses images the same way.
   */
  centerFraction?: number;
  /** Random shifts, zooms, rotations, brightness and contrast while training (default none; see docs/trainer.md). */
  augmentation?: AugmentationSettings;
  /** Scale s of the CosFace / ArcFace / MagFace head (default 64, 64, 32); a configuration's `head_scale` wins. */
  headScale?: number;
  /** Margin m of the CosFace and ArcFace heads (default 0.35, 0.5); a configuration's `cosface_margin` / `arcface_margin` wins. */
  headMargin?: number;
}

/** CPU-sized defaults; FR-NAS's own values are given in docs/trainer.md. */
export const faceTrainingDefaults: Required<Omit<FaceTrainingDefaults, 'width' | 'warmupEpochs' | 'decayEpochs' | 'lrCycleDecay' | 'maxEpochs' | 'centerFraction' | 'augmentation' | 'headScale' | 'headMargin'>> = {
  model: 'dpn',
  scale: 'tiny',
  imageSize: 32,
  channels: 1,
  embeddingSize: 64,
  batchSize: 64,
  seed: 222,
  flip: true,
  loss: 'focal',
  momentum: 0.9,
  weightDecay: 1e-4,
  nesterov: false,
  schedule: 'cosine',
};

/**
 * The recommended recipe for real faces at CPU scale (aligned LFW-a-like photos, small DPN), measured on
 * lfw_train -> lfw_balanced (docs/trainer.md, "Real faces", which also says which settings were not ablated).
 */
export const RECOMMENDED_FACE_TRAINING: Readonly<FaceTrainingDefaults & { minImagesPerIdentity: number; augmentation: Required<AugmentationSettings> }> = Object.freeze({
  centerFraction: 0.3,
  minImagesPerIdentity: 2,
  batchSize: 16,
  headScale: 16,
  headMargin: 0.1,
  loss: 'crossEntropy',
  warmupEpochs: 1,
  augmentation: Object.freeze({ shift: 0.06, scale: 0.1, rotate: 8, brightness: 0.1, contrast: 0.2 }),
});

/** Every key of FaceTrainingDefaults (what a training spec can be given besides a configuration). */
export const FACE_TRAINING_DEFAULT_KEYS = [
  'model', 'scale', 'width', 'imageSize', 'channels', 'embeddingSize', 'batchSize', 'seed', 'flip', 'loss', 'momentum',
  'weightDecay', 'nesterov', 'schedule', 'warmupEpochs', 'decayEpochs', 'lrCycleDecay', 'maxEpochs', 'centerFraction',
  'augmentation', 'headScale', 'headMargin',
] as const satisfies readonly (keyof FaceTrainingDefaults)[];
const defaultKeys = new Set<string>(FACE_TRAINING_DEFAULT_KEYS);

function pick<T extends string>(value: unknown, allowed: readonly T[], key: string): T | undefined {
  if (value === undefined) return undefined;
  const match = allowed.find((a) => a.toLowerCase() === String(value).toLowerCase());
  if (!match) throw new Error(`config ${key} = ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return match;
}

function numberOf(config: Configuration, key: string): number | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`config ${key} = ${JSON.stringify(value)} is not a number`);
  return n;
}

function flag(config: Configuration, key: string): boolean | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`config ${key} = ${JSON.stringify(value)} is not a boolean`);
}

/** The four stage cells when `cell_per_stage` is on: stage 1 = edge1..3, stage s = stage<s>_edge1..3 (absent: stage 1's). */
function stageCellsOf(config: Configuration, first: DpnCell): DpnStageCells | undefined {
  if (!flag(config, 'cell_per_stage')) return undefined;
  const stage = (s: number): DpnCell => {
    const [e1, e2, e3] = [1, 2, 3].map((k) => numberOf(config, `stage${s}_edge${k}`) ?? first[k - 1]);
    return [e1, e2, e3];
  };
  return [first, stage(2), stage(3), stage(4)];
}

/** Margins of the configuration's head: cosface_margin / arcface_margin / magface_lower_margin, magface_upper_margin. */
function headSettingsOf(config: Configuration, head: string, defaultScale?: number, defaultMargin?: number): HeadSettings | undefined {
  const name = head.toLowerCase();
  const margined = ['cosface', 'arcface', 'magface'].includes(name);
  const settings: HeadSettings = {
    scale: margined ? (numberOf(config, 'head_scale') ?? defaultScale) : undefined,
    margin: name === 'cosface' ? (numberOf(config, 'cosface_margin') ?? defaultMargin) : name === 'arcface' ? (numberOf(config, 'arcface_margin') ?? defaultMargin) : undefined,
    magFaceLowerMargin: name === 'magface' ? numberOf(config, 'magface_lower_margin') : undefined,
    magFaceUpperMargin: name === 'magface' ? numberOf(config, 'magface_upper_margin') : undefined,
  };
  const given = Object.entries(settings).filter(([, v]) => v !== undefined);
  return given.length ? (Object.fromEntries(given) as HeadSettings) : undefined;
}

/**
 * Resolves a configuration of the FR-NAS search space (edge1..3, head, optimizer, lr_adam | lr_sgd), of the
 * extended space (also cell_per_stage + stage<s>_edge<k>, width, blocks_per_stage, embedding_size,
 * image_size, batch_size, momentum, weight_decay, sched, lr_cycle_decay, cosface_margin, arcface_margin,
 * magface_lower_margin, magface_upper_margin) or of a phase-1 config file (backbone, batch_size, lr,
 * momentum, weight_decay, sched, lr_cycle_decay, head, optimizer) into a full training spec.
 * Configuration keys win over `defaults`.
 */
export function resolveTrainingSpec(config: Configuration, defaults: FaceTrainingDefaults = {}, maxEpochs?: number): FaceTrainingSpec {
  // Only the fields of FaceTrainingDefaults, and only those given, override the built-in defaults.
  const given = Object.fromEntries(Object.entries(defaults).filter(([key, v]) => v !== undefined && defaultKeys.has(key))) as FaceTrainingDefaults;
  const d = { ...faceTrainingDefaults, ...given };
  const model = String(config.backbone ?? d.model);
  const optimizer = pick<OptimizerName>(config.optimizer, ['SGD', 'Adam', 'AdamW'], 'optimizer') ?? 'Adam';
  const explicitLr = numberOf(config, 'lr') ?? (optimizer === 'SGD' ? numberOf(config, 'lr_sgd') : numberOf(config, 'lr_adam'));
  const learningRate = explicitLr ?? (optimizer === 'SGD' ? 0.1 : 1e-3);
  const edges = ['edge1', 'edge2', 'edge3'].map((key, i) => numberOf(config, key) ?? [2, 0, 1][i]);
  const epochs = maxEpochs ?? d.maxEpochs;
  if (epochs === undefined) throw new Error('maxEpochs (the schedule length, i.e. the maximum budget) is required');
  const isDpn = model.toLowerCase() === 'dpn';
  const cell: DpnCell = [edges[0], edges[1], edges[2]];
  const head = String(config.head ?? 'CosFace');
  const spec: FaceTrainingSpec = {
    model,
    cell: isDpn ? cell : undefined,
    // Absent unless cell_per_stage is on, so the shared-cell spec (and its checkpoints) stay as they were.
    stageCells: isDpn ? stageCellsOf(config, cell) : undefined,
    blocksPerStage: isDpn ? numberOf(config, 'blocks_per_stage') : undefined,
    scale: isDpn ? d.scale : undefined,
    width: numberOf(config, 'width') ?? d.width,
    imageSize: numberOf(config, 'image_size') ?? d.imageSize,
    channels: d.channels,
    embeddingSize: numberOf(config, 'embedding_size') ?? d.embeddingSize,
    head,
    headSettings: headSettingsOf(config, head, d.headScale, d.headMargin),
    loss: pick<LossName>(config.loss, ['focal', 'crossEntropy'], 'loss') ?? d.loss,
    optimizer,
    learningRate,
    momentum: numberOf(config, 'momentum') ?? d.momentum,
    weightDecay: numberOf(config, 'weight_decay') ?? d.weightDecay,
    nesterov: config.nesterov === undefined ? d.nesterov : config.nesterov === true || config.nesterov === 'true',
    schedule: pick<ScheduleName>(config.sched, ['cosine', 'step', 'constant'], 'sched') ?? d.schedule,
    warmupEpochs: numberOf(config, 'warmup_epochs') ?? d.warmupEpochs,
    decayEpochs: numberOf(config, 'decay_epochs') ?? d.decayEpochs,
    lrCycleDecay: numberOf(config, 'lr_cycle_decay') ?? d.lrCycleDecay,
    batchSize: numberOf(config, 'batch_size') ?? d.batchSize,
    seed: numberOf(config, 'seed') ?? d.seed,
    flip: d.flip,
    augmentation: augments(d.augmentation) ? checkAugmentation(d.augmentation) : undefined,
    centerFraction: centerFractionOf(d.centerFraction),
    maxEpochs: epochs,
  };
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as FaceTrainingSpec;
}

/** A centre crop in (0, 1]; 1 (no crop) is left out of the spec, so specs without a crop keep their checkpoints. */
function centerFractionOf(value: number | undefined): number | undefined {
  if (value === undefined || value === 1) return undefined;
  if (!(typeof value === 'number' && value > 0 && value <= 1)) throw new Error(`centerFraction must be a number in (0, 1], got ${JSON.stringify(value)}`);
  return value;
}

export interface FaceTrainingRunOptions {
  /** Train until this many epochs are done in total (the trial's budget). */
  epochs: number;
  /** Where checkpoints are read and written (`epoch-<n>.json` + `.bin`); none: no checkpoints. */
  checkpointDir?: string;
  /** Ignore existing checkpoints and train from scratch. */
  restart?: boolean;
  /** Also checkpoint after every epoch (the latest one kept), so a killed run continues from its last epoch. */
  checkpointEveryEpoch?: boolean;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
  /** The ordered group pair of the disparity measures, e.g. ['M', 'F']; default the worst pair. */
  referenceGroups?: readonly [string, string];
}

/** What one training run gives: FR-NAS's metrics on the evaluation split and what it cost. */
export interface FaceTrainingResult {
  metrics: FaceMetrics;
  perGroup: Record<string, GroupRankSummary>;
  /** Epochs done in total (the budget reached). */
  epochs: number;
  /** Epochs trained in this call (fewer when continued from a checkpoint). */
  epochsTrained: number;
  /** Epochs the run continued from (0 = from scratch). */
  resumedFrom: number;
  /** Wall seconds of this call (training + evaluation). */
  seconds: number;
  history: EpochReport[];
  trainableParameters: number;
  /**
   * rank_by_id of every ranked evaluation image with its identity and group, in one order: what a paired
   * comparison of two models on the same images needs (pairedBootstrapDifference).
   */
  ranking: RankedImages;
}

/** Per-image ranks of one evaluation, aligned arrays (images whose identity has a second image only). */
export interface RankedImages {
  ranks: number[];
  /** Identity of each ranked image: the built-in trainer's integer ids, or names (e.g. a command trainer's ranking.json). */
  identities: (number | string)[];
  groups: string[];
}

/**
 * Trains `spec` on `data.train` up to `options.epochs` (continuing a checkpoint when one fits) and evaluates.
 * `data` is held in memory (FaceArrays) or read batch by batch from lib/data data sets (StreamingFaceData).
 */
export async function runFaceTraining(spec: FaceTrainingSpec, data: FaceTrainingData | StreamingFaceData, options: FaceTrainingRunOptions): Promise<FaceTrainingResult> {
  const start = performance.now();
  if (!(Number.isInteger(options.epochs) && options.epochs >= 1)) throw new Error(`epochs must be a positive integer, got ${options.epochs}`);
  if (options.epochs > spec.maxEpochs) throw new Error(`epochs ${options.epochs} exceed the schedule's maxEpochs ${spec.maxEpochs}`);
  const streaming = isStreamingFaceData(data) ? data : undefined;
  const inMemory = isStreamingFaceData(data) ? undefined : data;
  const { labels, classes } = inMemory ? classLabels(inMemory.train) : { labels: undefined, classes: streaming!.train.identities.length };
  const trainer = new FaceTrainer(spec, classes);
  trainer.dataSignature = inMemory
    ? faceArraysSignature(inMemory.train)
    : `${streaming!.train.name}:${streaming!.train.size}:${streaming!.size}x${streaming!.channels}:${streaming!.centerFraction ?? 1}`;
  try {
    if (options.checkpointDir && !options.restart) {
      const manifest = await findCheckpoint(trainer, options.checkpointDir, options.epochs);
      if (manifest) await loadCheckpoint(trainer, options.checkpointDir, manifest);
    }
    const resumedFrom = trainer.epochsDone;
    const history: EpochReport[] = [];
    let intermediate: number | undefined;
    while (trainer.epochsDone < options.epochs) {
      if (options.signal?.aborted) throw new Error(`aborted after ${trainer.epochsDone} epochs`);
      const report = inMemory ? trainer.trainEpoch(inMemory.train, labels) : await trainEpochStreaming(trainer, streaming!);
      history.push(report);
      options.onEpoch?.(report);
      if (options.checkpointDir && options.checkpointEveryEpoch && trainer.epochsDone < options.epochs) {
        // Keeps the latest epoch only (plus the checkpoints at the budgets of whole calls), so a run killed
        // mid-way continues from its last epoch without filling the disk.
        await saveCheckpoint(trainer, options.checkpointDir);
        if (intermediate !== undefined) await removeCheckpoint(options.checkpointDir, intermediate);
        intermediate = trainer.epochsDone;
      }
    }
    if (options.checkpointDir && trainer.epochsDone > resumedFrom) await saveCheckpoint(trainer, options.checkpointDir);
    if (options.checkpointDir && intermediate !== undefined) await removeCheckpoint(options.checkpointDir, intermediate);
    let evaluation: FaceEvaluation;
    let evaluated: Pick<FaceArrays, 'identities' | 'groups'>;
    if (inMemory) {
      evaluated = inMemory.evaluation;
      evaluation = evaluateFaceModel(trainer.backbone, inMemory.evaluation, options.referenceGroups);
    } else {
      const embedded = await embedFacesStreaming(trainer.backbone, streaming!.evaluation, streaming!);
      evaluated = embedded;
      evaluation = evaluateEmbeddings(embedded.embeddings, trainer.backbone.embeddingSize, embedded, options.referenceGroups);
    }
    const ranking: RankedImages = {
      ranks: evaluation.ranks,
      identities: evaluation.ranked.map((i) => evaluated.identities[i]),
      groups: evaluation.ranked.map((i) => evaluated.groups[i]),
    };
    return {
      metrics: evaluation.metrics,
      perGroup: evaluation.perGroup,
      epochs: trainer.epochsDone,
      epochsTrained: trainer.epochsDone - resumedFrom,
      resumedFrom,
      seconds: (performance.now() - start) / 1000,
      history,
      trainableParameters: trainer.backbone.parameters.countTrainable(),
      ranking,
    };
  } finally {
    trainer.dispose();
  }
}

/** A data source for training: arrays already split, or a lib/data FaceDataset to split and load. */
export type FaceTrainingDataSource = FaceTrainingData | SplitFaceDatasetSource;

export interface FaceDataPreparation {
  imageSize: number;
  channels: 1 | 3;
  /** Seed of the split (default 0). */
  splitSeed?: number;
  /** 'images' (FR-NAS on CelebA/VGGFace2) or 'identities'; default the data set's own. */
  splitMode?: 'images' | 'identities' | 'official';
  /** Fraction for evaluation (default 0.2). */
  validation?: number;
  /** Centre crop: the fraction of the image side kept before resizing (default 1; LFW faces: about 0.4). */
  centerFraction?: number;
  /** Read images batch by batch while training instead of loading them all (large data sets). Default false. */
  streaming?: boolean;
  /**
   * Evaluate on this other data set (all its images) and train on all of the training data, instead of splitting one
   * data set: FR-NAS's protocol (train on some people, measure accuracy and fairness on others). Its groups are the
   * fairness groups.
   */
  evaluationData?: FaceDatasetSource;
  /** Allow evaluation identities that are also training identities (refused by default: the model would have seen them). */
  allowIdentityOverlap?: boolean;
  /** Train only on identities with at least this many images (default 1: all); needs a data set with `filter`. */
  minImagesPerIdentity?: number;
}

/** What a data set with identity names and a filter offers (lib/data's FaceDataset), checked structurally. */
interface NamedFaceSource extends FaceDatasetSource {
  readonly identities: readonly string[];
  filter(options: { minImagesPerIdentity: number }): NamedFaceSource;
}

function isNamed(source: unknown): source is NamedFaceSource {
  return typeof source === 'object' && source !== null && Array.isArray((source as NamedFaceSource).identities) && typeof (source as NamedFaceSource).filter === 'function';
}

/**
 * Refuses evaluation identities that are also training identities (by name), naming how many and a few of them,
 * unless `allow` is set: a model evaluated on people it was trained on says nothing about unseen people.
 */
export function checkIdentityOverlap(train: FaceDatasetSource, evaluation: FaceDatasetSource, allow = false): void {
  if (allow || !isNamed(train) || !isNamed(evaluation)) return;
  const trained = new Set(train.identities);
  const shared = evaluation.identities.filter((identity) => trained.has(identity));
  if (shared.length === 0) return;
  const examples = shared.slice(0, 5).join(', ') + (shared.length > 5 ? ', ...' : '');
  throw new Error(
    `the evaluation data ${evaluation.name} shares ${shared.length} of its ${evaluation.identities.length} identities with the training data ${train.name} ` +
      `(${examples}): evaluate on other people, or allow it explicitly (allowIdentityOverlap / --allow-identity-overlap)`,
  );
}

/** The training data after the minimum-images filter (also used by retrain's split). */
export function trainingSource<T extends FaceDatasetSource>(source: T, minImages: number | undefined): T {
  if (minImages === undefined || minImages <= 1) return source;
  if (!Number.isInteger(minImages)) throw new Error(`minImagesPerIdentity must be a positive integer, got ${minImages}`);
  if (!isNamed(source)) throw new Error('minImagesPerIdentity needs a lib/data FaceDataset (with filter())');
  const filtered = source.filter({ minImagesPerIdentity: minImages });
  if (filtered.size === 0) throw new Error(`${source.name}: no identity has ${minImages} or more images`);
  return filtered as unknown as T;
}

/**
 * The training and evaluation parts of `source`: all of it and `options.evaluationData` (identity overlap refused), or
 * the seeded split's train and validation parts; training identities below `minImagesPerIdentity` left out.
 */
function trainingAndEvaluationSources(source: SplitFaceDatasetSource, options: FaceDataPreparation): { train: FaceDatasetSource; evaluation: FaceDatasetSource } {
  if (options.evaluationData) {
    checkIdentityOverlap(source, options.evaluationData, options.allowIdentityOverlap);
    return { train: trainingSource(source, options.minImagesPerIdentity), evaluation: options.evaluationData };
  }
  const splits = source.split(options.splitSeed ?? 0, { mode: options.splitMode, validation: options.validation ?? 0.2 });
  return { train: trainingSource(splits.train, options.minImagesPerIdentity), evaluation: splits.validation };
}

/**
 * Splits (when needed) and loads the data into memory, or (streaming) keeps the splits to read batch by batch.
 * With `evaluationData` nothing is split: the whole (filtered) source trains and the other data set evaluates.
 */
export async function prepareFaceData(source: FaceTrainingDataSource, options: FaceDataPreparation & { streaming: true }): Promise<StreamingFaceData>;
export async function prepareFaceData(source: FaceTrainingDataSource, options: FaceDataPreparation & { streaming?: false }): Promise<FaceTrainingData>;
export async function prepareFaceData(source: FaceTrainingDataSource, options: FaceDataPreparation): Promise<FaceTrainingData | StreamingFaceData>;
export async function prepareFaceData(source: FaceTrainingDataSource, options: FaceDataPreparation): Promise<FaceTrainingData | StreamingFaceData> {
  if ('train' in source && 'evaluation' in source) return source;
  const { train, evaluation } = trainingAndEvaluationSources(source, options);
  if (options.streaming) {
    const streamable = (d: unknown): StreamingFaceSource => {
      if (!isStreamingFaceData({ train: d })) throw new Error('streaming needs a data set with batches() (a lib/data FaceDataset)');
      return d as StreamingFaceSource;
    };
    return { train: streamable(train), evaluation: streamable(evaluation), size: options.imageSize, channels: options.channels, centerFraction: options.centerFraction };
  }
  return {
    train: await loadFaceArrays(train, options.imageSize, options.channels, options.centerFraction),
    evaluation: await loadFaceArrays(evaluation, options.imageSize, options.channels, options.centerFraction),
  };
}

/** The evaluation images alone, as `prepareFaceData` would load them (the other data set, or the split's validation part). */
export async function loadEvaluationArrays(source: FaceTrainingDataSource, options: FaceDataPreparation): Promise<FaceArrays> {
  if ('train' in source && 'evaluation' in source) return source.evaluation;
  const { evaluation } = trainingAndEvaluationSources(source, options);
  return loadFaceArrays(evaluation, options.imageSize, options.channels, options.centerFraction);
}

/** A data spec (`folder:<dir>`, `synthetic`, ...) loaded with lib/data, or a data set as it is. */
export async function openFaceData<T>(data: T | string): Promise<T | FaceDataset> {
  return typeof data === 'string' ? loadFaceDataset(data) : data;
}

/** The preparation of a spec's data: its input size, channels and centre crop, plus the caller's data options. */
export function dataPreparationOf(spec: FaceTrainingSpec, options: Omit<FaceDataPreparation, 'imageSize' | 'channels' | 'centerFraction'>): FaceDataPreparation {
  return { ...options, imageSize: spec.imageSize, channels: spec.channels, centerFraction: spec.centerFraction };
}

export interface TrainConfigurationOptions extends FaceTrainingDefaults, Omit<FaceDataPreparation, 'imageSize' | 'channels' | 'evaluationData'> {
  /** The training data: a data spec (`folder:<dir>`), a data set, or arrays already split. */
  dataset: FaceTrainingDataSource | string;
  /** Evaluate on this other data set (a spec or a data set) instead of a split of `dataset`. */
  evaluationData?: FaceDatasetSource | string;
  /** Epochs to train (and, unless maxEpochs is given, the schedule's length). */
  epochs: number;
  checkpointDir?: string;
  restart?: boolean;
  /** Backend to initialise first ('wasm', 'cpu', 'tensorflow'); default: keep the current one. */
  backend?: BackendName;
  onEpoch?: (report: EpochReport) => void;
  referenceGroups?: readonly [string, string];
}

/** Trains one configuration (a search-space point or a phase-1 config file) and returns its metrics. */
export async function trainConfiguration(config: Configuration, options: TrainConfigurationOptions): Promise<FaceTrainingResult> {
  if (options.backend) await initBackend(options.backend);
  const spec = resolveTrainingSpec(config, options, options.maxEpochs ?? options.epochs);
  const dataset = await openFaceData(options.dataset);
  const evaluationData = options.evaluationData === undefined ? undefined : await openFaceData(options.evaluationData);
  const data = await prepareFaceData(dataset, dataPreparationOf(spec, { ...options, evaluationData }));
  return runFaceTraining(spec, data, options);
}
