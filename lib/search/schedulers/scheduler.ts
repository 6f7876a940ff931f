import seedrandom from 'seedrandom';
import type { Rng } from '../../space/types.js';
import type { PromotionStrategy } from '../promotion/strategy.js';
import type { Direction, Fidelity, ObjectiveSpec, Trial } from '../types.js';

/** What a scheduler wants run next: a new configuration (no parent) or a promotion of `parentTrialId`. */
export interface TrialPlan {
  budget: number;
  bracket: number;
  rung: number;
  parentTrialId?: number;
}

export interface SchedulerSetup {
  fidelity: Fidelity;
  objectives: readonly ObjectiveSpec[];
  promotion: PromotionStrategy;
  /** The study's seed as text; streams are derived from it with `deriveRng`. */
  seed: string;
}

/**
 * Decides budgets and promotions; never configurations (the study asks its proposer for those).
 * The study replays a journal by calling `next`/`onAsked`/`onResult` in the recorded order, so a scheduler's
 * state must follow from those calls alone: `next` only peeks (no state change), `onAsked` commits.
 */
export interface Scheduler {
  readonly name: string;
  init(setup: SchedulerSetup): void;
  /** The next trial to run, or null when nothing can run until a running trial finishes. */
  next(): TrialPlan | null;
  /** A trial was created from the last `next()` (or replayed from the journal). */
  onAsked(trial: Trial): void;
  /** A trial finished (ok, failed or timeout). */
  onResult(trial: Trial): void;
  /** The scheduler's options as JSON, stored in the journal header and compared when a study is re-opened. */
  describe(): Record<string, unknown>;
}

/** A stream derived from the seed and a purpose, e.g. deriveRng(seed, 'promotion', 3). */
export function deriveRng(seed: string, ...purpose: (string | number)[]): Rng {
  return seedrandom([seed, ...purpose].join(':'));
}

/** A derived stream created on first draw (most promotion strategies never draw); `used` says whether it was. */
export class LazyRng {
  private rng: Rng | undefined;
  used = false;
  constructor(private readonly key: string) {}
  readonly draw: Rng = () => {
    this.used = true;
    this.rng ??= seedrandom(this.key);
    return this.rng();
  };
}

export function directionsOf(objectives: readonly ObjectiveSpec[]): Direction[] {
  return objectives.map((o) => o.direction);
}

export function pointOf(trial: Trial, objectives: readonly ObjectiveSpec[]): number[] {
  return objectives.map((o) => trial.values[o.name]);
}

/** Checks a fidelity range; throws naming the bad field. */
export function validateFidelity(fidelity: Fidelity): void {
  const { min, max, eta } = fidelity;
  if (!Number.isFinite(min) || min <= 0) throw new Error(`fidelity.min must be a positive number, got ${min}`);
  if (!Number.isFinite(max) || max < min) throw new Error(`fidelity.max must be a number >= fidelity.min (${min}), got ${max}`);
  if (!Number.isFinite(eta) || eta <= 1) throw new Error(`fidelity.eta must be a number > 1, got ${eta}`);
}
