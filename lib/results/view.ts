import type { ReportBaseline } from '../report/index.js';
import { objectiveInterval } from '../report/report.js';
import type { Fidelity, ObjectiveSpec, Trial } from '../search/types.js';
import {
  chooseModel,
  curvesOverRungs,
  frontsByBudget,
  hypervolumeHistory,
  MIN_IMPORTANCE_TRIALS,
  parameterImportance,
  retrainCommand,
  type BudgetFront,
  type ConfigurationCurve,
  type HypervolumeHistoryPoint,
  type ModelChoice,
  type ParameterImportance,
} from './analysis.js';
import { compareSpec, curvesSpec, hypervolumeSpec, importanceSpec, parallelSpec, paretoSpec, type ParetoPoint, type VegaLiteSpec } from './charts.js';
import type { StudySnapshot } from './read.js';

/** Everything the dashboard shows of one study, as plain JSON. */
export interface StudyView {
  name: string;
  directory: string;
  objectives: readonly ObjectiveSpec[];
  fidelity: Fidelity;
  scheduler: string;
  proposer: string;
  parameters: string[];
  counts: { total: number; ok: number; failed: number; timeout: number; running: number };
  budgetSpent: number;
  trialSeconds: number;
  trials: Trial[];
  fronts: BudgetFront[];
  hypervolume: HypervolumeHistoryPoint[];
  curves: ConfigurationCurve[];
  importance: ParameterImportance[];
  /** The knee of the front at the highest budget, and the command that retrains it. */
  knee?: ModelChoice & { command: string };
  default?: Trial;
  baselines: ReportBaseline[];
  /** Changes whenever the journal (or default.json / baselines.json) does: the page re-reads only then. */
  version: string;
}

/** From this many ok trials on, the importance is refitted only when they grew by IMPORTANCE_GROWTH (it costs seconds). */
const IMPORTANCE_REUSE_FROM = 100;
const IMPORTANCE_GROWTH = 1.05;

/**
 * Everything the dashboard shows of a study. With `previous` (the last view of the same study), a large study's parameter
 * importance is reused until its ok trials grew by 5 % (each entry says on how many trials it was fitted).
 */
export function studyView(snapshot: StudySnapshot, version: string, previous?: Pick<StudyView, 'importance'>): StudyView {
  const { trials, objectives } = snapshot;
  const fronts = frontsByBudget(trials, objectives);
  const count = (s: Trial['status']) => trials.filter((t) => t.status === s).length;
  const finished = trials.filter((t) => t.status !== 'running' && t.status !== 'pending');
  const top = fronts.at(-1);
  const knee = top && top.front.length ? chooseModel(trials, objectives, top) : undefined;
  return {
    name: snapshot.space.name ?? snapshot.directory,
    directory: snapshot.directory,
    objectives,
    fidelity: snapshot.fidelity,
    scheduler: snapshot.scheduler,
    proposer: snapshot.proposer,
    parameters: snapshot.space.names,
    counts: { total: trials.length, ok: count('ok'), failed: count('failed'), timeout: count('timeout'), running: count('running') + count('pending') },
    budgetSpent: finished.reduce((s, t) => s + t.cost.budget, 0),
    trialSeconds: finished.reduce((s, t) => s + t.cost.seconds, 0),
    trials,
    fronts,
    hypervolume: hypervolumeHistory(snapshot, fronts),
    curves: curvesOverRungs(trials),
    importance: reusableImportance(previous, trials) ?? parameterImportance(snapshot),
    knee: knee && knee.trial !== undefined ? { ...knee, command: retrainCommand(snapshot.directory, [knee.trial]) } : undefined,
    default: defaultOf(snapshot),
    baselines: snapshot.baselines,
    version,
  };
}

function reusableImportance(previous: Pick<StudyView, 'importance'> | undefined, trials: readonly Trial[]): StudyView['importance'] | undefined {
  const fitted = previous?.importance[0]?.trials;
  if (fitted === undefined || fitted < IMPORTANCE_REUSE_FROM) return undefined;
  const ok = trials.filter((t) => t.status === 'ok').length;
  return ok >= fitted && ok < fitted * IMPORTANCE_GROWTH ? previous?.importance : undefined;
}

/** The default configuration's result: `default.json`, else the study's own trial of it at the highest budget. */
function defaultOf(snapshot: StudySnapshot): Trial | undefined {
  if (snapshot.defaultTrial) return snapshot.defaultTrial;
  const id = snapshot.space.configId(snapshot.space.defaultConfiguration());
  return snapshot.trials.filter((t) => t.configId === id && t.status === 'ok').sort((a, b) => b.budget - a.budget)[0];
}

/** The objective named `name` of a view, or an error naming the choices. */
function objectiveNamed(view: Pick<StudyView, 'objectives'>, name: string | undefined, fallback: number): ObjectiveSpec {
  if (name === undefined) return view.objectives[Math.min(fallback, view.objectives.length - 1)];
  const found = view.objectives.find((o) => o.name === name);
  if (!found) throw new RangeError(`unknown objective "${name}"; the study has ${view.objectives.map((o) => o.name).join(', ')}`);
  return found;
}

const configurationText = (t: Trial) => Object.entries(t.config).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(' ');

/** The Pareto plot of two objectives at one budget (default: the highest), with the default and baselines. */
export function paretoChart(view: StudyView, options: { x?: string; y?: string; budget?: number } = {}): VegaLiteSpec {
  const x = objectiveNamed(view, options.x, 0);
  const y = objectiveNamed(view, options.y, 1);
  const front = options.budget === undefined ? view.fronts.at(-1) : view.fronts.find((f) => f.budget === options.budget);
  if (options.budget !== undefined && !front) throw new RangeError(`no ok trial at budget ${options.budget}; budgets: ${view.fronts.map((f) => f.budget).join(', ')}`);
  const members = new Set(front?.front ?? []);
  const point = (t: Trial, kind: string): ParetoPoint => {
    const xi = objectiveInterval(t, x.name);
    const yi = objectiveInterval(t, y.name);
    return {
      trial: kind === 'default' && !view.trials.includes(t) ? null : t.id,
      x: t.values[x.name],
      y: t.values[y.name],
      kind,
      budget: t.budget,
      ...(xi && yi ? { xLower: xi.lower, xUpper: xi.upper, yLower: yi.lower, yUpper: yi.upper } : {}),
      configuration: configurationText(t),
    };
  };
  const points: ParetoPoint[] = (front?.candidates ?? []).map((id) => point(view.trials[id], members.has(id) ? 'front' : 'dominated'));
  const d = view.default;
  if (d?.status === 'ok' && Number.isFinite(d.values[x.name]) && Number.isFinite(d.values[y.name])) points.push({ ...point(d, 'default'), trial: null });
  for (const b of view.baselines) {
    if (Number.isFinite(b.values[x.name]) && Number.isFinite(b.values[y.name])) points.push({ trial: null, x: b.values[x.name], y: b.values[y.name], kind: b.name, budget: NaN });
  }
  return paretoSpec(points, { x: x.name, y: y.name, title: `Pareto front at budget ${front?.budget ?? '-'} (${members.size} of ${front?.candidates.length ?? 0})` });
}

export function hypervolumeChart(view: StudyView, over: 'budgetSpent' | 'trialSeconds' = 'budgetSpent'): VegaLiteSpec {
  if (over !== 'budgetSpent' && over !== 'trialSeconds') throw new RangeError(`"over" must be budgetSpent or trialSeconds, got "${String(over)}"`);
  return hypervolumeSpec(view.hypervolume, { over, title: over === 'budgetSpent' ? 'Hypervolume against budget spent' : 'Hypervolume against trial seconds' });
}

export function curvesChart(view: StudyView, objective?: string): VegaLiteSpec {
  const o = objectiveNamed(view, objective, 0);
  const points = view.curves.flatMap((c) => c.points.map((p) => ({ configId: c.configId, trial: p.trial, budget: p.budget, value: p.values[o.name] })));
  return curvesSpec(points, { objective: o.name, title: `${o.name} of each configuration over its rungs` });
}

/** Parallel coordinates of the ok trials at one budget (default: the highest): encoded hyperparameters and objectives. */
export function parallelChart(view: StudyView, options: { budget?: number; colour?: string }, encode: (t: Trial) => number[]): VegaLiteSpec {
  const colour = objectiveNamed(view, options.colour, 0);
  const budget = options.budget ?? view.fronts.at(-1)?.budget;
  const trials = view.trials.filter((t) => t.status === 'ok' && t.budget === budget);
  const rows = trials.map((t) => {
    const unit = encode(t);
    const row: Record<string, number> = { trial: t.id };
    view.parameters.forEach((p, i) => {
      if (Number.isFinite(unit[i])) row[p] = unit[i];
    });
    for (const o of view.objectives) row[o.name] = t.values[o.name];
    return row;
  });
  return parallelSpec(rows, { dimensions: [...view.parameters, ...view.objectives.map((o) => o.name)], colour: colour.name, title: `Parallel coordinates at budget ${budget ?? '-'} (hyperparameters in unit scale)` });
}

export function importanceChart(view: StudyView): VegaLiteSpec {
  const fitted = view.importance[0]?.trials;
  const title = fitted === undefined ? `Parameter importance: needs ${MIN_IMPORTANCE_TRIALS} ok trials` : `Parameter importance per objective (random-forest permutation importance, ${fitted} ok trials)`;
  return importanceSpec(view.importance, { title });
}

/**
 * The fronts of several studies, each at its own highest budget, on two objectives (default: the first study's first
 * two). A study without both objectives is left out (its objectives differ, so its front cannot be drawn there).
 */
export function compareChart(views: readonly StudyView[], options: { x?: string; y?: string } = {}): VegaLiteSpec {
  const first = views[0];
  const x = objectiveNamed(first, options.x, 0).name;
  const y = objectiveNamed(first, options.y, 1).name;
  const points = views.flatMap((view, i) => {
    const front = view.fronts.at(-1);
    if (!front || !view.objectives.some((o) => o.name === x) || !view.objectives.some((o) => o.name === y)) return [];
    return front.front.map((id) => ({ study: `${i}: ${view.name}`, trial: id, budget: front.budget, x: view.trials[id].values[x], y: view.trials[id].values[y] }));
  });
  return compareSpec(points, { x, y, title: 'The fronts of the studies (each at its highest budget)' });
}
