import seedrandom from 'seedrandom';
import { hypervolume, nonDominatedSort, weaklyDominatesMinimised } from '../pareto/index.js';
import { defaultReference } from '../report/report.js';
import { RandomForestRegressor } from '../search/proposers/random-forest/index.js';
import type { ObjectiveSpec, Trial } from '../search/types.js';
import type { StudySnapshot } from './read.js';

/** The front at one budget: the non-dominated `ok` trials among those run at that budget. */
export interface BudgetFront {
  budget: number;
  /** Ids of every ok trial at this budget. */
  candidates: number[];
  /** Ids of its non-dominated ones. */
  front: number[];
  reference: number[];
  hypervolume: number;
}

/** Fronts at every budget that has an ok trial, lowest budget first. */
export function frontsByBudget(trials: readonly Trial[], objectives: readonly ObjectiveSpec[]): BudgetFront[] {
  const ok = trials.filter((t) => t.status === 'ok');
  const budgets = [...new Set(ok.map((t) => t.budget))].sort((a, b) => a - b);
  const directions = objectives.map((o) => o.direction);
  return budgets.map((budget) => {
    const candidates = ok.filter((t) => t.budget === budget);
    const points = candidates.map((t) => objectives.map((o) => t.values[o.name]));
    const reference = defaultReference(points, objectives);
    const front = (nonDominatedSort(points, directions)[0] ?? []).map((i) => candidates[i]);
    return {
      budget,
      candidates: candidates.map((t) => t.id),
      front: front.map((t) => t.id).sort((a, b) => a - b),
      reference,
      hypervolume: front.length ? hypervolume(front.map((t) => objectives.map((o) => t.values[o.name])), reference, directions) : 0,
    };
  });
}

/** One point of a hypervolume history: after the `finished`-th result, with what had been spent by then. */
export interface HypervolumeHistoryPoint {
  budget: number;
  finished: number;
  /** Budget units spent so far (sum of cost.budget). */
  budgetSpent: number;
  /** Trial seconds so far (sum of cost.seconds over finished trials; with parallel workers more than the wall time). */
  trialSeconds: number;
  hypervolume: number;
}

/**
 * Hypervolume of the front at each budget after every finished trial, in the order results were written, against
 * the budget and the trial seconds spent. The reference point of a budget is its final one (`frontsByBudget`), so the
 * curve never decreases.
 */
export function hypervolumeHistory(snapshot: Pick<StudySnapshot, 'trials' | 'finishOrder' | 'objectives'>, fronts: readonly BudgetFront[]): HypervolumeHistoryPoint[] {
  const { objectives } = snapshot;
  const directions = objectives.map((o) => o.direction);
  const sign = directions.map((d) => (d === 'maximize' ? -1 : 1));
  // Per budget: the non-dominated points seen so far (as given, and minimised once for the dominance checks) and their
  // hypervolume; a dominated newcomer changes neither.
  type FrontPoint = { values: number[]; minimised: number[] };
  const state = new Map<number, { front: FrontPoint[]; hypervolume: number; reference: number[] }>(fronts.map((f) => [f.budget, { front: [], hypervolume: 0, reference: f.reference }]));
  const points: HypervolumeHistoryPoint[] = [];
  let budgetSpent = 0;
  let trialSeconds = 0;
  snapshot.finishOrder.forEach((id, i) => {
    const t = snapshot.trials[id];
    budgetSpent += t.cost.budget;
    trialSeconds += t.cost.seconds;
    const s = t.status === 'ok' ? state.get(t.budget) : undefined;
    if (s) {
      const values = objectives.map((o) => t.values[o.name]);
      const point = { values, minimised: values.map((x, k) => sign[k] * x) };
      if (!s.front.some((p) => weaklyDominatesMinimised(p.minimised, point.minimised))) {
        s.front = [...s.front.filter((p) => !weaklyDominatesMinimised(point.minimised, p.minimised)), point];
        s.hypervolume = hypervolume(s.front.map((p) => p.values), s.reference, directions);
      }
    }
    for (const f of fronts) {
      points.push({ budget: f.budget, finished: i + 1, budgetSpent, trialSeconds, hypervolume: state.get(f.budget)?.hypervolume ?? 0 });
    }
  });
  return points;
}

/** Importance of each hyperparameter (and the budget) for one objective; shares sum to 1. */
export interface ParameterImportance {
  objective: string;
  /** How many ok trials the forest was fitted on. */
  trials: number;
  importances: { parameter: string; importance: number }[];
}

/** Fewer ok trials than this: no importance (a forest on a handful of points says nothing). */
export const MIN_IMPORTANCE_TRIALS = 8;
const PERMUTATION_REPEATS = 5;

/**
 * Permutation importance from a random forest (the random-forest proposer's regressor, SMAC3's settings): one forest per
 * objective is fitted on every ok trial, features = the encoded configuration plus log-budget; a feature's importance is
 * the mean increase of the forest's squared error when that column is shuffled (5 shuffles), clipped at 0 and divided by
 * the sum, so the shares add to 1. In-sample (the forest's own training points): it ranks what the forest uses, and
 * says little below ~20 trials. Seeded: the same study gives the same importances.
 */
export function parameterImportance(snapshot: Pick<StudySnapshot, 'trials' | 'objectives' | 'space' | 'seed'>): ParameterImportance[] {
  const ok = snapshot.trials.filter((t) => t.status === 'ok');
  if (ok.length < MIN_IMPORTANCE_TRIALS) return [];
  const names = [...snapshot.space.names, 'budget'];
  const x = ok.map((t) => [...snapshot.space.encode(t.config), Math.log(t.budget)]);
  return snapshot.objectives.map((objective) => {
    const rng = seedrandom(`importance:${String(snapshot.seed)}:${objective.name}`);
    const y = ok.map((t) => t.values[objective.name]);
    const forest = new RandomForestRegressor({ nTrees: 30 }).fit(x, y, rng);
    const error = (rows: number[][]): number => {
      const predicted = forest.predict(rows).mean;
      return y.reduce((s, v, i) => s + (v - predicted[i]) ** 2, 0) / y.length;
    };
    const base = error(x);
    const raw = names.map((_, column) => {
      let increase = 0;
      for (let r = 0; r < PERMUTATION_REPEATS; r++) {
        const order = x.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        increase += error(x.map((row, i) => row.map((v, c) => (c === column ? x[order[i]][c] : v)))) - base;
      }
      return Math.max(0, increase / PERMUTATION_REPEATS);
    });
    const total = raw.reduce((s, v) => s + v, 0);
    const importances = names
      .map((parameter, i) => ({ parameter, importance: total > 0 ? raw[i] / total : 0 }))
      .sort((a, b) => b.importance - a.importance || a.parameter.localeCompare(b.parameter));
    return { objective: objective.name, trials: ok.length, importances };
  });
}

/** The trials of one configuration across its rungs: objective values at each budget it ran (ok trials). */
export interface ConfigurationCurve {
  configId: string;
  trials: number[];
  points: { trial: number; budget: number; values: Record<string, number> }[];
}

/** Each configuration's values over its rungs (configurations with at least one ok trial). */
export function curvesOverRungs(trials: readonly Trial[]): ConfigurationCurve[] {
  const byConfig = new Map<string, Trial[]>();
  for (const t of trials) if (t.status === 'ok') byConfig.set(t.configId, [...(byConfig.get(t.configId) ?? []), t]);
  return [...byConfig.entries()].map(([configId, list]) => {
    list.sort((a, b) => a.budget - b.budget || a.id - b.id);
    return { configId, trials: list.map((t) => t.id), points: list.map((t) => ({ trial: t.id, budget: t.budget, values: { ...t.values } })) };
  });
}

export interface ModelChoice {
  /** 'knee' (closest to the ideal point after scaling each objective to [0, 1] over the front) or 'weights'. */
  method: 'knee' | 'weights';
  weights: Record<string, number>;
  budget: number;
  /** The chosen trial, undefined when the front is empty. */
  trial?: number;
  /** Every front member's score (lower is better), by trial id. */
  scores: Record<number, number>;
}

/**
 * Picks one model from the front at `budget`: each objective is scaled to [0, 1] over the front (0 = its best
 * value there); with weights the score is the weighted sum of scaled values (weights are normalised to sum to 1),
 * without them it is the Euclidean distance to the ideal point (all zeros): the knee, the most balanced trade-off.
 */
export function chooseModel(trials: readonly Trial[], objectives: readonly ObjectiveSpec[], front: BudgetFront, weights?: Record<string, number>): ModelChoice {
  const members = front.front.map((id) => trials[id]);
  const scaled = objectives.map((o) => {
    const vs = members.map((t) => t.values[o.name]);
    const lo = Math.min(...vs);
    const hi = Math.max(...vs);
    return (v: number) => (hi === lo ? 0 : o.direction === 'minimize' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo));
  });
  let w: Record<string, number> = {};
  if (weights) {
    for (const o of objectives) {
      const v = weights[o.name] ?? 0;
      if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`chooseModel: weight of '${o.name}' must be a number >= 0, got ${v}`);
    }
    const total = objectives.reduce((s, o) => s + (weights[o.name] ?? 0), 0);
    if (!(total > 0)) throw new Error('chooseModel: at least one weight must be > 0');
    w = Object.fromEntries(objectives.map((o) => [o.name, (weights[o.name] ?? 0) / total]));
  }
  const scores: Record<number, number> = {};
  for (const t of members) {
    const s = objectives.map((o, i) => scaled[i](t.values[o.name]));
    scores[t.id] = weights ? objectives.reduce((sum, o, i) => sum + w[o.name] * s[i], 0) : Math.hypot(...s);
  }
  const best = members.reduce<Trial | undefined>((a, t) => (a === undefined || scores[t.id] < scores[a.id] || (scores[t.id] === scores[a.id] && t.id < a.id) ? t : a), undefined);
  return { method: weights ? 'weights' : 'knee', weights: w, budget: front.budget, trial: best?.id, scores };
}

/** The exact `frnas retrain` command for chosen trials of a study (its other flags keep their defaults). */
export function retrainCommand(studyDir: string, trialIds: readonly number[]): string {
  return `frnas retrain ${shellQuote(studyDir)} --trials ${[...trialIds].sort((a, b) => a - b).join(',')}`;
}

/** Quotes a path for a POSIX shell when it needs quoting. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
