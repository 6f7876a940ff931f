import { isFeasible } from '../../constraints.js';
import type { Configuration, Rng } from '../../../space/types.js';
import type { Space } from '../../../space/index.js';
import type { Hyperparameter } from '../../../space/hyperparameters.js';
import type { ProposalContext, Proposer, Trial } from '../../types.js';
import { randomUnseen } from '../random-forest/random-design.js';
import { categoricalParzen, logDensity, numericParzen, sampleParzen, type Parzen } from './parzen.js';
import { defaultGamma, defaultWeights, splitObservations, type TpeSplit } from './split.js';
import { checkTrainingData, type ModelTrainingData } from '../training-data.js';

export { defaultGamma, defaultWeights, splitObservations, greedyHypervolumeSubset, type TpeSplit } from './split.js';

/** Settings of the TPE proposer; the defaults are Optuna 3.x TPESampler's. */
export interface TpeProposerOptions {
  /** Random configurations before the model is used (Optuna: n_startup_trials = 10). */
  initialDesign?: number;
  /** Size of the good set for n observations (Optuna: min(ceil(0.1 n), 25)). */
  gamma?: (n: number) => number;
  /** Weight of the prior component of each estimator (Optuna: 1). */
  priorWeight?: number;
  /** Candidates drawn from the good density per hyperparameter (Optuna: n_ei_candidates = 24). */
  candidates?: number;
  /** Multiplies every kernel's bandwidth (1 = Optuna; BOHB widens the sampling density by 3). */
  bandwidthFactor?: number;
  /** Share of purely random proposals after the initial design (Optuna: 0; BOHB: 1/3). */
  randomFraction?: number;
  /**
   * Ok results a budget needs before the model is fitted on it; the highest such budget is used
   * (BOHB / SMAC-MF rule, as the random-forest proposer); with 'all-budgets', ok configurations over all budgets.
   * Default: max(dimension + 1, initialDesign).
   */
  minPointsForModel?: number;
  /**
   * What the densities are fitted on under a multi-fidelity scheduler. 'all-budgets' (default; Optuna's rule for
   * pruned trials): every configuration at the highest budget it reached, ranked first by that budget and then, within
   * a budget, by value (non-dominated rank and hypervolume with several objectives), so the good set holds the
   * configurations promoted furthest. 'highest-budget' (BOHB): only the results of the highest budget with at least
   * minPointsForModel of them. The same thing at full fidelity.
   */
  trainingData?: ModelTrainingData;
}

/** What the last proposal was based on, for logs and tests. */
export interface TpeProposalInfo {
  kind: 'initial' | 'random' | 'model';
  trainingBudget?: number;
  /** Observations (ok + failed) the densities were fitted on, and how many of them were "good". */
  trainingPoints?: number;
  goodPoints?: number;
}

// Joint draws from the good density when the per-hyperparameter optimum is already taken or forbidden.
const JOINT_CANDIDATES = 128;

interface Observation {
  vector: number[];
  losses: number[];
  /** The budget of the result (with 'all-budgets': the highest the configuration reached). */
  budget: number;
}

/**
 * Tree-structured Parzen Estimator for one or several objectives (Optuna's TPESampler: independent
 * per-hyperparameter densities l(x) of the good and g(x) of the other observations, each value chosen as the
 * best of `candidates` draws from l by log l - log g; several objectives split by non-dominated rank and
 * hypervolume as MOTPE does). Under Hyperband and ASHA it ranks configurations by the budget they reached, as
 * Optuna ranks pruned trials by their last step (or, with 'highest-budget', fits the highest budget with enough
 * results as BOHB does). Failed trials join the "other" observations.
 * Never proposes a configuration already evaluated or pending.
 */
export class TpeProposer implements Proposer {
  readonly name = 'tpe';
  readonly options: Required<Omit<TpeProposerOptions, 'minPointsForModel'>> & { minPointsForModel?: number };
  /** How the most recent proposal was made. */
  lastProposal: TpeProposalInfo | undefined;

  constructor(options: TpeProposerOptions = {}) {
    const { initialDesign = 10, gamma = defaultGamma, priorWeight = 1, candidates = 24, bandwidthFactor = 1, randomFraction = 0, minPointsForModel, trainingData = 'all-budgets' } = options;
    if (!Number.isInteger(initialDesign) || initialDesign < 0) throw new Error(`TpeProposer: initialDesign must be a non-negative integer, got ${initialDesign}`);
    if (typeof gamma !== 'function') throw new Error('TpeProposer: gamma must be a function of the number of observations');
    if (!(priorWeight > 0) || !Number.isFinite(priorWeight)) throw new Error(`TpeProposer: priorWeight must be a positive number, got ${priorWeight}`);
    if (!Number.isInteger(candidates) || candidates < 1) throw new Error(`TpeProposer: candidates must be a positive integer, got ${candidates}`);
    if (!(bandwidthFactor > 0) || !Number.isFinite(bandwidthFactor)) throw new Error(`TpeProposer: bandwidthFactor must be a positive number, got ${bandwidthFactor}`);
    if (!(randomFraction >= 0 && randomFraction <= 1)) throw new Error(`TpeProposer: randomFraction must be in [0, 1], got ${randomFraction}`);
    if (minPointsForModel !== undefined && (!Number.isInteger(minPointsForModel) || minPointsForModel < 2)) {
      throw new Error(`TpeProposer: minPointsForModel must be an integer >= 2, got ${minPointsForModel}`);
    }
    checkTrainingData('TpeProposer', trainingData);
    this.options = { initialDesign, gamma, priorWeight, candidates, bandwidthFactor, randomFraction, minPointsForModel, trainingData };
  }

  propose(context: ProposalContext): Configuration {
    const { space, history, pending, rng } = context;
    const taken = new Set<string>();
    for (const trial of history) taken.add(trial.configId);
    for (const config of pending) taken.add(space.configId(config));

    if (taken.size < this.options.initialDesign) return this.random('initial', space, rng, taken);
    if (this.options.randomFraction > 0 && rng() < this.options.randomFraction) return this.random('random', space, rng, taken);
    const training = this.trainingSet(context);
    if (!training) return this.random('random', space, rng, taken);

    const { ok, failed, budget } = training;
    const nBelow = Math.max(1, Math.min(ok.length, Math.floor(this.options.gamma(ok.length))));
    // With one budget (full fidelity, or 'highest-budget') this is splitObservations itself.
    const split = splitByBudgetReached(ok, nBelow);
    const good = split.below.map((i) => ok[i].vector);
    const other = [...split.above.map((i) => ok[i].vector), ...failed];
    // Failed observations count as the newest of the rest (Optuna puts them in "above" too).
    const otherWeights = defaultWeights(other.length);
    const densities = space.hyperparameters.map((hp, index) => {
      if (hp.kind === 'constant') return undefined;
      return {
        l: this.estimator(hp, good, split.belowWeights, index),
        g: this.estimator(hp, other, otherWeights, index),
      };
    });
    this.lastProposal = { kind: 'model', trainingBudget: budget, trainingPoints: ok.length + failed.length, goodPoints: good.length };

    // Optuna's independent TPE: each hyperparameter takes the best of its own candidates.
    const vector = densities.map((d) => (d === undefined ? 0 : bestOf(d.l, d.g, this.options.candidates, rng).value));
    const chosen = this.decodeFrom(space, vector);
    if (chosen !== undefined && !taken.has(space.configId(chosen))) return chosen;

    // Taken (small discrete spaces) or forbidden: the best untaken of joint draws from l.
    let best: Configuration | undefined;
    let bestScore = -Infinity;
    for (let draw = 0; draw < JOINT_CANDIDATES; draw++) {
      const values = densities.map((d) => (d === undefined ? 0 : sampleParzen(d.l, rng)));
      const config = this.decodeFrom(space, values);
      if (config === undefined || taken.has(space.configId(config))) continue;
      let score = 0;
      densities.forEach((d, index) => {
        if (d !== undefined && config[space.hyperparameters[index].name] !== undefined) score += logDensity(d.l, values[index]) - logDensity(d.g, values[index]);
      });
      if (score > bestScore) {
        bestScore = score;
        best = config;
      }
    }
    if (best !== undefined) return best;
    return this.random('random', space, rng, taken);
  }

  private random(kind: 'initial' | 'random', space: Space, rng: Rng, taken: ReadonlySet<string>): Configuration {
    this.lastProposal = { kind };
    return randomUnseen(space, rng, taken);
  }

  /** The estimator of one hyperparameter over the observations where it is active. */
  private estimator(hp: Hyperparameter, vectors: readonly number[][], weights: readonly number[], index: number): Parzen {
    const values: number[] = [];
    const valueWeights: number[] = [];
    vectors.forEach((v, i) => {
      if (Number.isNaN(v[index])) return;
      values.push(hp.kind === 'categorical' ? choiceIndex(v[index], hp.cardinality) : v[index]);
      valueWeights.push(weights[i]);
    });
    if (hp.kind === 'categorical') return categoricalParzen(values, valueWeights, this.options.priorWeight, hp.cardinality);
    return numericParzen(values, valueWeights, this.options.priorWeight, this.options.bandwidthFactor);
  }

  /** Unit vector (categoricals as indices) to a valid configuration, or undefined when forbidden. */
  private decodeFrom(space: Space, values: readonly number[]): Configuration | undefined {
    const unit = space.hyperparameters.map((hp, i) => (hp.kind === 'categorical' ? (hp.cardinality === 1 ? 0 : values[i] / (hp.cardinality - 1)) : values[i]));
    const config = space.decode(unit);
    return space.isValid(config) ? config : undefined;
  }

  /**
   * 'highest-budget': the observations of the highest budget with at least minPointsForModel ok results (latest
   * result per configuration). 'all-budgets': every configuration at the highest budget it reached (its latest
   * result there), once at least minPointsForModel of them are ok. Failed or timed-out ones come back as vectors.
   */
  private trainingSet(context: ProposalContext): { budget: number; ok: Observation[]; failed: number[][] } | undefined {
    const { space, objectives, history } = context;
    const minPoints = this.options.minPointsForModel ?? Math.max(space.names.length + 1, this.options.initialDesign, 2);
    // Infeasible results (constraints) join the failed ones, which only ever go to the bad density g (Optuna's
    // constrained TPE puts infeasible trials in the above group).
    const isOk = (t: Trial): boolean => t.status === 'ok' && objectives.every((o) => Number.isFinite(t.values[o.name])) && isFeasible(t);
    const observe = (t: Trial): Observation => ({
      vector: space.encode(t.config),
      losses: objectives.map((o) => (o.direction === 'maximize' ? -t.values[o.name] : t.values[o.name])),
      budget: t.budget,
    });
    const encodeFailed = (trials: readonly Trial[]): number[][] =>
      trials.filter((t) => t.status === 'failed' || t.status === 'timeout' || (t.status === 'ok' && !isFeasible(t))).map((t) => space.encode(t.config));
    if (this.options.trainingData === 'all-budgets') {
      const reached = new Map<string, Trial>();
      for (const trial of history) {
        const before = reached.get(trial.configId);
        if (before === undefined || trial.budget >= before.budget) reached.set(trial.configId, trial);
      }
      const trials = [...reached.values()];
      const ok = trials.filter(isOk).map(observe);
      if (ok.length < minPoints) return undefined;
      return { budget: Math.max(...ok.map((o) => o.budget)), ok, failed: encodeFailed(trials) };
    }
    const byBudget = new Map<number, Map<string, Trial>>();
    for (const trial of history) {
      let rung = byBudget.get(trial.budget);
      if (!rung) byBudget.set(trial.budget, (rung = new Map()));
      rung.delete(trial.configId);
      rung.set(trial.configId, trial);
    }
    for (const budget of [...byBudget.keys()].sort((a, b) => b - a)) {
      const trials = [...byBudget.get(budget)!.values()];
      const ok = trials.filter(isOk).map(observe);
      if (ok.length < minPoints) continue;
      return { budget, ok, failed: encodeFailed(trials) };
    }
    return undefined;
  }
}

/**
 * The good set of 'all-budgets': whole budgets from the highest down while they fit, and the first budget that does
 * not fit split by value as {@link splitObservations} does (its weights too). Lexicographic (budget reached, value),
 * as Optuna's (−last step, value) for pruned trials; the rest keep observation order and Optuna's default weights.
 */
export function splitByBudgetReached(observations: readonly { budget: number; losses: readonly number[] }[], nBelow: number): TpeSplit {
  const below: number[] = [];
  const belowWeights: number[] = [];
  const budgets = [...new Set(observations.map((o) => o.budget))].sort((a, b) => b - a);
  for (const budget of budgets) {
    const room = nBelow - below.length;
    if (room <= 0) break;
    const group = observations.flatMap((o, i) => (o.budget === budget ? [i] : []));
    const split = splitObservations(group.map((i) => observations[i].losses), Math.min(room, group.length));
    split.below.forEach((k, j) => {
      below.push(group[k]);
      belowWeights.push(split.belowWeights[j]);
    });
  }
  const isBelow = new Set(below);
  const above = observations.map((_, i) => i).filter((i) => !isBelow.has(i));
  return { below, belowWeights, above, aboveWeights: defaultWeights(above.length) };
}

function choiceIndex(unit: number, cardinality: number): number {
  return cardinality === 1 ? 0 : Math.round(unit * (cardinality - 1));
}

/** The candidate with the largest log l - log g among `count` draws from l. */
function bestOf(l: Parzen, g: Parzen, count: number, rng: Rng): { value: number; score: number } {
  let value = sampleParzen(l, rng);
  let score = logDensity(l, value) - logDensity(g, value);
  for (let k = 1; k < count; k++) {
    const candidate = sampleParzen(l, rng);
    const s = logDensity(l, candidate) - logDensity(g, candidate);
    if (s > score) {
      value = candidate;
      score = s;
    }
  }
  return { value, score };
}
