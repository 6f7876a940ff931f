// Option parsers shared by the `frnas` commands: each names the flag and the bad value in one line.
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, type FaceObjectiveName } from '../index.js';
import { MODEL_TRAINING_DATA } from '../search/proposers/training-data.js';

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
export function addStudyOptions(command: Command, defaults: { scheduler: 'hyperband' | 'sh' | 'asha' | 'random'; data: string }): Command {
  return command
    .option('--space <file|name>', 'search space: a JSON file (ours or ConfigSpace) or a bundled name', 'frnas-dpn')
    .option('--data <spec>', defaults.data, 'synthetic')
    .addOption(new Option('--scheduler <name>', 'which configurations run at which budget').choices(['hyperband', 'sh', 'asha', 'random']).default(defaults.scheduler))
    .addOption(new Option('--proposer <name>', 'how new configurations are chosen').choices(['rf', 'tpe', 'random', 'nsga2']).default('rf'))
    .addOption(new Option('--training-data <rule>', 'what the rf or tpe model learns from under a multi-fidelity scheduler (default: highest-budget for rf, all-budgets for tpe)').choices(MODEL_TRAINING_DATA))
    .addOption(new Option('--promotion <name>', 'how a rung is ranked for promotion with several objectives (default nds-crowding; a resumed study keeps its own)').choices(['nds-crowding', 'hypervolume', 'parego']))
    .option('--min-epochs <n>', 'smallest budget (epochs)', positiveNumber('--min-epochs'), 1)
    .option('--max-epochs <n>', 'largest budget (epochs)', positiveNumber('--max-epochs'), 4)
    .option('--eta <n>', 'promotion factor between rungs', positiveNumber('--eta'), 2)
    .option('--trials <n>', 'stop after this many trials', positiveInteger('--trials'))
    .option('--budget <n>', 'stop after this many epochs in total', positiveNumber('--budget'))
    .option('--time <seconds>', 'stop starting trials after this many seconds', positiveNumber('--time'))
    .option('--seed <n>', 'seed of every random choice', nonNegativeInteger('--seed'), 0)
    .option('--max-consecutive-failures <n>', 'stop with an error after this many failed trials in a row (0: never); the study stays resumable', nonNegativeInteger('--max-consecutive-failures'), DEFAULT_MAX_CONSECUTIVE_FAILURES);
}
