import { isFeasible } from '../../constraints.js';
import type { Configuration } from '../../../space/types.js';
import type { Space } from '../../../space/index.js';
import type { ProposalContext, Proposer, Trial } from '../../types.js';
import { paregoScalarize, randomSimplexWeights } from '../../promotion/parego.js';
import { RandomForestRegressor, type RandomForestOptions } from './forest.js';
import { expectedImprovement } from './acquisition.js';
import { searchAcquisition, type AcquisitionScore } from './local-search.js';

import { logScale } from './cost-scaling.js';
import { randomUnseen } from './random-design.js';
import { checkTrainingData, type ModelTrainingData } from '../training-data.js';

// The public surface (lib/search re-exports all of it): the proposer, and the forest for other surrogate uses.
export { RandomForestRegressor } from './forest.js';
export type { RandomForestOptions, ForestPrediction } from './forest.js';
export { expectedImprovement } from './acquisition.js';

/**
 * Settings of the SMAC-style proposer. Forest settings (nTrees, ratioFeatures, ...) pass through to the forest;
 * their defaults here are SMAC3 MultiFidelityFacade's: 10 trees, all features, minSamplesSplit 2, minSamplesLeaf 1.
 */
export interface RandomForestProposerOptions extends Omit<RandomForestOptions, 'logY'> {
  /** Random configurations before the model is used (SMAC3 facade in FR-NAS: 10). */
  initialDesign?: number;
  /** Share of purely random proposals after that (SMAC3: 0.2). */
  randomFraction?: number;
  /**
   * Ok results a budget needs before the model trains on it; the highest such budget is used
   * (BOHB / SMAC-MF rule). Default: max(dimension + 1, 8).
   */
  minPointsForModel?: number;
  /** ParEGO's augmentation weight (SMAC3: 0.05). */
  rho?: number;
  /** Log-scale the costs (SMAC3's RunHistoryLogScaledEncoder + log_y forest + log EI; the facade's default). */
  logTransform?: boolean;
  /** Exploration offset of expected improvement (SMAC3: 0). */
  xi?: number;
  /** Random configurations scored per proposal ("sorted random search"; SMAC3 facade: up to 10000 challengers). */
  randomSamples?: number;
  /** Local searches per proposal (SMAC3: 10). */
  localSearchStarts?: number;
  /** Hill-climbing steps per local search at most. */
  maxLocalSearchSteps?: number;
  /**
   * What the forest trains on under a multi-fidelity scheduler. 'highest-budget' (default; BOHB / SMAC-MF): the
   * results of the highest budget with at least minPointsForModel ok results. 'all-budgets': every result, with the
   * budget (log scale, 0 at the lowest, 1 at the highest) as an extra feature, and predictions made at the highest
   * budget, so low-fidelity results keep informing the model once a few configurations reach the top rung.
   */
  trainingData?: RandomForestTrainingData;
}

/** The forest's training-data rule (the shared {@link ModelTrainingData}). */
export type RandomForestTrainingData = ModelTrainingData;

/** What the last proposal was based on, for logs and tests. */
export interface RandomForestProposalInfo {
  kind: 'initial' | 'random' | 'model';
  /** Budget whose results trained the model (model proposals only; with 'all-budgets': the highest one seen). */
  trainingBudget?: number;
  /** Training points (ok + failed) used by the model. */
  trainingPoints?: number;
  /** ParEGO weights drawn for this proposal (model proposals with several objectives). */
  weights?: number[];
}

/**
 * SMAC3 MultiFidelityFacade's configuration selector: random initial design, then interleaved random
 * proposals, else a random forest trained on the highest budget with enough results (objectives
 * combined by ParEGO with fresh weights per proposal) and expected improvement maximised by local and
 * sorted random search. Never proposes a configuration already evaluated or pending.
 */
export class RandomForestProposer implements Proposer {
  readonly name = 'rf';
  readonly options: Required<Omit<RandomForestProposerOptions, 'minPointsForModel'>> & { minPointsForModel?: number };
  /** How the most recent proposal was made. */
  lastProposal: RandomForestProposalInfo | undefined;
  private readonly forestOptions: RandomForestOptions;

  constructor(options: RandomForestProposerOptions = {}) {
    const {
      initialDesign = 10,
      randomFraction = 0.2,
      minPointsForModel,
      rho = 0.05,
      logTransform = true,
      xi = 0,
      randomSamples = 500,
      localSearchStarts = 10,
      maxLocalSearchSteps = 20,
      trainingData = 'highest-budget',
      ...forest
    } = options;
    if (!Number.isInteger(initialDesign) || initialDesign < 0) throw new Error(`RandomForestProposer: initialDesign must be a non-negative integer, got ${initialDesign}`);
    if (!(randomFraction >= 0 && randomFraction <= 1)) throw new Error(`RandomForestProposer: randomFraction must be in [0, 1], got ${randomFraction}`);
    if (minPointsForModel !== undefined && (!Number.isInteger(minPointsForModel) || minPointsForModel < 1)) {
      throw new Error(`RandomForestProposer: minPointsForModel must be a positive integer, got ${minPointsForModel}`);
    }
    if (!Number.isInteger(randomSamples) || randomSamples < 0) throw new Error(`RandomForestProposer: randomSamples must be a non-negative integer, got ${randomSamples}`);
    if (!Number.isInteger(localSearchStarts) || localSearchStarts < 0) throw new Error(`RandomForestProposer: localSearchStarts must be a non-negative integer, got ${localSearchStarts}`);
    if (randomSamples + localSearchStarts === 0) throw new Error('RandomForestProposer: randomSamples and localSearchStarts cannot both be 0');
    checkTrainingData('RandomForestProposer', trainingData);
    this.options = { initialDesign, randomFraction, minPointsForModel, rho, logTransform, xi, randomSamples, localSearchStarts, maxLocalSearchSteps, trainingData, ...forest } as RandomForestProposer['options'];
    // The MultiFidelityFacade's forest (HyperparameterOptimizationFacade.get_model) grows full trees on all
    // features; the RandomForestRegressor defaults are those of SMAC3's RandomForest class instead.
    this.forestOptions = { ratioFeatures: 1, minSamplesSplit: 2, minSamplesLeaf: 1, ...definedOnly(forest), logY: logTransform };
    // Validates the forest settings now rather than at the first model proposal.
    new RandomForestRegressor(this.forestOptions);
  }

  propose(context: ProposalContext): Configuration {
    const { space, history, pending, rng } = context;
    const taken = new Set<string>();
    for (const trial of history) taken.add(trial.configId);
    for (const config of pending) taken.add(space.configId(config));

    if (taken.size < this.options.initialDesign) {
      this.lastProposal = { kind: 'initial' };
      return randomUnseen(space, rng, taken);
    }
    if (rng() < this.options.randomFraction) {
      this.lastProposal = { kind: 'random' };
      return randomUnseen(space, rng, taken);
    }
    const training = this.trainingSet(context);
    if (!training) {
      this.lastProposal = { kind: 'random' };
      return randomUnseen(space, rng, taken);
    }

    const forest = new RandomForestRegressor(this.forestOptions).fit(training.x, training.y, rng);
    const allBudgets = this.options.trainingData === 'all-budgets';
    // With the budget as a feature, every prediction is made at the highest budget.
    const encode = (c: Configuration): number[] => (allBudgets ? [...space.encode(c), 1] : space.encode(c));
    const known = uniqueConfigs(space, history);
    // The incumbent's value is the forest's lowest prediction on the training points (SMAC3's x_best).
    const best = Math.min(...forest.predict(allBudgets ? known.map(encode) : training.x).mean);
    const acquisition = (configs: readonly Configuration[]): AcquisitionScore[] => {
      const { mean, variance } = forest.predict(configs.map(encode));
      return Array.from(mean, (m, i) => ({
        value: expectedImprovement(m, variance[i], best, { log: this.options.logTransform, xi: this.options.xi }),
        mean: m,
      }));
    };
    const ranked = searchAcquisition(space, acquisition, known, rng, {
      randomSamples: this.options.randomSamples,
      localSearchStarts: this.options.localSearchStarts,
      maxLocalSearchSteps: this.options.maxLocalSearchSteps,
    });
    this.lastProposal = { kind: 'model', trainingBudget: training.budget, trainingPoints: training.y.length, weights: training.weights };
    for (const config of ranked) if (!taken.has(space.configId(config))) return config;
    this.lastProposal = { kind: 'random' };
    return randomUnseen(space, rng, taken);
  }

  /**
   * Training data: encoded configs and one cost each (ParEGO-scalarised for several objectives), from the highest
   * budget with at least minPointsForModel ok results, or from every budget with the budget as a feature
   * ('all-budgets', once that many ok results exist in all). Failed and timed-out trials get the worst ok cost, so
   * the model learns to avoid them (SMAC3 imputes crashes with a bad cost).
   */
  private trainingSet(context: ProposalContext): { budget: number; x: number[][]; y: number[]; weights?: number[] } | undefined {
    const { space, objectives, history, fidelity } = context;
    const minPoints = this.options.minPointsForModel ?? Math.max(space.names.length + 1, 8);
    // The latest result per (budget, configuration) wins.
    const byBudget = new Map<number, Map<string, Trial>>();
    for (const trial of history) {
      let rung = byBudget.get(trial.budget);
      if (!rung) byBudget.set(trial.budget, (rung = new Map()));
      rung.set(trial.configId, trial);
    }
    const budgets = [...byBudget.keys()].sort((a, b) => b - a);
    // Splits trials into ok results (every objective finite) and failed or timed-out ones.
    // Infeasible results (constraints) count as failed: the forest learns their region costs the worst (as a crash).
    const isOk = (t: Trial): boolean => t.status === 'ok' && objectives.every((o) => Number.isFinite(t.values[o.name]));
    const split = (trials: readonly Trial[]): { ok: Trial[]; failed: Trial[] } => ({
      ok: trials.filter((t) => isOk(t) && isFeasible(t)),
      failed: trials.filter((t) => t.status === 'failed' || t.status === 'timeout' || (isOk(t) && !isFeasible(t))),
    });
    if (this.options.trainingData === 'all-budgets') {
      const { ok, failed } = split(budgets.flatMap((budget) => [...byBudget.get(budget)!.values()]));
      if (ok.length < minPoints) return undefined;
      const { min, max } = fidelity;
      const level = (budget: number): number => (max > min ? Math.log(budget / min) / Math.log(max / min) : 1);
      return { budget: budgets[0], ...this.costs(context, ok, failed, (t) => [...space.encode(t.config), level(t.budget)]) };
    }
    for (const budget of budgets) {
      const { ok, failed } = split([...byBudget.get(budget)!.values()]);
      if (ok.length < minPoints) continue;
      return { budget, ...this.costs(context, ok, failed, (t) => space.encode(t.config)) };
    }
    return undefined;
  }

  /** Features and (log-scaled) costs of the ok and failed trials, ok ones first. */
  private costs(
    context: ProposalContext,
    ok: readonly Trial[],
    failed: readonly Trial[],
    features: (t: Trial) => number[],
  ): { x: number[][]; y: number[]; weights?: number[] } {
    const { objectives, rng } = context;
    let weights: number[] | undefined;
    let costs: number[];
    if (objectives.length === 1) {
      const o = objectives[0];
      costs = ok.map((t) => (o.direction === 'maximize' ? -t.values[o.name] : t.values[o.name]));
    } else {
      weights = randomSimplexWeights(objectives.length, rng);
      costs = paregoScalarize(ok.map((t) => objectives.map((o) => t.values[o.name])), objectives.map((o) => o.direction), weights, this.options.rho);
    }
    const worst = Math.max(...costs);
    const y = [...costs, ...failed.map(() => worst)];
    const x = [...ok, ...failed].map(features);
    return { x, y: this.options.logTransform ? logScale(y) : y, weights };
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function uniqueConfigs(space: Space, history: readonly Trial[]): Configuration[] {
  const seen = new Map<string, Configuration>();
  for (const trial of history) seen.set(trial.configId, trial.config);
  return [...seen.values()];
}
