import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { Job } from 'bullmq';
import { TrialTimeoutError, type Evaluate, type EvaluationContext } from '../search/index.js';
import { workerEvaluators as defaultRegistry, type EvaluatorRegistry, type WorkerEnvironment } from './evaluators.js';
import { outcomeResult, parseTrialJob, trialQueueName, type TrialJobData, type TrialJobOutcome } from './jobs.js';
import { checkpointDirUnder, realRoot } from './paths.js';
import { checkRedis, connectionOptions, DistributedError, RejectedJobError, type RedisConnectionSettings } from './redis-url.js';

export interface TrialWorkerOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://...`, or parsed settings. */
  redis: string | RedisConnectionSettings;
  /** The study whose queue this worker serves (the coordinator prints it). */
  study: string;
  /** Trials evaluated at once by this process (default 1). */
  concurrency?: number;
  /**
   * The study's shared checkpoint folder as this machine mounts it (e.g. /mnt/frnas/study-1/checkpoints): every
   * trial's checkpoints go to `<checkpointRoot>/<lineage>` and nowhere else. The path in the job is the
   * coordinator's and is not used. Default `frnas-checkpoints/<study>` under the current folder, which other
   * machines do not see: give the shared folder so promotions continue their parents' checkpoints.
   */
  checkpointRoot?: string;
  /**
   * Folders whose data sets jobs may name (`folder:<dir>`, `celeba:<dir>`, ...: the folder's real path must be under
   * one of them). Default none: jobs may use synthetic data only.
   */
  dataRoots?: readonly string[];
  /** TensorFlow.js backend for training evaluators on this machine. */
  backend?: string;
  /**
   * This machine's trainer command line, run per trial by jobs of the 'command' evaluator (docs/command-trials.md).
   * It never comes from the queue.
   */
  command?: string;
  /** Seconds between SIGTERM and SIGKILL when a command trial is stopped (default 10). */
  killGrace?: number;
  /**
   * Seconds a running trial's lock lasts; the worker renews it every half of that while the trial runs. A killed
   * worker's trial is noticed after at most lockDuration + stalledInterval. Default 60.
   */
  lockDuration?: number;
  /** Seconds between checks for trials whose worker died (any live worker checks). Default 30. */
  stalledInterval?: number;
  /** How many times a trial may lose its worker before it fails with the reason. Default 2. */
  maxStalledCount?: number;
  /** The evaluators this worker can run; default the built-in registry (`registerEvaluator` adds to it). */
  registry?: EvaluatorRegistry;
  onTrialStart?: (job: TrialJobData) => void;
  onTrialEnd?: (outcome: TrialJobOutcome) => void;
  /** Connection and processing errors BullMQ reports (default: written to stderr). */
  onError?: (error: Error) => void;
  /** Advice about the setup, e.g. a coordinator whose checkpoint folder differs from this worker's (default: stderr). */
  onWarning?: (message: string) => void;
}

/** A running worker. */
export interface TrialWorker {
  readonly id: string;
  readonly queueName: string;
  /** Real paths of the roots every path of a job is resolved under. */
  readonly checkpointRoot: string;
  readonly dataRoots: readonly string[];
  /**
   * Waits for the running trials, then disconnects; `force` disconnects at once, leaving them to be found stalled and
   * run again elsewhere (as if the process died).
   */
  close(force?: boolean): Promise<void>;
}

const DEFAULT_LOCK_SECONDS = 60;
const DEFAULT_STALLED_INTERVAL_SECONDS = 30;
const DEFAULT_MAX_STALLED = 2;

/**
 * Starts pulling the study's trial jobs: for each, resolves the named evaluator in the local registry, evaluates the
 * configuration at its budget with the lineage's checkpoint directory, and returns the result as the job's value.
 * A failing evaluation is a `failed` result (like `optimize`), not a job failure; only infrastructure problems
 * (the evaluator missing or failing to load) fail the job, which BullMQ then retries a bounded number of times.
 */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const queueName = trialQueueName(options.study);
  const { UnrecoverableError, Worker } = await import('bullmq'); // loaded on use: importing frnas must not load BullMQ
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new DistributedError(`worker: concurrency must be an integer >= 1, got ${concurrency}`);
  const seconds = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new DistributedError(`worker: ${name} must be a positive number of seconds, got ${String(value)}`);
    return v;
  };
  const lockSeconds = seconds('lockDuration', options.lockDuration, DEFAULT_LOCK_SECONDS);
  const stalledSeconds = seconds('stalledInterval', options.stalledInterval, DEFAULT_STALLED_INTERVAL_SECONDS);
  const maxStalledCount = options.maxStalledCount ?? DEFAULT_MAX_STALLED;
  if (!Number.isInteger(maxStalledCount) || maxStalledCount < 0) throw new DistributedError(`worker: maxStalledCount must be an integer >= 0, got ${maxStalledCount}`);
  const registry = options.registry ?? defaultRegistry;
  const checkpointRoot = realRoot(options.checkpointRoot ?? path.join('frnas-checkpoints', options.study));
  const dataRoots = (options.dataRoots ?? []).map((dir) => {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new DistributedError(`worker: data root ${dir} is not a folder`);
    return fs.realpathSync(dir);
  });
  if (options.command !== undefined && (typeof options.command !== 'string' || options.command.trim() === '')) throw new DistributedError('worker: command must be a non-empty command line');
  const environment: WorkerEnvironment = {
    ...(options.backend ? { backend: options.backend } : {}),
    ...(dataRoots.length ? { dataRoots } : {}),
    ...(options.command !== undefined ? { command: options.command } : {}),
    ...(options.killGrace !== undefined ? { killGrace: options.killGrace } : {}),
  };
  const id = `${hostname()}:${process.pid}`;
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`frnas worker ${id}: ${message}\n`));
  // With --checkpoints the operator has said where the shared folder is mounted here; without, say it once.
  let warnedAboutRoot = options.checkpointRoot !== undefined;
  await checkRedis(options.redis);

  const process_ = async (job: Job): Promise<TrialJobOutcome> => {
    const startedAt = Date.now();
    let data: TrialJobData;
    try {
      data = parseTrialJob(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message); // retrying a malformed job cannot help
    }
    if (data.study !== options.study) throw new UnrecoverableError(`job for study "${data.study}" in the queue of study "${options.study}"`);
    if (!warnedAboutRoot && data.checkpoint.dir !== path.join(checkpointRoot, data.checkpoint.lineage)) {
      warnedAboutRoot = true;
      warn(`the coordinator keeps checkpoints in ${path.dirname(data.checkpoint.dir)}, this worker in ${checkpointRoot}; unless that is the same shared folder, start the worker with --checkpoints <that folder as this machine mounts it>`);
    }
    let evaluate: Evaluate;
    try {
      checkpointDirUnder(checkpointRoot, data.checkpoint.lineage);
      evaluate = await registry.resolve(data.evaluator, environment);
    } catch (error) {
      // A job asking for what this worker does not allow would be refused again: fail it now with the reason.
      if (error instanceof RejectedJobError) throw new UnrecoverableError(`rejected by worker ${id}: ${error.message}`);
      throw error;
    }
    // Retries after a lost worker or a failed attempt may find the checkpoint ahead of previousBudget.
    const attempt = data.attempt + job.attemptsMade + (job.stalledCounter ?? 0);
    options.onTrialStart?.(data);
    const controller = new AbortController();
    const context: EvaluationContext = {
      trialId: data.trialId,
      configId: data.configId,
      budget: data.budget,
      previousBudget: data.previousBudget,
      attempt,
      get checkpointDir(): string {
        return checkpointDirUnder(checkpointRoot, data.checkpoint.lineage, true);
      },
      signal: controller.signal,
    };
    if (data.previousTrialId !== undefined) context.previousTrialId = data.previousTrialId;
    let timer: NodeJS.Timeout | undefined;
    let result: TrialJobOutcome['result'];
    try {
      const evaluation = Promise.resolve().then(() => evaluate({ ...data.config }, data.budget, context));
      const timeout = data.timeoutSeconds;
      const outcome =
        timeout === undefined
          ? await evaluation
          : await Promise.race([
              evaluation,
              new Promise<typeof TIMED_OUT>((resolve) => {
                timer = setTimeout(() => resolve(TIMED_OUT), timeout * 1000);
              }),
            ]);
      if (outcome === TIMED_OUT) {
        controller.abort(new Error(`trial ${data.trialId} timed out after ${timeout} s`));
        evaluation.catch(() => undefined);
        result = { status: 'timeout', values: {}, attributes: {}, error: `timed out after ${timeout} s` };
      } else {
        result = outcomeResult(outcome);
      }
    } catch (error) {
      if (error instanceof TrialTimeoutError) result = { status: 'timeout', values: {}, attributes: {}, error: error.message };
      else result = { status: 'failed', values: {}, attributes: {}, error: error instanceof Error ? error.message : String(error) };
    } finally {
      if (timer) clearTimeout(timer);
    }
    const finishedAt = Date.now();
    // Without a reported duration, the evaluation's own wall time (not the time in the queue) is the cost.
    result.cost = { seconds: (finishedAt - startedAt) / 1000, ...(result.cost ?? {}) };
    result.attributes = { ...result.attributes, worker: id };
    const outcome: TrialJobOutcome = { trialId: data.trialId, result, worker: id, attempt, startedAt, finishedAt };
    options.onTrialEnd?.(outcome);
    return outcome;
  };

  const worker = new Worker(queueName, process_, {
    connection: connectionOptions(options.redis),
    concurrency,
    lockDuration: lockSeconds * 1000,
    stalledInterval: stalledSeconds * 1000,
    maxStalledCount,
  });
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`frnas worker ${id}: ${error.message}\n`));
  worker.on('error', onError);
  await worker.waitUntilReady();
  return {
    id,
    queueName,
    checkpointRoot,
    dataRoots,
    close: (force = false) => worker.close(force),
  };
}

const TIMED_OUT = Symbol('timed out');
