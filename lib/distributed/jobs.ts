import * as path from 'node:path';
import type { EvaluationResult, TrialCost, TrialResult } from '../search/index.js';
import type { Configuration } from '../space/types.js';
import type { EvaluatorSpec, JsonObject } from './evaluators.js';
import { DistributedError } from './redis-url.js';

/**
 * What a trial job carries: data only. The worker finds the evaluator by name in its own registry, so nothing
 * in the queue is ever executed as code.
 */
export interface TrialJobData {
  version: 1;
  study: string;
  trialId: number;
  configId: string;
  config: Configuration;
  budget: number;
  /** Budget the lineage has already trained (the parent trial's budget, 0 for a new configuration). */
  previousBudget: number;
  previousTrialId?: number;
  /** How many times the study has handed the trial out (more after a coordinator restart). */
  attempt: number;
  /**
   * The lineage's checkpoint directory as the coordinator names it, and its last path part (`trial-000003`). A worker
   * uses only the lineage, under its own checkpoint root.
   */
  checkpoint: { dir: string; lineage: string };
  evaluator: EvaluatorSpec;
  timeoutSeconds?: number;
  /** Date.now() when the coordinator enqueued it (scheduling latency = start - enqueue). */
  enqueuedAt: number;
}

/** The job's return value: the trial's result, and when and where it ran. */
export interface TrialJobOutcome {
  trialId: number;
  /** Non-finite numbers are sent as strings ('NaN', 'Infinity') because JSON has none; the coordinator turns them back. */
  result: { status: 'ok' | 'failed' | 'timeout'; values: Record<string, number | string>; error?: string; cost?: Partial<TrialCost>; attributes: Record<string, unknown> };
  worker: string;
  attempt: number;
  startedAt: number;
  finishedAt: number;
}

const STUDY_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const LINEAGE = /^trial-\d+$/;

/** The BullMQ queue of a study's trials. */
export function trialQueueName(study: string): string {
  checkStudyName(study);
  return `frnas-trials-${study}`;
}

export function checkStudyName(study: string): void {
  if (typeof study !== 'string' || !STUDY_NAME.test(study)) {
    throw new DistributedError(`study name must be 1-100 letters, digits, '_', '.' or '-' (it names the Redis queue), got ${JSON.stringify(study)}`);
  }
}

/** One job per trial: BullMQ ignores a second add with the same id, so re-enqueueing after a restart never duplicates. */
export function trialJobId(trialId: number): string {
  return `trial-${trialId}`;
}

/** Checks a job's data before anything runs; a malformed job is one clear error (and never retried). */
export function parseTrialJob(data: unknown): TrialJobData {
  const problem = (what: string): DistributedError => new DistributedError(`malformed trial job: ${what}`);
  if (!isObject(data)) throw problem('data is not an object');
  const polluting = pollutingKey(data, '');
  if (polluting !== undefined) throw problem(polluting);
  if (data.version !== 1) throw problem(`unsupported version ${JSON.stringify(data.version)} (this worker reads version 1; update frnas on the worker or the coordinator)`);
  if (typeof data.study !== 'string' || !STUDY_NAME.test(data.study)) throw problem('study must be a study name');
  for (const key of ['trialId', 'attempt', 'enqueuedAt'] as const) {
    if (!Number.isSafeInteger(data[key]) || (data[key] as number) < 0) throw problem(`${key} must be an integer >= 0`);
  }
  if (data.previousTrialId !== undefined && (!Number.isSafeInteger(data.previousTrialId) || (data.previousTrialId as number) < 0)) {
    throw problem('previousTrialId must be an integer >= 0');
  }
  if (typeof data.configId !== 'string') throw problem('configId must be a string');
  for (const key of ['budget', 'previousBudget'] as const) {
    if (typeof data[key] !== 'number' || !Number.isFinite(data[key]) || (data[key] as number) < 0) throw problem(`${key} must be a finite number >= 0`);
  }
  // setTimeout fires at once when asked to wait longer than 2^31 - 1 ms.
  if (data.timeoutSeconds !== undefined && !(typeof data.timeoutSeconds === 'number' && data.timeoutSeconds > 0 && data.timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
    throw problem(`timeoutSeconds must be a positive number of at most ${MAX_TIMEOUT_SECONDS}`);
  }
  if (!isObject(data.config)) throw problem('config must be an object');
  for (const [key, value] of Object.entries(data.config)) {
    if (!['number', 'string', 'boolean'].includes(typeof value)) throw problem(`config.${key} must be a number, string or boolean`);
  }
  const checkpoint = data.checkpoint;
  if (!isObject(checkpoint) || typeof checkpoint.dir !== 'string' || typeof checkpoint.lineage !== 'string') throw problem('checkpoint must be { dir, lineage }');
  // The lineage is joined to the worker's checkpoint root: never let it climb out of it.
  if (!LINEAGE.test(checkpoint.lineage)) throw problem(`checkpoint.lineage must look like trial-000012, got ${JSON.stringify(checkpoint.lineage)}`);
  // The worker never uses dir (it joins the lineage to its own root), but a coordinator always sends an absolute
  // <root>/<lineage>: anything else is not from one.
  if (!path.isAbsolute(checkpoint.dir) || checkpoint.dir.split(/[\\/]/).includes('..') || path.basename(checkpoint.dir) !== checkpoint.lineage) {
    throw problem(`checkpoint.dir must be an absolute path ending in the lineage, without '..', got ${JSON.stringify(checkpoint.dir)}`);
  }
  const evaluator = data.evaluator;
  if (!isObject(evaluator) || typeof evaluator.name !== 'string') throw problem('evaluator must be { name, options? }');
  if (evaluator.options !== undefined && !isObject(evaluator.options)) throw problem('evaluator.options must be an object');
  return data as unknown as TrialJobData;
}

/** The longest timeout setTimeout can wait, in whole seconds (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** What is wrong with the first `__proto__`, `constructor` or `prototype` key in a job's data (an Object.assign or merge would follow it), or with nesting too deep to walk. */
function pollutingKey(value: unknown, at: string, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > 32) return `${at}: nested more than 32 levels deep`;
  for (const [key, child] of Object.entries(value)) {
    const where = Array.isArray(value) ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`;
    if (!Array.isArray(value) && (key === '__proto__' || key === 'constructor' || key === 'prototype')) return `${where}: a key that would reach an object's prototype`;
    const found = pollutingKey(child, where, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An evaluation's return value as a job result: objectives and other keys split as `optimize` does. */
export function outcomeResult(outcome: unknown): TrialJobOutcome['result'] {
  if (!isObject(outcome) || Array.isArray(outcome)) {
    return { status: 'failed', values: {}, attributes: {}, error: `evaluate returned ${JSON.stringify(outcome)}, expected an object of objective values` };
  }
  const { cost, attributes, ...rest } = outcome as EvaluationResult;
  const values: Record<string, number | string> = {};
  const extra: Record<string, unknown> = { ...(attributes ?? {}) };
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value === 'number') values[key] = Number.isFinite(value) ? value : String(value);
    else extra[key] = value;
  }
  const result: TrialJobOutcome['result'] = { status: 'ok', values, attributes: extra };
  if (cost !== undefined) result.cost = cost;
  return result;
}

/** A job outcome back into what `Study#tell` takes. */
export function tellableResult(outcome: TrialJobOutcome['result']): TrialResult {
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(outcome.values ?? {})) {
    values[key] = typeof value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(value) ? Number(value) : (value as number);
  }
  const result: TrialResult = { status: outcome.status, values, attributes: outcome.attributes ?? {} };
  if (outcome.error !== undefined) result.error = outcome.error;
  if (outcome.cost !== undefined) result.cost = outcome.cost;
  return result;
}

export function isObject(value: unknown): value is JsonObject & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
