import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { checkStopRules, ConsecutiveFailures, stopRulesAllowStart } from '../search/optimize.js';
import { Study, StudyError, type SearchProgress, type StopRules, type StudyOptions, type Trial, type TrialResult } from '../search/index.js';
import { isPlainJson, type EvaluatorSpec } from './evaluators.js';
import { isObject, tellableResult, trialJobId, trialQueueName, checkStudyName, type TrialJobData, type TrialJobOutcome } from './jobs.js';
import { checkRedis, connectionOptions, DistributedError, persistenceWarnings, type RedisConnectionSettings } from './redis-url.js';

export interface CoordinatorOptions extends StudyOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://...`, or parsed settings. */
  redis: string | RedisConnectionSettings;
  /** The study folder: journal (the single source of truth) and, by default, the checkpoints. Re-running resumes. */
  directory: string;
  /** Names the study's queue; workers are started with the same name. Default: the folder's name. */
  study?: string;
  /** What workers run: an evaluator installed on them, by name, with plain-data options. */
  evaluator: EvaluatorSpec;
  stop: StopRules;
  /** Trials queued or running at once (default 4); set it to about the workers' total concurrency. */
  inFlight?: number;
  /**
   * 'arrival' (default) tells each result as soon as it is in; 'trial-id' tells them strictly in trial-id order and
   * asks new trials only right after each tell, so the study's decisions do not depend on which worker is faster
   * (reproducible runs; a slow trial then holds back the ones after it).
   */
  tellOrder?: 'arrival' | 'trial-id';
  /** The shared checkpoint folder as the coordinator names it; default `<directory>/checkpoints`. */
  checkpointRoot?: string;
  /** Attempts per trial job when a worker fails it (the evaluator missing or failing to load); default 3. */
  attempts?: number;
  /** Seconds after which a running trial is recorded as `timeout` (enforced by the worker). */
  trialTimeout?: number;
  /** Seconds between checks of every queued trial's job (results whose event was missed, lost jobs); default 1. */
  pollInterval?: number;
  /** fsync every journal event (default true). */
  fsync?: boolean;
  /** Stop with an error after this many failed trials in a row (default 5; 0 or Infinity: never); as `optimize`'s option. */
  maxConsecutiveFailures?: number;
  /** Aborting stops asking new trials; queued and running ones are still collected. */
  signal?: AbortSignal;
  /** Called once connected, with the queue the workers must serve. */
  onReady?: (info: { study: string; queueName: string }) => void;
  onTrialEnqueued?: (trial: Trial) => void;
  onTrialEnd?: (trial: Trial, timing: TrialTiming | undefined) => void;
  onProgress?: (progress: SearchProgress) => void;
}

/** When a trial was enqueued, started and finished on its worker, and told (Date.now() milliseconds). */
export interface TrialTiming {
  trialId: number;
  worker: string;
  enqueuedAt: number;
  startedAt: number;
  finishedAt: number;
  toldAt: number;
}

export interface CoordinatorResult {
  trials: Trial[];
  paretoFront: Trial[];
  /** Timings of the trials told by this call (not those of failed jobs). */
  timings: TrialTiming[];
  queueName: string;
}

interface ReadyResult {
  result: TrialResult;
  timing?: Omit<TrialTiming, 'toldAt'>;
  job: Job;
}

const DEFAULT_IN_FLIGHT = 4;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_POLL_SECONDS = 1;

/** The study name a folder gives by default: its base name, with characters a queue name cannot hold replaced. */
export function defaultStudyName(directory: string): string {
  const name = path.basename(path.resolve(directory)).replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 100);
  return name === '' ? 'study' : name;
}

/**
 * Runs a study with its trials evaluated by workers on any machine. The coordinator owns the study (scheduler,
 * proposer, journal): it asks trials, enqueues each as a BullMQ job `trial-<id>` carrying only data (configuration,
 * budget, checkpoint directory, evaluator name and options), and tells results as workers finish them.
 *
 * Restarting it on the same folder resumes: trials the journal shows running are handed out again under the same
 * job ids (BullMQ ignores the duplicate add when the job still exists); a job that completed or failed meanwhile is
 * told from Redis; a job that is gone (Redis lost it) is enqueued again. A result is told once: a trial that is not
 * running any more ignores further results.
 */
export async function runCoordinator(options: CoordinatorOptions): Promise<CoordinatorResult> {
  const { stop } = options;
  checkStopRules(stop, 'coordinator', (message) => new DistributedError(message));
  const inFlightLimit = options.inFlight ?? DEFAULT_IN_FLIGHT;
  if (!Number.isInteger(inFlightLimit) || inFlightLimit < 1) throw new DistributedError(`coordinator: inFlight must be an integer >= 1, got ${inFlightLimit}`);
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new DistributedError(`coordinator: attempts must be an integer >= 1, got ${attempts}`);
  const pollMs = (options.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000;
  const bullmq = await import('bullmq'); // loaded on use: importing frnas must not load BullMQ
  if (!(pollMs > 0)) throw new DistributedError(`coordinator: pollInterval must be a positive number of seconds, got ${options.pollInterval}`);
  if (options.trialTimeout !== undefined && !(options.trialTimeout > 0)) throw new DistributedError(`coordinator: trialTimeout must be a positive number of seconds, got ${options.trialTimeout}`);
  const tellOrder = options.tellOrder ?? 'arrival';
  if (tellOrder !== 'arrival' && tellOrder !== 'trial-id') throw new DistributedError(`coordinator: tellOrder must be 'arrival' or 'trial-id', got ${JSON.stringify(tellOrder)}`);
  if (!options.evaluator || typeof options.evaluator.name !== 'string') throw new DistributedError('coordinator: "evaluator" must be { name, options? } naming an evaluator installed on the workers');
  if (options.evaluator.options !== undefined && !(isPlainJson(options.evaluator.options) && typeof options.evaluator.options === 'object' && !Array.isArray(options.evaluator.options))) {
    throw new DistributedError('coordinator: evaluator options must be a plain JSON object (numbers, strings, booleans, lists, objects): jobs carry data, never code');
  }
  const failures = new ConsecutiveFailures(options.maxConsecutiveFailures, 'coordinator', (message) => new DistributedError(message));
  const studyName = options.study ?? defaultStudyName(options.directory);
  checkStudyName(studyName);
  const queueName = trialQueueName(studyName);
  const warn = options.onWarning ?? ((message: string) => console.warn(message));

  const persistence = await checkRedis(options.redis);
  for (const warning of persistenceWarnings(persistence)) warn(`frnas coordinator: ${warning}`);

  const study = Study.open(options.directory, options);
  const checkpointRoot = path.resolve(options.checkpointRoot ?? path.join(study.directory ?? options.directory, 'checkpoints'));
  const connection = connectionOptions(options.redis);
  const queue = new bullmq.Queue(queueName, { connection, defaultJobOptions: { attempts, removeOnComplete: false, removeOnFail: false } });
  const events = new bullmq.QueueEvents(queueName, { connection });
  queue.on('error', (error: Error) => warn(`frnas coordinator: queue: ${error.message}`));
  events.on('error', (error: Error) => warn(`frnas coordinator: queue events: ${error.message}`));

  const started = performance.now();
  const inFlight = new Map<number, Trial>();
  const ready = new Map<number, ReadyResult>();
  const notified = new Set<number>();
  const timings: TrialTiming[] = [];
  let wakeUp: (() => void) | undefined;
  let stopRequested = false;
  /** Set when too many trials failed in a row: no more are asked, the queued ones are collected, then it is thrown. */
  let failure: Error | undefined;

  const notify = ({ jobId }: { jobId: string }): void => {
    const match = /^trial-(\d+)$/.exec(jobId);
    if (!match) return;
    notified.add(Number(match[1]));
    wakeUp?.();
  };
  const onAbort = (): void => wakeUp?.();

  const elapsed = (): number => (performance.now() - started) / 1000;
  const mayStart = (): boolean => {
    if (stopRequested || options.signal?.aborted) return false;
    return stopRulesAllowStart(study, stop, elapsed());
  };
  /** Asks trials until the window is full or a stop rule holds; returns them to enqueue. */
  const fill = (): Trial[] => {
    const asked: Trial[] = [];
    while (inFlight.size < inFlightLimit && mayStart()) {
      const trial = study.tryAsk();
      if (!trial) break;
      inFlight.set(trial.id, trial);
      asked.push(trial);
    }
    return asked;
  };
  const jobData = (trial: Trial): TrialJobData => {
    const lineage = path.basename(study.checkpointDir(trial));
    const data: TrialJobData = {
      version: 1,
      study: studyName,
      trialId: trial.id,
      configId: trial.configId,
      config: trial.config,
      budget: trial.budget,
      previousBudget: study.previousBudget(trial),
      attempt: study.attemptOf(trial.id),
      checkpoint: { dir: path.join(checkpointRoot, lineage), lineage },
      evaluator: options.evaluator,
      enqueuedAt: Date.now(),
    };
    if (trial.parentTrialId !== undefined) data.previousTrialId = trial.parentTrialId;
    if (options.trialTimeout !== undefined) data.timeoutSeconds = options.trialTimeout;
    return data;
  };
  const enqueue = async (trials: readonly Trial[]): Promise<void> => {
    if (trials.length === 0) return;
    // Same job id for the same trial: an add after a restart is ignored by BullMQ while the job exists.
    await queue.addBulk(trials.map((trial) => ({ name: 'trial', data: jobData(trial), opts: { jobId: trialJobId(trial.id) } })));
    for (const trial of trials) options.onTrialEnqueued?.(trial);
  };
  /** Looks at a trial's job: a finished one becomes ready to tell, a lost one is enqueued again. */
  const collect = async (trialId: number): Promise<void> => {
    const trial = inFlight.get(trialId);
    if (!trial || ready.has(trialId)) return; // told already, or already collected: a second result counts for nothing
    // State first: a job read before it completes has no return value yet.
    const state = await queue.getJobState(trialJobId(trialId));
    const job = state === 'unknown' ? undefined : await bullmq.Job.fromId<TrialJobData, TrialJobOutcome>(queue, trialJobId(trialId));
    if (!job) {
      warn(`frnas coordinator: the job of trial ${trialId} is gone from Redis (was Redis restarted without appendonly?); enqueuing it again`);
      await enqueue([trial]);
      return;
    }
    if (!isObject(job.data) || job.data.configId !== trial.configId || job.data.budget !== trial.budget) {
      throw new DistributedError(
        `queue ${queueName} holds a job ${job.id} that is not trial ${trialId} of the study in ${study.directory}: another study used the name "${studyName}"; ` +
          'give this study another name (--study) or empty that queue',
      );
    }
    if (state === 'completed') {
      const outcome = job.returnvalue;
      if (!isObject(outcome) || !isObject(outcome.result)) {
        ready.set(trialId, { job, result: { status: 'failed', error: `the worker returned no result (${JSON.stringify(outcome)})` } });
        return;
      }
      const timing = { trialId, worker: String(outcome.worker), enqueuedAt: job.data.enqueuedAt, startedAt: outcome.startedAt, finishedAt: outcome.finishedAt };
      ready.set(trialId, { job, result: tellableResult(outcome.result), timing });
    } else if (state === 'failed') {
      const reason = job.failedReason || 'unknown reason';
      // Tries: attempts its worker failed, plus runs whose worker was lost (those do not count as attempts in BullMQ).
      const tries = job.attemptsMade + (job.stalledCounter ?? 0);
      ready.set(trialId, { job, result: { status: 'failed', error: `trial job failed after ${tries} attempt(s): ${reason}` } });
    }
  };
  const tellOne = (trialId: number): Job => {
    const { result, timing, job } = ready.get(trialId) as ReadyResult;
    let told: Trial;
    try {
      told = study.tell(trialId, result);
    } catch (error) {
      if (!(error instanceof StudyError)) throw error;
      told = study.tell(trialId, { status: 'failed', error: error.message });
    }
    ready.delete(trialId);
    inFlight.delete(trialId);
    const timed = timing ? { ...timing, toldAt: Date.now() } : undefined;
    if (timed) timings.push(timed);
    options.onTrialEnd?.(told, timed);
    failure ??= failures.tell(told);
    if (failure) stopRequested = true;
    if (options.onProgress || stop.when) {
      const progress: SearchProgress = {
        finished: study.finishedCount,
        running: study.runningCount,
        budgetSpent: study.budgetSpent,
        paretoFrontSize: study.paretoFront().length,
        elapsedSeconds: elapsed(),
      };
      options.onProgress?.(progress);
      if (stop.when?.(progress)) stopRequested = true;
    }
    return job;
  };
  /** Tells what is ready (in trial-id order when asked to), asking new trials right after each tell. */
  const tellReady = async (): Promise<void> => {
    const told: Job[] = [];
    const asked: Trial[] = [];
    for (;;) {
      let next: number | undefined;
      if (tellOrder === 'trial-id') {
        next = Math.min(...inFlight.keys());
        if (!ready.has(next)) break;
      } else {
        if (ready.size === 0) break;
        next = Math.min(...ready.keys());
      }
      told.push(tellOne(next));
      asked.push(...fill());
    }
    await enqueue(asked);
    // The journal holds the results now: their jobs may go.
    await Promise.all(told.map((job) => job.remove().catch(() => undefined)));
  };
  const waitForNews = (): Promise<void> =>
    new Promise((resolve) => {
      if (notified.size > 0 || options.signal?.aborted) return resolve();
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, pollMs);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });

  try {
    events.on('completed', notify);
    events.on('failed', notify);
    options.signal?.addEventListener('abort', onAbort);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    options.onReady?.({ study: studyName, queueName });
    // Trials the last coordinator left running keep their ids; their jobs are found again, or enqueued again.
    const restarted: Trial[] = [];
    while (study.restartsPending > 0) {
      const trial = study.tryAsk();
      if (!trial) break;
      inFlight.set(trial.id, trial);
      restarted.push(trial);
    }
    await enqueue(restarted);
    await enqueue(fill());
    let lastSweep = -Infinity;
    while (inFlight.size > 0) {
      const sweep = performance.now() - lastSweep >= pollMs;
      const ids = sweep ? [...inFlight.keys()] : [...notified];
      notified.clear();
      if (sweep) lastSweep = performance.now();
      await Promise.all(ids.map((id) => collect(id)));
      await tellReady();
      if (inFlight.size === 0) await enqueue(fill());
      if (inFlight.size > 0 && notified.size === 0) await waitForNews();
    }
    if (failure) throw failure;
    return { trials: study.trials(), paretoFront: study.paretoFront(), timings, queueName };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled([events.close(), queue.close()]);
    study.close();
  }
}
