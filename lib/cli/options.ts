// Option parsers shared by the `frnas` commands: each names the flag and the bad value in one line.
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, type FaceObjectiveName } from './library.js';
import { MODEL_TRAINING_DATA } from '../search/proposers/training-data.js';
import { checkAugmentation, RECOMMENDED_FACE_TRAINING, type AugmentationSettings } from '../train/index.js';

/** The objectives a face-recognition trial reports (all minimised). */
export const FACE_OBJECTIVES: readonly FaceObjectiveName[] = ['error', 'disparity', 'rank_disparity', 'ratio', 'rank_ratio', 'error_ratio', 'mean_rank'];

/** `text` as a number; NaN for blank text, which Number() would read as 0. */
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function positiveNumber(name: string) {
  return (text: string): number => {
    const v = toNumber(text);
    if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${text}"`);
    return v;
  };
}

export function nonNegativeNumber(name: string) {
  return (text: string): number => {
    const v = toNumber(text);
    if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`${name} must be a number >= 0, got "${text}"`);
    return v;
  };
}

export function positiveInteger(name: string) {
  return (text: string): number => {
    const v = toNumber(text);
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${text}"`);
    return v;
  };
}

export function nonNegativeInteger(name: string) {
  return (text: string): number => {
    const v = toNumber(text);
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${name} must be an integer >= 0, got "${text}"`);
    return v;
  };
}

/** A comma-separated list of integers >= `min` (e.g. seeds, trial ids). */
export function integerList(name: string, min = 0) {
  return (text: string): number[] => {
    const values = text.split(',').map((s) => s.trim()).filter(Boolean).map(toNumber);
    if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min)) {
      throw new InvalidArgumentError(`${name} must be a comma-separated list of integers >= ${min}, got "${text}"`);
    }
    return values;
  };
}

/** A comma-separated list of numbers in [0, 1] (e.g. rates). */
export function fractionList(name: string) {
  return (text: string): number[] => {
    const values = text.split(',').map(toNumber);
    if (values.some((v) => !(v >= 0 && v <= 1))) throw new InvalidArgumentError(`${name} must be comma-separated numbers in [0, 1], got "${text}"`);
    return values;
  };
}

/**
 * The options every study-running command shares (`frnas search`, `frnas coordinate`): space, data, scheduler, proposer,
 * fidelity and stop rules. Commands add their own (objectives, workers, redis, ...).
 */
export function addStudyOptions(command: Command, defaults: { scheduler: 'hyperband' | 'sh' | 'asha' | 'random'; data: string; resumable?: boolean }): Command {
  // A resumable command leaves these unset, so a resumed study takes its own recorded values; the help says the default.
  const fixed = <T>(value: T): T | undefined => (defaults.resumable ? undefined : value);
  const note = (text: string): string => (defaults.resumable ? `${text}; a resumed study: its own` : text);
  return command
    .option('--space <file|name>', 'search space: a JSON file (ours or ConfigSpace) or a bundled name', 'frnas-dpn')
    .option('--data <spec>', `${defaults.data} (${note('default synthetic')})`)
    .addOption(new Option('--scheduler <name>', `which configurations run at which budget (${note(`default ${defaults.scheduler}`)})`).choices(['hyperband', 'sh', 'asha', 'random']).default(fixed(defaults.scheduler)))
    .addOption(new Option('--proposer <name>', `how new configurations are chosen (${note('default rf')})`).choices(['rf', 'tpe', 'random', 'nsga2']).default(fixed('rf')))
    .addOption(new Option('--proposer-data <rule>', 'what the rf or tpe model learns from under a multi-fidelity scheduler (default: highest-budget for rf, all-budgets for tpe)').choices(MODEL_TRAINING_DATA))
    // The flag's first name, kept working for scripts written before the rename (docs/cli.md); hidden from --help.
    .addOption(new Option('--training-data <rule>', 'deprecated alias of --proposer-data').choices(MODEL_TRAINING_DATA).hideHelp())
    .addOption(new Option('--promotion <name>', 'how a rung is ranked for promotion with several objectives (default hypervolume under asha, nds-crowding otherwise; a resumed study keeps its own)').choices(['nds-crowding', 'hypervolume', 'parego']))
    .option('--min-epochs <n>', `smallest budget in epochs (${note('default 1')})`, positiveNumber('--min-epochs'), fixed(1))
    .option('--max-epochs <n>', `largest budget in epochs (${note('default 4')})`, positiveNumber('--max-epochs'), fixed(4))
    .option('--eta <n>', `promotion factor between rungs (${note('default 2')})`, positiveNumber('--eta'), fixed(2))
    .option('--trials <n>', 'stop after this many trials', positiveInteger('--trials'))
    .option('--budget <n>', 'stop after this many epochs in total', positiveNumber('--budget'))
    .option('--time <seconds>', 'stop starting trials after this many seconds', positiveNumber('--time'))
    .option('--seed <n>', `seed of every random choice (${note('default 0')})`, nonNegativeInteger('--seed'), fixed(0))
    .option('--max-consecutive-failures <n>', 'stop with an error after this many failed trials in a row (0: never); the study stays resumable', nonNegativeInteger('--max-consecutive-failures'), DEFAULT_MAX_CONSECUTIVE_FAILURES);
}

/** `--augment shift=0.06,scale=0.1,rotate=8,brightness=0.1,contrast=0.2`, `--augment none`, or `--augment recommended`. */
export function augmentationOption(text: string): AugmentationSettings {
  if (text === 'none') return {};
  if (text === 'recommended') return { ...RECOMMENDED_FACE_TRAINING.augmentation };
  const settings: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [key, value] = pair.split('=');
    const number = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError(`--augment: "${pair}" is not key=number (e.g. shift=0.06,rotate=8)`);
    settings[key.trim()] = number;
  }
  try {
    return checkAugmentation(settings);
  } catch (error) {
    throw new InvalidArgumentError(`--augment: ${(error as Error).message}`);
  }
}

/**
 * The data and training options of the commands that train (`search`, `train`, `coordinate`): the evaluation data
 * set, identity rules, preprocessing and the training recipe. Left out, each takes the library's default (or, when a
 * study is resumed, the value it recorded).
 */
export function addTrainingOptions(command: Command): Command {
  return command
    .option('--eval-data <spec>', 'evaluate on this other data set (all its images) instead of a split of --data: train on some people, measure on others')
    .option('--allow-identity-overlap', 'allow evaluation identities that are also training identities (refused by default)')
    .option('--min-images <n>', 'train only on identities with at least n images', positiveInteger('--min-images'))
    .option('--center-crop <fraction>', 'keep this central fraction of each image side before resizing (LFW-a: 0.4)', fraction('--center-crop'))
    .option('--head-scale <s>', 'scale s of the CosFace / ArcFace / MagFace head (default 64 / 64 / 32)', positiveNumber('--head-scale'))
    .option('--head-margin <m>', 'margin m of the CosFace / ArcFace head (default 0.35 / 0.5)', nonNegativeNumber('--head-margin'))
    .option('--augment <settings>', "training augmentation: 'recommended', 'none', or shift=,scale=,rotate=,brightness=,contrast=", augmentationOption)
    .addOption(new Option('--loss <name>', 'training loss (default focal)').choices(['focal', 'crossEntropy']))
    .addOption(new Option('--recipe <name>', "training recipe: 'recommended' sets every unset training option above to the recommended real-face settings (docs/trainer.md)").choices(['recommended']));
}

/** The training options of `addTrainingOptions` as library options (a recipe fills what the flags leave unset). */
export function trainingOptionsFrom(o: Record<string, unknown>): {
  evaluationData?: string; allowIdentityOverlap?: boolean; minImagesPerIdentity?: number; centerFraction?: number; headScale?: number; headMargin?: number;
  augmentation?: AugmentationSettings; loss?: 'focal' | 'crossEntropy'; batchSize?: number; warmupEpochs?: number;
} {
  const recipe: Partial<typeof RECOMMENDED_FACE_TRAINING> = o.recipe === 'recommended' ? RECOMMENDED_FACE_TRAINING : {};
  const pick = <T>(flag: unknown, fallback: T | undefined): T | undefined => (flag === undefined ? fallback : (flag as T));
  return Object.fromEntries(Object.entries({
    evaluationData: o.evalData as string | undefined,
    allowIdentityOverlap: o.allowIdentityOverlap === true ? true : undefined,
    minImagesPerIdentity: pick(o.minImages, recipe.minImagesPerIdentity),
    centerFraction: pick(o.centerCrop, recipe.centerFraction),
    headScale: pick(o.headScale, recipe.headScale),
    headMargin: pick(o.headMargin, recipe.headMargin),
    augmentation: pick(o.augment, recipe.augmentation),
    loss: pick(o.loss, recipe.loss),
    // --batch-size is the command's own flag (search); the recipe fills it when unset.
    batchSize: pick(o.batchSize, recipe.batchSize),
    warmupEpochs: recipe.warmupEpochs,
  }).filter(([, v]) => v !== undefined));
}

function fraction(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isFinite(v) || v <= 0 || v > 1) throw new InvalidArgumentError(`${name} must be a number in (0, 1], got "${text}"`);
    return v;
  };
}
