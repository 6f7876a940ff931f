// The schema of FaceTrainingDefaults, for options that arrive as data from elsewhere (a distributed job). Imports
// types only, so checking a job never loads TensorFlow.js.
import type { LossName } from '../models/losses.js';
import type { dpnScales } from '../models/dpn.js';
import { augmentationLimits, type AugmentationSettings } from './augmentation-settings.js';
import type { FaceTrainingDefaults } from './run.js';
import type { ScheduleName } from './schedules.js';

type Check = (value: unknown) => string | undefined;

/** Records over a union make the compiler insist that every name is listed. */
const scaleNames: Record<keyof typeof dpnScales, true> = { tiny: true, small: true, paper: true };
const lossNames: Record<LossName, true> = { focal: true, crossEntropy: true };
const scheduleNames: Record<ScheduleName, true> = { cosine: true, step: true, constant: true };

const oneOf =
  (names: Record<string, true>): Check =>
  (value) =>
    typeof value === 'string' && Object.hasOwn(names, value) ? undefined : `must be one of ${Object.keys(names).join(', ')}`;

const numberIn =
  (low: number, high: number, { integer = false, lowOpen = false, highOpen = false } = {}): Check =>
  (value) => {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (lowOpen ? value > low : value >= low) &&
      (highOpen ? value < high : value <= high);
    return ok ? undefined : `must be ${integer ? 'an integer' : 'a number'} in ${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`;
  };


const isBoolean: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');

/**
 * One check per key of FaceTrainingDefaults (the Record type makes a new key a compile error until it has one).
 * The bounds keep a job from asking for absurd memory or time (a 10^6 batch, 10^4-pixel images) and reject
 * values the trainer would misread (a negative batch size, momentum >= 1). A DPN scale is a preset name only:
 * a full DpnScale object would let a job choose any channel count.
 */
export const faceTrainingOptionChecks: Record<keyof FaceTrainingDefaults, Check> = {
  model: (value) => (typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? undefined : 'must be a backbone name (letters, digits, _ . -)'),
  scale: oneOf(scaleNames),
  width: numberIn(0, 16, { lowOpen: true }),
  imageSize: numberIn(8, 1024, { integer: true }),
  channels: (value) => (value === 1 || value === 3 ? undefined : 'must be 1 or 3'),
  embeddingSize: numberIn(2, 4096, { integer: true }),
  batchSize: numberIn(1, 4096, { integer: true }),
  seed: numberIn(0, Number.MAX_SAFE_INTEGER, { integer: true }),
  flip: isBoolean,
  loss: oneOf(lossNames),
  momentum: numberIn(0, 1, { highOpen: true }),
  weightDecay: numberIn(0, 1, { highOpen: true }),
  nesterov: isBoolean,
  schedule: oneOf(scheduleNames),
  warmupEpochs: numberIn(0, 10_000),
  decayEpochs: numberIn(0, 10_000, { lowOpen: true }),
  lrCycleDecay: numberIn(0, 1, { lowOpen: true }),
  maxEpochs: numberIn(0, 10_000, { lowOpen: true }),
  centerFraction: numberIn(0, 1, { lowOpen: true }),
  headScale: numberIn(0, 1024, { lowOpen: true }),
  headMargin: numberIn(0, 1.5),
  augmentation: (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of shift, scale, rotate, brightness, contrast';
    for (const [key, v] of Object.entries(value)) {
      if (!Object.hasOwn(augmentationLimits, key)) return `has an unknown setting "${key}" (expected ${Object.keys(augmentationLimits).join(', ')})`;
      const problem = numberIn(0, augmentationLimits[key as keyof AugmentationSettings])(v);
      if (problem) return `${key} ${problem}`;
    }
    return undefined;
  },
};

/**
 * Checks plain-data training options against the trainer's schema: every key must be a FaceTrainingDefaults key
 * (or one of `extraKeys`, which the caller checks) with a value in range. Returns the reasons, empty when fine.
 */
export function faceTrainingOptionProblems(options: Record<string, unknown>, extraKeys: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (extraKeys.includes(key)) continue;
    if (!Object.hasOwn(faceTrainingOptionChecks, key)) {
      problems.push(`unknown option "${key}" (known: ${[...Object.keys(faceTrainingOptionChecks), ...extraKeys].sort().join(', ')})`);
      continue;
    }
    const problem = faceTrainingOptionChecks[key as keyof FaceTrainingDefaults](value);
    if (problem) problems.push(`option ${key} ${problem}, got ${JSON.stringify(value)}`);
  }
  return problems;
}
