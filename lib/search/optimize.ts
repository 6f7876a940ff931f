import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Configuration } from '../space/types.js';
import type { StudyStorage } from './storage/events.js';
import { Study, StudyError, type StudyOptions } from './study.js';
import type { Trial, TrialCost, TrialResult } from './types.js';

/** What `evaluate` gets besides the configuration and budget. */
export interface EvaluationContext {
  trialId: number;
  configId: string;
  budget: number;
  /** Budget already trained by this configuration's lineage (the parent trial's budget; 0 for a new configuration). */
  previousBudget: number;
  /** The trial this one was promoted from; its checkpoint is in `checkpointDir`. */
  previousTrialId?: number;
  /** 1, or more when the trial is run again after a crash (the checkpoint may then be ahead of previousBudget). */
  attempt: number;
  /**
   * The lineage's checkpoint directory (created on first access): save the model there, and continue from it
   * when promoted, so a promotion from budget b1 to b2 only trains b2 - b1 more.
   */
  readonly checkpointDir: string;
  /** Aborted when the trial times out: long evaluations should stop then. */
  signal: AbortSignal;
  /** The study's folder when it has one (a command trial writes its log under it). */
  studyDir?: string;
}

/**
 * Thrown by an evaluation that stopped because it ran out of time (e.g. a command trial's own timeout): the trial
 * is recorded as `timeout` with the message as its reason, not as `failed`.
 */
export class TrialTimeoutError extends Error {
  override readonly name = 'TrialTimeoutError';
}

/**
 * What `evaluate` returns: one finite number per objective; optionally `cost` (defaults: measured seconds,
 * budget - previousBudget units) and `attributes`. Other keys are kept among the trial's attributes.
 */
export interface EvaluationResult {
  [name: string]: unknown;
  cost?: Partial<TrialCost>;
  attributes?: Record<string, unknown>;
}

export type Evaluate = (
  config: Configuration,
  budget: number,
  context: EvaluationContext,
) => EvaluationResult | Promise<EvaluationResult>;

export interface SearchProgress {
  /** Finished trials of the study (ok, failed, timeout), earlier sessions included. */
  finished: number;
  running: number;
  /** Budget units spent by finished trials. */
  budgetSpent: number;
  /** Size of the study's Pareto front (see `Study#paretoFront`). */
  paretoFrontSize: number;
  /** Seconds since this `optimize` call started. */
  elapsedSeconds: number;
}

/** When to stop starting trials (running ones finish). At least one rule is required. */
export interface StopRules {
  /** Total finished + running trials of the study (a resumed study counts its earlier trials; results recorded with `Study#addTrial` do not count). */
  trials?: number;
  /** Total budget units: spent by finished trials plus planned by running ones. */
  budget?: number;
  /** Wall-clock seconds of this call. */
  seconds?: number;
  /** Checked after every result; true stops the search. */
  when?: (progress: SearchProgress) => boolean;
}

export interface OptimizeOptions extends StudyOptions {
  evaluate: Evaluate;
  stop: StopRules;
  /** Evaluations in flight at once (default 1). */
  concurrency?: number;
  /** A study directory (journal + checkpoints; re-running resumes it) or a storage; default in memory. */
  storage?: string | StudyStorage;
  /** Seconds after which a trial is recorded as `timeout` and its signal aborted. */
  trialTimeout?: number;
  /** fsync every journal event (default true). */
  fsync?: boolean;
  /**
   * Stop with an error after this many `failed` trials in a row (default 5; 0 or Infinity: never), so a broken
   * evaluation does not burn the whole budget. Running trials finish first; the study stays resumable.
   */
  maxConsecutiveFailures?: number;
  onTrialStart?: (trial: Trial) => void;
  onTrialEnd?: (trial: Trial) => void;
  onProgress?: (progress: SearchProgress) => void;
}

export interface OptimizeResult {
  /** Every trial of the study, by id. */
  trials: Trial[];
  /** Non-dominated ok trials at the highest budget that has ok trials. */
  paretoFront: Trial[];
}

/**
 * Runs a search: asks the study for trials, evaluates up to `concurrency` of them at a time, tells the results,
 * until a stop rule says so; then waits for the running evaluations. A thrown evaluation, a non-finite objective
 * or a timeout makes a failed/timeout trial, never a crash; but `maxConsecutiveFailures` failed trials in a row
 * (default 5) reject the call once the running evaluations are told. With `storage` a directory, a killed search resumes
 * when `optimize` is called again with the same options.
 */
export async function optimize(options: OptimizeOptions): Promise<OptimizeResult> {
  const { evaluate, stop } = options;
  if (typeof evaluate !== 'function') throw new StudyError('optimize: "evaluate" must be a function');
  checkStopRules(stop, 'optimize', (message) => new StudyError(message));
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new StudyError(`optimize: "concurrency" must be an integer >= 1, got ${concurrency}`);
  if (options.trialTimeout !== undefined && !(options.trialTimeout > 0)) {
    throw new StudyError(`optimize: "trialTimeout" must be a positive number of seconds, got ${options.trialTimeout}`);
  }

  const failures = new ConsecutiveFailures(options.maxConsecutiveFailures, 'optimize', (message) => new StudyError(message));

  const study =
    typeof options.storage === 'string'
      ? Study.open(options.storage, options)
      : options.storage
        ? Study.fromStorage(options.storage, options)
        : Study.inMemory(options);
  const started = performance.now();
  const inFlight = new Map<number, Promise<void>>();
  let stopRequested = false;
  let failure: unknown;

  const elapsed = (): number => (performance.now() - started) / 1000;
  const progress = (): SearchProgress => ({
    finished: study.finishedCount,
    running: study.runningCount,
    budgetSpent: study.budgetSpent,
    paretoFrontSize: study.paretoFront().length,
    elapsedSeconds: elapsed(),
  });
  const mayStart = (): boolean => {
    if (stopRequested || failure !== undefined) return false;
    return stopRulesAllowStart(study, stop, elapsed());
  };

  const run = async (trial: Trial): Promise<void> => {
    const result = await evaluateTrial(study, trial, evaluate, options.trialTimeout);
    let told: Trial;
    try {
      told = study.tell(trial.id, result);
    } catch (error) {
      if (!(error instanceof StudyError)) throw error;
      told = study.tell(trial.id, { status: 'failed', error: error.message });
    }
    options.onTrialEnd?.(told);
    failure ??= failures.tell(told);
    if (options.onProgress || stop.when) {
      const now = progress();
      options.onProgress?.(now);
      if (stop.when?.(now)) stopRequested = true;
    }
  };

  try {
    for (;;) {
      while (inFlight.size < concurrency && mayStart()) {
        const trial = study.tryAsk();
        if (!trial) break;
        options.onTrialStart?.(trial);
        const promise = run(trial)
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => inFlight.delete(trial.id));
        inFlight.set(trial.id, promise);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    if (failure !== undefined) throw failure;
    return { trials: study.trials(), paretoFront: study.paretoFront() };
  } finally {
    study.close();
  }
}

/**
 * Whether the stop rules still let another trial start (the part of the decision that optimize and the distributed
 * coordinator share). Trials a crash left running were already counted when they were asked: always finish them.
 */
export function stopRulesAllowStart(study: Study, stop: StopRules, elapsedSeconds: number): boolean {
  if (stop.seconds !== undefined && elapsedSeconds >= stop.seconds) return false;
  if (study.restartsPending > 0) return true;
  // Results added from elsewhere (Study#addTrial) were not run by this study: they do not use up its trials.
  if (stop.trials !== undefined && study.finishedCount - study.addedCount + study.runningCount >= stop.trials) return false;
  if (stop.budget !== undefined && study.budgetSpent + plannedBudget(study) >= stop.budget) return false;
  return true;
}

function plannedBudget(study: Study): number {
  let planned = 0;
  for (const trial of study.runningTrials()) planned += study.plannedCost(trial);
  return planned;
}

/** Failed trials in a row after which a search stops, unless told otherwise. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;

/**
 * The rule that stops a search whose evaluation is broken (optimize and the distributed coordinator share it): counts
 * `failed` trials in a row in the order they are told; an `ok` trial starts the count again, a timeout leaves it as it is.
 */
export class ConsecutiveFailures {
  private readonly limit: number;
  private count = 0;

  constructor(
    limit: number | undefined,
    private readonly caller: string,
    private readonly error: (message: string) => Error,
  ) {
    const value = limit ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
      throw error(`${caller}: "maxConsecutiveFailures" must be an integer >= 0 (0 or Infinity: never stop), got ${String(limit)}`);
    }
    this.limit = value === 0 ? Infinity : value;
  }

  /** Counts a told trial; returns the error to stop with once `limit` failed trials came in a row. */
  tell(trial: Trial): Error | undefined {
    if (trial.status === 'ok') this.count = 0;
    else if (trial.status === 'failed') this.count++;
    if (trial.status !== 'failed' || this.count < this.limit) return undefined;
    return this.error(
      `${this.caller}: stopped after ${this.count} failed trials in a row (the last, trial ${trial.id}: ${trial.error ?? 'no reason recorded'}); ` +
        'the evaluation looks broken. Every told trial is in the journal: fix the cause and run the same search again to resume ' +
        '(maxConsecutiveFailures, --max-consecutive-failures, sets the limit; 0 turns the rule off)',
    );
  }
}

/** Checks stop rules, throwing `error(message)` with messages prefixed by `caller` (e.g. 'optimize'). */
export function checkStopRules(stop: StopRules | undefined, caller: string, error: (message: string) => Error): void {
  if (!stop || typeof stop !== 'object') throw error(`${caller}: "stop" is required, e.g. { trials: 100 }`);
  const { trials, budget, seconds, when } = stop;
  if (trials === undefined && budget === undefined && seconds === undefined && when === undefined) {
    throw error(`${caller}: "stop" needs at least one of trials, budget, seconds, when`);
  }
  for (const [field, value] of [['trials', trials], ['budget', budget], ['seconds', seconds]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      throw error(`${caller}: "stop.${field}" must be a number >= 0, got ${String(value)}`);
    }
  }
  if (when !== undefined && typeof when !== 'function') throw error(`${caller}: "stop.when" must be a function`);
}

/** Runs `evaluate` for one trial and turns whatever happens into a result for `tell`. */
async function evaluateTrial(study: Study, trial: Trial, evaluate: Evaluate, timeoutSeconds: number | undefined): Promise<TrialResult> {
  const controller = new AbortController();
  const checkpointDir = study.checkpointDir(trial);
  const context: EvaluationContext = {
    trialId: trial.id,
    configId: trial.configId,
    budget: trial.budget,
    previousBudget: study.previousBudget(trial),
    attempt: study.attemptOf(trial.id),
    get checkpointDir(): string {
      fs.mkdirSync(checkpointDir, { recursive: true });
      return checkpointDir;
    },
    signal: controller.signal,
  };
  if (trial.parentTrialId !== undefined) context.previousTrialId = trial.parentTrialId;
  if (study.directory !== undefined) context.studyDir = study.directory;
  let timer: NodeJS.Timeout | undefined;
  try {
    const evaluation = Promise.resolve().then(() => evaluate({ ...trial.config }, trial.budget, context));
    const outcome =
      timeoutSeconds === undefined
        ? await evaluation
        : await Promise.race([
            evaluation,
            new Promise<'timeout'>((resolve) => {
              timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
            }),
          ]);
    if (outcome === 'timeout') {
      controller.abort(new Error(`trial ${trial.id} timed out after ${timeoutSeconds} s`));
      evaluation.catch(() => undefined); // its late failure, if any, is of no interest now
      return { status: 'timeout', error: `timed out after ${timeoutSeconds} s` };
    }
    return toTrialResult(outcome);
  } catch (error) {
    if (error instanceof TrialTimeoutError) return { status: 'timeout', error: error.message };
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function toTrialResult(outcome: unknown): TrialResult {
  if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome)) {
    return { status: 'failed', error: `evaluate returned ${JSON.stringify(outcome)}, expected an object of objective values` };
  }
  const { cost, attributes, ...rest } = outcome as EvaluationResult;
  // Objectives are checked by Study#tell (a non-number becomes a failed trial); other keys become attributes there.
  const values = rest as Record<string, number>;
  const extra: Record<string, unknown> = { ...(attributes ?? {}) };
  const result: TrialResult = { values, attributes: extra };
  if (cost !== undefined) result.cost = cost;
  return result;
}
