import type { Configuration } from '../../space/types.js';
import type { Fidelity, ObjectiveSpec, TrialCost } from '../types.js';

/** First event of every study: the options it was created with, compared when it is re-opened. */
export interface HeaderEvent {
  type: 'header';
  version: 1;
  space: unknown;
  objectives: ObjectiveSpec[];
  fidelity: Fidelity;
  seed: number | string;
  scheduler: { name: string; options: Record<string, unknown> };
  proposer: string;
  promotion: string;
  /** Settings outside the engine that change results (StudyOptions.settings). */
  settings?: Record<string, unknown>;
}

/** A new configuration was asked (the trial runs from now on). */
export interface AskedEvent {
  type: 'asked';
  trial: number;
  config: Configuration;
  configId: string;
  budget: number;
  bracket: number;
  rung: number;
  /** The configuration came from the queue of `Study#enqueue` instead of the proposer. */
  enqueued?: true;
}

/** A configuration was promoted: a new trial of the parent's configuration at a higher budget. */
export interface PromotedEvent extends Omit<AskedEvent, 'type'> {
  type: 'promoted';
  parentTrialId: number;
}

/** A trial left running by a crash was handed out again after the study was re-opened. */
export interface StartedEvent {
  type: 'started';
  trial: number;
  attempt: number;
}

export interface ResultEvent {
  type: 'result';
  trial: number;
  status: 'ok' | 'failed' | 'timeout';
  values: Record<string, number>;
  cost: TrialCost;
  attributes: Record<string, unknown>;
  error?: string;
}

/** `Study#enqueue`: the next new configuration the scheduler asks for is this one instead of a proposal. */
export interface EnqueuedEvent {
  type: 'enqueued';
  config: Configuration;
  configId: string;
}

/**
 * `Study#addTrial`: a finished trial whose result was obtained elsewhere. It takes the next trial id; the proposer learns
 * from it and the front includes it, but the scheduler never planned it, so it is never promoted.
 */
export interface AddedEvent extends Omit<ResultEvent, 'type'> {
  type: 'added';
  config: Configuration;
  configId: string;
  budget: number;
}

export type StudyEvent = HeaderEvent | AskedEvent | PromotedEvent | StartedEvent | ResultEvent | EnqueuedEvent | AddedEvent;

/** Where a study's events live. The study's state is a replay of `read()`; nothing else holds state. */
export interface StudyStorage {
  /** Every stored event, oldest first. */
  read(): StudyEvent[];
  /** Stores one event durably before returning. */
  append(event: StudyEvent): void;
  /** Names the i-th event (0-based) for error messages, e.g. "journal.jsonl line 7". */
  locate(index: number): string;
  /** The study's directory (checkpoints go under it), when it has one. */
  readonly directory?: string;
  close(): void;
}

/** Checks the shape of a parsed event; returns an error message, or undefined when it is well-formed. */
export function checkEventShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const event = value as Record<string, unknown>;
  const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  switch (event.type) {
    case 'header':
      if (event.version !== 1) return `unsupported journal version ${JSON.stringify(event.version)}`;
      if (!Array.isArray(event.objectives) || typeof event.fidelity !== 'object') return 'header without objectives/fidelity';
      return undefined;
    case 'asked':
    case 'promoted':
      if (!isCount(event.trial)) return `"trial" must be a trial id, got ${JSON.stringify(event.trial)}`;
      if (typeof event.config !== 'object' || event.config === null) return '"config" must be an object';
      if (typeof event.budget !== 'number') return '"budget" must be a number';
      if (!isCount(event.bracket) || !isCount(event.rung)) return '"bracket" and "rung" must be counts';
      if (event.type === 'promoted' && !isCount(event.parentTrialId)) return '"parentTrialId" must be a trial id';
      return undefined;
    case 'started':
      return isCount(event.trial) ? undefined : `"trial" must be a trial id, got ${JSON.stringify(event.trial)}`;
    case 'enqueued':
      if (typeof event.config !== 'object' || event.config === null || Array.isArray(event.config)) return '"config" must be an object';
      return typeof event.configId === 'string' ? undefined : '"configId" must be a string';
    case 'added':
      if (typeof event.config !== 'object' || event.config === null || Array.isArray(event.config)) return '"config" must be an object';
      if (typeof event.budget !== 'number') return '"budget" must be a number';
      return checkEventShape({ ...event, type: 'result' }); // an added trial carries a result
    case 'result':
      if (!isCount(event.trial)) return `"trial" must be a trial id, got ${JSON.stringify(event.trial)}`;
      if (event.status !== 'ok' && event.status !== 'failed' && event.status !== 'timeout') return `unknown status ${JSON.stringify(event.status)}`;
      if (typeof event.values !== 'object' || typeof event.cost !== 'object') return '"values" and "cost" must be objects';
      return undefined;
    default:
      return `unknown event type ${JSON.stringify(event.type)}`;
  }
}
