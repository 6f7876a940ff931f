import { setTimeout as sleep } from 'node:timers/promises';
import type { Evaluate, EvaluationResult } from '../search/index.js';
import type { Configuration } from '../space/types.js';
import type { BackendName } from '../backend/init.js';
import type { FaceTrainingDefaults } from '../train/run.js';
import { faceTrainingOptionChecks, faceTrainingOptionProblems } from '../train/training-options.js';
import { dataSpecUnder } from './paths.js';
import { DistributedError, RejectedJobError } from './redis-url.js';

/** Plain data: what a job may carry (never functions, never code). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Names an evaluator installed on the workers, with plain-data options. A job carries this instead of code:
 * each worker resolves the name in its own registry.
 */
export interface EvaluatorSpec {
  name: string;
  options?: JsonObject;
}

/** Settings local to one worker machine that an evaluator may use (the job cannot choose them). */
export interface WorkerEnvironment {
  /** TensorFlow.js backend chosen on this worker (`frnas worker --backend`). */
  backend?: string;
  /** Real paths of the folders whose data sets jobs may name (`frnas worker --data-root`); none: synthetic data only. */
  dataRoots?: readonly string[];
  /** The trainer command of this machine (`frnas worker --command`): what the 'command' evaluator runs. */
  command?: string;
  /** Seconds between SIGTERM and SIGKILL when a command trial is stopped (`frnas worker --kill-grace`). */
  killGrace?: number;
}

export type EvaluatorFactory = (options: JsonObject, environment: WorkerEnvironment) => Evaluate | Promise<Evaluate>;

/** The evaluators a worker can run, by name. Built once per (name, options) and kept, so data load once per worker. */
export class EvaluatorRegistry {
  private readonly factories = new Map<string, EvaluatorFactory>();
  private readonly built = new Map<string, Promise<Evaluate>>();

  register(name: string, factory: EvaluatorFactory): this {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(name)) {
      throw new DistributedError(`evaluator name must be letters, digits, '_', '.', ':' or '-', got ${JSON.stringify(name)}`);
    }
    if (typeof factory !== 'function') throw new DistributedError(`evaluator "${name}": the factory must be a function`);
    this.factories.set(name, factory);
    for (const key of [...this.built.keys()]) if (key.startsWith(`${name}\u0000`)) this.built.delete(key);
    return this;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  names(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** The evaluator of a spec, built on first use; an unknown name is an error listing the installed ones. */
  resolve(spec: EvaluatorSpec, environment: WorkerEnvironment = {}): Promise<Evaluate> {
    const factory = this.factories.get(spec.name);
    if (!factory) {
      return Promise.reject(new DistributedError(`evaluator "${spec.name}" is not installed on this worker (installed: ${this.names().join(', ')})`));
    }
    const key = `${spec.name}\u0000${stableJson(spec.options ?? {})}\u0000${stableJson(environment as JsonObject)}`;
    let evaluate = this.built.get(key);
    if (!evaluate) {
      evaluate = Promise.resolve().then(() => factory(spec.options ?? {}, environment));
      // A factory that failed (say, data not found) is tried again by the next job rather than cached.
      evaluate.catch(() => this.built.delete(key));
      this.built.set(key, evaluate);
    }
    return evaluate;
  }
}

/**
 * ZDT-like two-objective test problem on the configuration's numeric values (taken in name order, each in [0, 1]):
 * f1 = x0, g = 1 + 9 mean(x1..), f2 = g (1 - (f1/g)^power). Below `maxBudget` both objectives carry a deterministic
 * bias that shrinks as the budget grows, so lower fidelities are informative but not exact. `sleepMs` makes a
 * trial take that long (to test and time the distributed engine without training).
 */
export function analyticEvaluator(power: number): EvaluatorFactory {
  return (options) => {
    const sleepMs = numberOption(options, 'sleepMs', 0);
    const maxBudget = numberOption(options, 'maxBudget', 1);
    return async (config: Configuration, budget: number): Promise<EvaluationResult> => {
      const x = Object.keys(config)
        .sort()
        .map((key) => config[key])
        .filter((value): value is number => typeof value === 'number');
      if (x.length < 2) throw new Error(`analytic evaluator needs at least two numeric hyperparameters, got ${x.length}`);
      if (sleepMs > 0) await sleep(sleepMs);
      const f1 = x[0];
      const g = 1 + (9 * x.slice(1).reduce((sum, v) => sum + v, 0)) / (x.length - 1);
      const f2 = g * (1 - Math.pow(f1 / g, power));
      const bias = 0.2 * Math.max(0, 1 - budget / maxBudget) * (1 + Math.sin(7 * x[0] + 3 * x[1]));
      return { f1: f1 + bias, f2: f2 + bias };
    };
  };
}

/** The face evaluator's own options; every other key must be a trainer setting (FaceTrainingDefaults). */
const FACE_EVALUATOR_KEYS = ['data', 'maxEpochs', 'objectives', 'threads', 'backend', 'evaluationData', 'allowIdentityOverlap', 'minImagesPerIdentity'] as const;
const FACE_BACKENDS: Record<BackendName, true> = { tensorflow: true, wasm: true, cpu: true };

/** The checked options of a `face` job. */
export interface FaceEvaluatorOptions {
  /** The data spec with its folder resolved under the worker's data roots. */
  data: string;
  /** The evaluation data spec (other people), resolved under the data roots like `data`. */
  evaluationData?: string;
  allowIdentityOverlap?: boolean;
  minImagesPerIdentity?: number;
  maxEpochs: number;
  objectives?: string[];
  threads: boolean;
  backend?: BackendName;
  training: FaceTrainingDefaults;
}

/**
 * Checks a `face` job's options before anything loads: the data folder must lie under the worker's data roots,
 * and every other key must be a trainer setting with a value in range (lib/train/training-options.ts). A
 * problem is a RejectedJobError naming every bad key, so the trial fails at once with the reason.
 */
export function checkFaceEvaluatorOptions(options: JsonObject, environment: WorkerEnvironment): FaceEvaluatorOptions {
  const { data, maxEpochs, objectives, threads, backend, evaluationData, allowIdentityOverlap, minImagesPerIdentity, ...training } = options;
  const problems = faceTrainingOptionProblems(options, FACE_EVALUATOR_KEYS);
  if (typeof data !== 'string' || data === '') problems.push('options.data must be a data spec string (e.g. "synthetic", "folder:/mnt/faces")');
  if (evaluationData !== undefined && (typeof evaluationData !== 'string' || evaluationData === '')) problems.push('options.evaluationData must be a data spec string');
  if (allowIdentityOverlap !== undefined && typeof allowIdentityOverlap !== 'boolean') problems.push('options.allowIdentityOverlap must be true or false');
  if (minImagesPerIdentity !== undefined && !(Number.isInteger(minImagesPerIdentity) && (minImagesPerIdentity as number) >= 1 && (minImagesPerIdentity as number) <= 10_000)) {
    problems.push(`options.minImagesPerIdentity must be an integer in [1, 10000], got ${JSON.stringify(minImagesPerIdentity)}`);
  }
  const maxProblem = faceTrainingOptionChecks.maxEpochs(maxEpochs);
  if (maxProblem) problems.push(`options.maxEpochs ${maxProblem}, got ${JSON.stringify(maxEpochs)}`);
  if (objectives !== undefined && (!Array.isArray(objectives) || !objectives.every((o) => typeof o === 'string'))) problems.push('options.objectives must be a list of objective names');
  if (threads !== undefined && typeof threads !== 'boolean') problems.push('options.threads must be true or false');
  if (backend !== undefined && !(typeof backend === 'string' && Object.hasOwn(FACE_BACKENDS, backend))) {
    problems.push(`options.backend must be one of ${Object.keys(FACE_BACKENDS).join(', ')}`);
  }
  if (problems.length > 0) throw new RejectedJobError(`evaluator "face": ${problems.join('; ')}`);
  const checked: FaceEvaluatorOptions = {
    data: dataSpecUnder(data as string, environment.dataRoots ?? []),
    maxEpochs: maxEpochs as number,
    threads: threads !== false,
    training: training as FaceTrainingDefaults,
  };
  if (objectives !== undefined) checked.objectives = objectives as string[];
  if (evaluationData !== undefined) checked.evaluationData = dataSpecUnder(evaluationData as string, environment.dataRoots ?? []);
  if (allowIdentityOverlap !== undefined) checked.allowIdentityOverlap = allowIdentityOverlap as boolean;
  if (minImagesPerIdentity !== undefined) checked.minImagesPerIdentity = minImagesPerIdentity as number;
  if (backend !== undefined) checked.backend = backend as BackendName;
  return checked;
}

/**
 * FR-NAS training (`faceRecognitionObjective`): options are plain data — `data` (a spec such as `synthetic` or
 * `folder:/mnt/faces`, read on the worker and only under its data roots), `maxEpochs`, `objectives`, `threads`,
 * `backend` and the trainer settings of FaceTrainingDefaults (`model`, `imageSize`, `batchSize`, ...), all checked by
 * checkFaceEvaluatorOptions. Each trial trains in a worker thread unless `threads: false`.
 * Loaded lazily, so workers that only run analytic evaluators never load TensorFlow.js.
 */
export const faceEvaluator: EvaluatorFactory = async (options, environment) => {
  const { data, evaluationData, allowIdentityOverlap, minImagesPerIdentity, maxEpochs, objectives, threads, backend, training } = checkFaceEvaluatorOptions(options, environment);
  const [{ loadFaceDataset }, { faceRecognitionObjective }, { initBackend }] = await Promise.all([
    import('../data/index.js'),
    import('../train/index.js'),
    import('../backend/index.js'),
  ]);
  type FaceOptions = Parameters<typeof faceRecognitionObjective>[0];
  // The worker's own --backend wins: which accelerator a machine has is the machine's business.
  const chosenBackend = (environment.backend ?? backend) as FaceOptions['backend'];
  await initBackend(chosenBackend);
  const dataset = await loadFaceDataset(data);
  const evaluation = evaluationData === undefined ? undefined : await loadFaceDataset(evaluationData);
  return faceRecognitionObjective({
    ...training,
    dataset,
    evaluationData: evaluation,
    allowIdentityOverlap,
    minImagesPerIdentity,
    maxEpochs,
    objectives: objectives as FaceOptions['objectives'],
    backend: chosenBackend,
    // Training is synchronous: in the main thread it would block the event loop, so BullMQ could not renew the
    // job's lock and a long trial would look like a dead worker. A worker thread keeps the loop free.
    workerThreads: threads,
  });
};

/** The options a 'command' job may carry; the command itself, its arguments, folder and environment never come from a job. */
const COMMAND_JOB_KEYS = ['objectives', 'seed'] as const;

/**
 * Runs the worker's own trainer command (`frnas worker --command`) per trial through the command-trial protocol
 * (docs/command-trials.md). The command comes from the worker's environment only: a job naming a command, arguments,
 * a folder or variables is refused, and so is a job on a worker started without --command. Job options: `objectives`
 * (names the final result must hold) and `seed` (the study's seed, from which each trial's FRNAS_SEED is derived).
 */
export const commandEvaluator: EvaluatorFactory = async (options, environment) => {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if ((COMMAND_JOB_KEYS as readonly string[]).includes(key)) continue;
    problems.push(['command', 'args', 'cwd', 'env'].includes(key) ? `options.${key}: a job may not choose what a worker runs (the command is the worker's own --command)` : `unknown option "${key}" (allowed: ${COMMAND_JOB_KEYS.join(', ')})`);
  }
  const { objectives, seed } = options;
  if (objectives !== undefined && !(Array.isArray(objectives) && objectives.every((o) => typeof o === 'string'))) problems.push('options.objectives must be a list of objective names');
  if (seed !== undefined && !Number.isSafeInteger(seed)) problems.push('options.seed must be an integer');
  if (environment.command === undefined) problems.push('this worker runs no command (start it with frnas worker --command "<trainer command line>")');
  if (problems.length > 0) throw new RejectedJobError(`evaluator "command": ${problems.join('; ')}`);
  const { commandObjective } = await import('../command/index.js');
  return commandObjective({
    command: environment.command as string,
    ...(objectives !== undefined ? { objectives: objectives as string[] } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
    ...(environment.killGrace !== undefined ? { killGrace: environment.killGrace } : {}),
  });
};

/** The registry `frnas worker` uses: 'face', 'command' (the worker's --command), and the analytic 'zdt1' and 'zdt2' for tests and benchmarks. */
export const workerEvaluators = new EvaluatorRegistry().register('face', faceEvaluator).register('command', commandEvaluator).register('zdt1', analyticEvaluator(0.5)).register('zdt2', analyticEvaluator(2));

/** Installs an evaluator in the default registry, so this process's workers can run jobs that name it. */
export function registerEvaluator(name: string, factory: EvaluatorFactory): void {
  workerEvaluators.register(name, factory);
}

function numberOption(options: JsonObject, key: string, fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new DistributedError(`evaluator option "${key}" must be a number >= 0, got ${JSON.stringify(value)}`);
  return value;
}

/** Whether a value is JSON data that survives a round trip unchanged: no functions, classes, undefined or non-finite numbers. */
export function isPlainJson(value: unknown): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value as Record<string, unknown>).every(isPlainJson);
}

/** JSON with sorted keys, so equal options give equal cache keys whatever their order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
