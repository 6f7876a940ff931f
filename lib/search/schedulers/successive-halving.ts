import { rankFeasibleFirst } from '../constraints.js';
import type { Trial } from '../types.js';
import { successiveHalvingBrackets, type BracketShape } from './brackets.js';
import {
  LazyRng,
  directionsOf,
  pointOf,
  type Scheduler,
  type SchedulerSetup,
  type TrialPlan,
} from './scheduler.js';

interface RungRun {
  /** Trials asked into this rung, in order. */
  trials: Trial[];
  finished: number;
  /** Rung 0: how many new configurations it takes. Higher rungs: the parents to promote, best first (set when the rung below completes). */
  capacity: number;
  promotions: number[];
}

interface BracketRun {
  index: number;
  shape: BracketShape;
  rungs: RungRun[];
}

/**
 * Synchronous successive halving as SMAC3 2.x does it. A bracket run fills its first rung with new
 * configurations; when every trial of a rung has finished, the best `sizes[r+1]` ok results (by the promotion
 * strategy) go on to the next rung at `eta` times the budget. While no trial of a started bracket can run
 * (its rungs are waiting for results), a new bracket run is started, so workers never idle (SMAC3's behaviour).
 * Subclasses choose the bracket types; SuccessiveHalving has one.
 */
export class SuccessiveHalving implements Scheduler {
  readonly name: string = 'sh';
  protected setup: SchedulerSetup | undefined;
  protected shapes: BracketShape[] = [];
  private readonly runs: BracketRun[] = [];
  /** Bracket runs with work left, oldest first. */
  private active: BracketRun[] = [];

  init(setup: SchedulerSetup): void {
    this.setup = setup;
    this.shapes = this.bracketShapes(setup);
  }

  protected bracketShapes(setup: SchedulerSetup): BracketShape[] {
    return successiveHalvingBrackets(setup.fidelity);
  }

  /** The shapes this scheduler cycles through (bracket run k uses shape k mod shapes.length). */
  brackets(): BracketShape[] {
    return this.shapes.map((s) => ({ budgets: [...s.budgets], sizes: [...s.sizes] }));
  }

  next(): TrialPlan {
    if (!this.setup) throw new Error(`${this.name}: init() was not called`);
    for (const run of this.active) {
      // Higher rungs first: finishing advanced work sooner gives earlier high-fidelity results.
      for (let r = run.rungs.length - 1; r >= 0; r--) {
        const rung = run.rungs[r];
        if (rung.trials.length >= rung.capacity) continue;
        const plan: TrialPlan = { budget: run.shape.budgets[r], bracket: run.index, rung: r };
        if (r > 0) plan.parentTrialId = rung.promotions[rung.trials.length];
        return plan;
      }
    }
    const index = this.runs.length;
    const shape = this.shapes[index % this.shapes.length];
    return { budget: shape.budgets[0], bracket: index, rung: 0 };
  }

  onAsked(trial: Trial): void {
    const bracket = trial.bracket ?? 0;
    if (bracket === this.runs.length) this.startRun(bracket);
    const run = this.runs[bracket];
    const rung = run?.rungs[trial.rung ?? 0];
    if (!rung || rung.trials.length >= rung.capacity) {
      throw new Error(`${this.name}: trial ${trial.id} does not fit bracket ${bracket} rung ${trial.rung}`);
    }
    rung.trials.push(trial);
  }

  onResult(trial: Trial): void {
    const run = this.runs[trial.bracket ?? 0];
    const r = trial.rung ?? 0;
    const rung = run?.rungs[r];
    if (!rung) throw new Error(`${this.name}: trial ${trial.id} belongs to no known rung`);
    rung.finished++;
    if (rung.finished < rung.capacity) return;
    if (r + 1 < run.rungs.length) {
      const promoted = this.selectBest(rung.trials, run.shape.sizes[r + 1], run.index);
      const next = run.rungs[r + 1];
      next.promotions = promoted.map((t) => t.id);
      next.capacity = promoted.length;
      if (promoted.length > 0) return;
    }
    this.active = this.active.filter((a) => a !== run);
  }

  describe(): Record<string, unknown> {
    return {};
  }

  private startRun(index: number): void {
    const shape = this.shapes[index % this.shapes.length];
    const rungs = shape.sizes.map((size, r) => ({ trials: [], finished: 0, capacity: r === 0 ? size : 0, promotions: [] }));
    const run: BracketRun = { index, shape, rungs };
    this.runs.push(run);
    this.active.push(run);
  }

  /** The best `n` ok trials of a rung; failed and timed-out trials are never promoted. */
  private selectBest(trials: readonly Trial[], n: number, bracket: number): Trial[] {
    const setup = this.setup;
    if (!setup) throw new Error(`${this.name}: init() was not called`);
    const ok = trials.filter((t) => t.status === 'ok');
    // One stream per bracket run: ParEGO uses the same weights for all rungs of a bracket.
    const rng = new LazyRng(`${setup.seed}:promotion:${bracket}`);
    // Feasible results first (ranked by the strategy), then infeasible ones by violation.
    const order = rankFeasibleFirst(ok, (feasible) =>
      setup.promotion.rank(feasible.map((t) => pointOf(t, setup.objectives)), directionsOf(setup.objectives), rng.draw, n),
    );
    return order.slice(0, n).map((i) => ok[i]);
  }
}
