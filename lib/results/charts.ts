// Vega-Lite specs of the study charts, shared by the live dashboard and the static report so both look alike.
// Each function returns a complete spec with its data inline; the page renders it with vega-embed.

/** A Vega-Lite spec (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const WIDTH = 440;
const HEIGHT = 300;

/** One point of the Pareto plot. */
export interface ParetoPoint {
  trial: number | null;
  x: number;
  y: number;
  /** 'front', 'dominated', 'default', or a baseline's name. */
  kind: string;
  budget: number;
  /** Interval bounds of x and y, when the trial carries identity-bootstrap intervals. */
  xLower?: number;
  xUpper?: number;
  yLower?: number;
  yUpper?: number;
  configuration?: string;
}

/**
 * Scatter of two objectives: front members joined by their staircase, dominated points faded, the default and the
 * baselines marked; interval bars where the points carry intervals. A click selects a trial (param `pick`, field `trial`).
 */
export function paretoSpec(points: readonly ParetoPoint[], options: { x: string; y: string; title: string; xDirection?: string; yDirection?: string }): VegaLiteSpec {
  const front = points.filter((p) => p.kind === 'front').sort((a, b) => a.x - b.x);
  const withIntervals = points.filter((p) => p.xLower !== undefined && p.yLower !== undefined);
  const x = { field: 'x', type: 'quantitative', title: options.x, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: options.y, scale: { zero: false } };
  const layers: VegaLiteSpec[] = [];
  if (withIntervals.length) {
    layers.push(
      { data: { values: withIntervals }, mark: { type: 'rule', opacity: 0.35 }, encoding: { x: { ...x, field: 'xLower' }, x2: { field: 'xUpper' }, y, color: { field: 'kind', type: 'nominal', legend: null } } },
      { data: { values: withIntervals }, mark: { type: 'rule', opacity: 0.35 }, encoding: { x, y: { ...y, field: 'yLower' }, y2: { field: 'yUpper' }, color: { field: 'kind', type: 'nominal', legend: null } } },
    );
  }
  if (front.length > 1) {
    // The staircase holds a front member's y until the next one's x (minimised objectives: step-after).
    layers.push({ data: { values: front }, mark: { type: 'line', interpolate: 'step-after', color: '#d62728', strokeWidth: 1.5 }, encoding: { x, y } });
  }
  layers.push({
    data: { values: points },
    params: [{ name: 'pick', select: { type: 'point', fields: ['trial'], on: 'click', clear: 'dblclick' } }],
    mark: { type: 'point', filled: true, size: 70, cursor: 'pointer' },
    encoding: {
      x,
      y,
      color: { field: 'kind', type: 'nominal', title: 'point', scale: { domain: kindDomain(points), range: kindColours(points) } },
      shape: { field: 'kind', type: 'nominal', legend: null },
      opacity: { condition: { test: "datum.kind === 'dominated'", value: 0.35 }, value: 0.95 },
      tooltip: [
        { field: 'trial', type: 'nominal', title: 'trial' },
        { field: 'kind', type: 'nominal' },
        { field: 'budget', type: 'quantitative' },
        { field: 'x', type: 'quantitative', title: options.x, format: '.4f' },
        { field: 'y', type: 'quantitative', title: options.y, format: '.4f' },
        { field: 'configuration', type: 'nominal' },
      ],
    },
  });
  return { $schema: SCHEMA, title: options.title, width: WIDTH, height: HEIGHT, layer: layers };
}

function kindDomain(points: readonly ParetoPoint[]): string[] {
  const fixed = ['front', 'dominated', 'default'];
  const others = [...new Set(points.map((p) => p.kind))].filter((k) => !fixed.includes(k)).sort();
  return [...fixed, ...others];
}

function kindColours(points: readonly ParetoPoint[]): string[] {
  const others = ['#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  return ['#d62728', '#1f77b4', '#ff7f0e', ...kindDomain(points).slice(3).map((_, i) => others[i % others.length])];
}

/** Hypervolume of the front at each budget (one line per budget) against budget spent or trial seconds. */
export function hypervolumeSpec(points: readonly { budget: number; budgetSpent: number; trialSeconds: number; hypervolume: number }[], options: { over: 'budgetSpent' | 'trialSeconds'; title: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', point: false },
    encoding: {
      x: { field: options.over, type: 'quantitative', title: options.over === 'budgetSpent' ? 'budget spent (units, e.g. epochs)' : 'trial seconds (summed over trials)' },
      y: { field: 'hypervolume', type: 'quantitative' },
      color: { field: 'budget', type: 'ordinal', title: 'front at budget' },
      tooltip: [
        { field: 'budget', type: 'quantitative', title: 'front at budget' },
        { field: options.over, type: 'quantitative', format: '.3~f' },
        { field: 'hypervolume', type: 'quantitative', format: '.4f' },
      ],
    },
  };
}

/** Each configuration's value of one objective over its rungs (budget on a log axis). */
export function curvesSpec(points: readonly { configId: string; trial: number; budget: number; value: number }[], options: { objective: string; title: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', point: true, opacity: 0.7 },
    encoding: {
      x: { field: 'budget', type: 'quantitative', scale: { type: 'log' }, title: 'budget (rung)' },
      y: { field: 'value', type: 'quantitative', title: options.objective, scale: { zero: false } },
      detail: { field: 'configId', type: 'nominal' },
      color: { field: 'configId', type: 'nominal', legend: null },
      tooltip: [{ field: 'trial', type: 'nominal' }, { field: 'budget', type: 'quantitative' }, { field: 'value', type: 'quantitative', format: '.4f', title: options.objective }],
    },
  };
}

/**
 * Parallel coordinates: one line per trial across `dimensions` (hyperparameters and objectives), each axis scaled to
 * [0, 1] over the trials shown; categorical values enter as their index among the choices (rows must be numeric).
 */
export function parallelSpec(rows: readonly Record<string, number | string>[], options: { dimensions: readonly string[]; colour: string; title: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: Math.max(WIDTH, 90 * options.dimensions.length),
    height: HEIGHT,
    data: { values: rows },
    transform: [
      { window: [{ op: 'count', as: 'row' }] },
      { fold: [...options.dimensions] },
      { joinaggregate: [{ op: 'min', field: 'value', as: 'min' }, { op: 'max', field: 'value', as: 'max' }], groupby: ['key'] },
      { calculate: 'datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)', as: 'scaled' },
    ],
    mark: { type: 'line', opacity: 0.5 },
    encoding: {
      x: { field: 'key', type: 'nominal', sort: [...options.dimensions], title: null },
      y: { field: 'scaled', type: 'quantitative', axis: null },
      detail: { field: 'row', type: 'nominal' },
      color: { field: options.colour, type: 'quantitative', title: options.colour },
      tooltip: [{ field: 'trial', type: 'nominal' }, { field: 'key', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.4~f' }],
    },
  };
}

/** Importance of each parameter, one bar chart per objective. */
export function importanceSpec(importances: readonly { objective: string; importances: readonly { parameter: string; importance: number }[] }[], options: { title: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    hconcat: importances.map((entry) => ({
      title: entry.objective,
      width: 200,
      data: { values: entry.importances },
      mark: 'bar',
      encoding: {
        y: { field: 'parameter', type: 'nominal', sort: '-x', title: null },
        x: { field: 'importance', type: 'quantitative', title: 'share of importance', scale: { domain: [0, 1] } },
        tooltip: [{ field: 'parameter', type: 'nominal' }, { field: 'importance', type: 'quantitative', format: '.3f' }],
      },
    })),
  };
}

/** The fronts of several studies (each at its highest budget) on the same two objectives, one colour per study. */
export function compareSpec(points: readonly { study: string; trial: number; budget: number; x: number; y: number }[], options: { x: string; y: string; title: string }): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', point: { filled: true, size: 60 } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.x, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: options.y, scale: { zero: false } },
      color: { field: 'study', type: 'nominal', title: 'study' },
      order: { field: 'x', type: 'quantitative' },
      tooltip: [{ field: 'study', type: 'nominal' }, { field: 'trial', type: 'nominal' }, { field: 'budget', type: 'quantitative' }, { field: 'x', type: 'quantitative', title: options.x, format: '.4f' }, { field: 'y', type: 'quantitative', title: options.y, format: '.4f' }],
    },
  };
}
