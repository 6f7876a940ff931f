import { setTimeout as sleep } from 'node:timers/promises';
import type { Evaluate, EvaluationResult } from '../search/index.js';
import type { Configuration } from '../space/types.js';
import { DistributedError } from './redis-url.js';

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

/**
 * FR-NAS training (`faceRecognitionObjective`): options are plain data — `data` (a spec such as `synthetic` or
 * `folder:/mnt/faces`, read on the worker), `maxEpochs`, `objectives`, `seed` and the trainer defaults
 * (`model`, `imageSize`, `batchSize`, ...). Each trial trains in a worker thread unless `threads: false`.
 * Loaded lazily, so workers that only run analytic evaluators never load TensorFlow.js.
 */
export const faceEvaluator: EvaluatorFactory = async (options, environment) => {
  const { data, maxEpochs, objectives, threads, backend, ...training } = options;
  if (typeof data !== 'string' || data === '') throw new DistributedError('evaluator "face": options.data must be a data spec string (e.g. "synthetic", "folder:/mnt/faces")');
  if (typeof maxEpochs !== 'number' || !(maxEpochs > 0)) throw new DistributedError('evaluator "face": options.maxEpochs must be a positive number');
  if (objectives !== undefined && (!Array.isArray(objectives) || !objectives.every((o) => typeof o === 'string'))) {
    throw new DistributedError('evaluator "face": options.objectives must be a list of objective names');
  }
  const [{ loadFaceDataset }, { faceRecognitionObjective }, { initBackend }] = await Promise.all([
    import('../data/index.js'),
    import('../train/index.js'),
    import('../backend/index.js'),
  ]);
  type FaceOptions = Parameters<typeof faceRecognitionObjective>[0];
  // The worker's own --backend wins: which accelerator a machine has is the machine's business.
  const chosenBackend = (environment.backend ?? (typeof backend === 'string' ? backend : undefined)) as FaceOptions['backend'];
  await initBackend(chosenBackend);
  const dataset = await loadFaceDataset(data);
  return faceRecognitionObjective({
    ...(training as Partial<FaceOptions>),
    dataset,
    maxEpochs,
    objectives: objectives as FaceOptions['objectives'],
    backend: chosenBackend,
    // Training is synchronous: in the main thread it would block the event loop, so BullMQ could not renew the
    // job's lock and a long trial would look like a dead worker. A worker thread keeps the loop free.
    workers: threads !== false,
  });
};

/** The registry `frnas worker` uses: 'face', and the analytic 'zdt1' and 'zdt2' for tests and benchmarks. */
export const workerEvaluators = new EvaluatorRegistry().register('face', faceEvaluator).register('zdt1', analyticEvaluator(0.5)).register('zdt2', analyticEvaluator(2));

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
