import type { Configuration, Rng } from '../space/types.js';
import type { Space } from '../space/index.js';

export type Direction = 'minimize' | 'maximize';

/** One objective of a study, e.g. `{ name: 'error', direction: 'minimize' }`. */
export interface ObjectiveSpec {
  name: string;
  direction: Direction;
}

/** The fidelity range of a study: budgets from `min` to `max`, multiplied by `eta` between rungs. */
export interface Fidelity {
  min: number;
  max: number;
  eta: number;
}

export type TrialStatus = 'pending' | 'running' | 'ok' | 'failed' | 'timeout';

/** What a trial cost: wall seconds, and budget units actually spent (a promotion that continues a checkpoint spends only the extra units). */
export interface TrialCost {
  seconds: number;
  budget: number;
}

/** A configuration evaluated at a budget. `values` is filled once the trial is finished with status `ok`. */
export interface Trial extends TrialPlacement {
  id: number;
  config: Configuration;
  /** Stable identity of `config` (Space#configId), shared by all budgets of the same configuration. */
  configId: string;
  budget: number;
  status: TrialStatus;
  values: Record<string, number>;
  cost: TrialCost;
  attributes: Record<string, unknown>;
  /** The reason of a `failed` or `timeout` trial. */
  error?: string;
  /**
   * Where the trial came from when not from the proposer or a promotion: `enqueued` (its configuration was queued with
   * `Study#enqueue`) or `added` (a result obtained elsewhere, recorded with `Study#addTrial`; never run by this study).
   */
  origin?: 'enqueued' | 'added';
}

/** What a proposer sees when asked for a new configuration. */
export interface ProposalContext {
  space: Space;
  objectives: readonly ObjectiveSpec[];
  /** Every finished trial (ok, failed, timeout), in the order they were told. */
  history: readonly Trial[];
  /** Configurations asked but not yet told, so a proposer can avoid proposing them again. */
  pending: readonly Configuration[];
  /** The budget the new configuration will first run at. */
  budget: number;
  /** The fidelity range of the study (a model-based proposer picks the highest budget with enough results). */
  fidelity: Fidelity;
  /**
   * The only source of randomness a proposer may use. The study derives it from (seed, proposal index),
   * so a resumed study replays the same stream and the same history gives the same proposal.
   */
  rng: Rng;
}

/** Decides which new configuration to try next (random, random forest, ...). Knows nothing of budgets or promotions. */
export interface Proposer {
  readonly name: string;
  propose(context: ProposalContext): Configuration;
}

/** Where a trial sits in its scheduler: bracket run, rung, and the trial it was promoted from. */
export interface TrialPlacement {
  /** The bracket run (SH/Hyperband: the n-th bracket started; ASHA and random: 0). */
  bracket?: number;
  /** The rung inside the bracket (0 = first, lowest budget). */
  rung?: number;
  /** The trial of the same configuration at the previous rung, when this trial is a promotion. */
  parentTrialId?: number;
}

/** What `Study#addTrial` records: a result obtained elsewhere for `config` at `budget`. */
export interface KnownTrial {
  config: Configuration;
  /** The budget the result was obtained at, within the study's fidelity range. */
  budget: number;
  /** Default `ok`; an `ok` trial must hold every objective as a finite number. */
  status?: 'ok' | 'failed' | 'timeout';
  values?: Record<string, number>;
  /** The reason of a `failed` or `timeout` trial. */
  error?: string;
  /** What the result cost where it was obtained; default 0 s and 0 budget (nothing spent by this study). */
  cost?: Partial<TrialCost>;
  attributes?: Record<string, unknown>;
}

/** What `Study#tell` accepts. `status` defaults to `ok`; an `ok` result must hold every objective as a finite number. */
export interface TrialResult {
  values?: Record<string, number>;
  status?: 'ok' | 'failed' | 'timeout';
  error?: string;
  cost?: Partial<TrialCost>;
  attributes?: Record<string, unknown>;
}
