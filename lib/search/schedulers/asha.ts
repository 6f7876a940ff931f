import { IncrementalNonDominatedRanking, NonDominatedCrowdingPromotion } from '../promotion/nds-crowding.js';
import { isFeasible, rankFeasibleFirst } from '../constraints.js';
import type { Trial } from '../types.js';
import { hyperbandBrackets, maxPromotions } from './brackets.js';
import {
  LazyRng,
  deriveRng,
  directionsOf,
  pointOf,
  type Scheduler,
  type SchedulerSetup,
  type TrialPlan,
} from './scheduler.js';

interface AshaRung {
  budget: number;
  /** Ok results of this rung, in the order they were told. */
  results: Trial[];
  promoted: Set<number>;
  /** Ranking of `results` while it stays valid (no new result, and the strategy drew no randomness). */
  ranking: number[] | undefined;
  /** With one objective: indices of `results` kept sorted by value (ties in told order), updated by insertion. */
  sorted: number[];
  /** With several objectives and NDS-crowding promotion: the ranking kept up to date result by result. */
  incremental: IncrementalNonDominatedRanking | undefined;
  /** Infeasible results told so far (constraints): while there are any, the rung is ranked feasible first, uncached. */
  infeasible: number;
}

/** ASHA's options. */
export interface AshaOptions {
  /**
   * 1 (default): one rung system from the minimum budget (Li et al.'s ASHA). 'hyperband': asynchronous Hyperband
   * (Li et al. 2020, section 3.3; Syne Tune's HyperbandScheduler with brackets = s_max + 1): each new configuration
   * starts in bracket s (rung s, budget max / eta^(s_max - s)) drawn with Hyperband's weights (the number of
   * configurations synchronous Hyperband starts in that bracket), and each bracket promotes inside its own rungs.
   * When low budgets mis-rank configurations, the brackets that start higher keep part of the budget safe from it.
   */
  brackets?: 1 | 'hyperband';
}

/**
 * Asynchronous successive halving (Li et al. 2020). Rungs k = 0..s_max at budgets max / eta^(s_max - k)
 * (SMAC3's most explorative bracket). Whenever a worker is free: from the top rung down, promote the best
 * not-yet-promoted result among the top floor(n_k / eta) ok results of rung k; if none qualifies, start a new
 * configuration at rung 0. No rung is ever waited for. Only ok results count and only they are promoted.
 * With ParEGO, the weights are drawn afresh for each decision (ParEGO's own per-iteration weights).
 * With one objective every strategy is plain sorting by value (ties in told order), kept up to date by insertion;
 * with several and NDS-crowding promotion, fronts and crowding orders are updated result by result.
 */
export class Asha implements Scheduler {
  readonly name = 'asha';
  private setup: SchedulerSetup | undefined;
  /** One rung system per bracket; bracket s holds rungs s..s_max (its lower rungs stay empty). */
  private systems: AshaRung[][] = [];
  private rungs: AshaRung[] = [];
  /** Cumulative bracket weights (asynchronous Hyperband), undefined for one bracket. */
  private bracketWeights: number[] | undefined;
  private asked = 0;
  private started = 0;
  private readonly brackets: 1 | 'hyperband';

  constructor(options: AshaOptions = {}) {
    const brackets = options.brackets ?? 1;
    if (brackets !== 1 && brackets !== 'hyperband') throw new Error(`asha: brackets must be 1 or 'hyperband', got ${JSON.stringify(brackets)}`);
    this.brackets = brackets;
  }

  init(setup: SchedulerSetup): void {
    this.setup = setup;
    const sMax = maxPromotions(setup.fidelity);
    const count = this.brackets === 'hyperband' ? sMax + 1 : 1;
    this.systems = Array.from({ length: count }, () => this.rungSystem(setup, sMax));
    this.rungs = this.systems[0];
    if (count > 1) {
      let total = 0;
      this.bracketWeights = hyperbandBrackets(setup.fidelity).map((shape) => (total += shape.sizes[0]));
    }
  }

  private rungSystem(setup: SchedulerSetup, sMax: number): AshaRung[] {
    const { max, eta } = setup.fidelity;
    return Array.from({ length: sMax + 1 }, (_, k) => ({
      budget: max / eta ** (sMax - k),
      results: [],
      promoted: new Set<number>(),
      ranking: undefined,
      sorted: [],
      incremental:
        setup.objectives.length > 1 && setup.promotion instanceof NonDominatedCrowdingPromotion
          ? new IncrementalNonDominatedRanking(directionsOf(setup.objectives))
          : undefined,
      infeasible: 0,
    }));
  }

  /** The bracket of the next new configuration: a draw keyed by how many were started, so `next` stays a peek. */
  private nextBracket(setup: SchedulerSetup): number {
    const weights = this.bracketWeights;
    if (!weights) return 0;
    const u = deriveRng(setup.seed, 'asha-bracket', this.started)() * weights[weights.length - 1];
    const index = weights.findIndex((w) => u < w);
    return index < 0 ? weights.length - 1 : index;
  }

  /** The budget of each rung. */
  budgets(): number[] {
    return this.rungs.map((r) => r.budget);
  }

  next(): TrialPlan {
    const setup = this.setup;
    if (!setup) throw new Error('asha: init() was not called');
    for (let b = 0; b < this.systems.length; b++) {
      const rungs = this.systems[b];
      for (let k = rungs.length - 2; k >= b; k--) {
        const rung = rungs[k];
        const top = Math.floor(rung.results.length / setup.fidelity.eta);
        if (top === 0) continue;
        const ranking = this.rank(rung, setup, top);
        for (let i = 0; i < Math.min(top, ranking.length); i++) {
          const candidate = rung.results[ranking[i]];
          if (!rung.promoted.has(candidate.id)) {
            return { budget: rungs[k + 1].budget, bracket: b, rung: k + 1, parentTrialId: candidate.id };
          }
        }
      }
    }
    const b = this.nextBracket(setup);
    return { budget: this.systems[b][b].budget, bracket: b, rung: b };
  }

  onAsked(trial: Trial): void {
    this.asked++;
    const k = trial.rung ?? 0;
    if (trial.parentTrialId === undefined) this.started++;
    else if (k > 0) this.systems[trial.bracket ?? 0]?.[k - 1]?.promoted.add(trial.parentTrialId);
  }

  onResult(trial: Trial): void {
    if (trial.status !== 'ok') return;
    const rung = this.systems[trial.bracket ?? 0]?.[trial.rung ?? 0];
    if (!rung) throw new Error(`asha: trial ${trial.id} has rung ${trial.rung}, beyond the top rung`);
    rung.results.push(trial);
    rung.ranking = undefined;
    if (!isFeasible(trial)) rung.infeasible++;
    if (this.setup && this.setup.objectives.length === 1) this.insertSorted(rung, this.setup);
    if (this.setup && rung.incremental) rung.incremental.add(pointOf(trial, this.setup.objectives));
  }

  // One objective: every promotion strategy reduces to sorting by value, so keep the order by binary insertion
  // instead of re-sorting the rung at every decision (the bottom rung holds most results).
  private insertSorted(rung: AshaRung, setup: SchedulerSetup): void {
    const { name, direction } = setup.objectives[0];
    const sign = direction === 'maximize' ? -1 : 1;
    const index = rung.results.length - 1;
    const value = sign * rung.results[index].values[name];
    let low = 0;
    let high = rung.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      // Upper bound: a tie goes after the results told before it.
      if (sign * rung.results[rung.sorted[middle]].values[name] <= value) low = middle + 1;
      else high = middle;
    }
    rung.sorted.splice(low, 0, index);
  }

  describe(): Record<string, unknown> {
    // One bracket describes as before, so journals written before the option re-open unchanged.
    return this.brackets === 1 ? {} : { brackets: this.brackets };
  }

  private rank(rung: AshaRung, setup: SchedulerSetup, top: number): number[] {
    if (rung.infeasible > 0) {
      const rng = new LazyRng(`${setup.seed}:promotion:asha:${this.asked}`);
      return rankFeasibleFirst(rung.results, (feasible) =>
        setup.promotion.rank(feasible.map((t) => pointOf(t, setup.objectives)), directionsOf(setup.objectives), rng.draw, top),
      );
    }
    if (setup.objectives.length === 1) return rung.sorted;
    if (rung.ranking) return rung.ranking;
    if (rung.incremental) return (rung.ranking = rung.incremental.ranking(top));
    const rng = new LazyRng(`${setup.seed}:promotion:asha:${this.asked}`);
    const points = rung.results.map((t) => pointOf(t, setup.objectives));
    // `top` only changes when the rung receives a result, which also drops the cached ranking.
    const ranking = setup.promotion.rank(points, directionsOf(setup.objectives), rng.draw, top);
    // A ranking that drew no randomness stays valid until the rung receives a new result.
    if (!rng.used) rung.ranking = ranking;
    return ranking;
  }
}
