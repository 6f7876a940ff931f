import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareWithIntervals, type MetricInterval } from '../fairness/index.js';
import { hypervolume } from '../pareto/index.js';
import { frontAtHighestBudget } from '../search/front.js';
import type { ObjectiveSpec, Trial } from '../search/types.js';
import { CHART_ASSETS, chartAssetPath, type ChartAssetName } from '../results/assets.js';
import { hypervolumeSpec, paretoSpec, type ParetoPoint, type VegaLiteSpec } from '../results/charts.js';
import { escapeXml, lineChartSvg, scatterSvg, type ScatterPoint } from './svg.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { formatCsv } from '../util/csv.js';

export interface SearchReportOptions {
  trials: readonly Trial[];
  objectives: readonly ObjectiveSpec[];
  /** Folder the files are written to (created if missing). */
  outDir: string;
  title?: string;
  /** configId of the default configuration: marked in the plot, and every front member is compared with it. */
  defaultConfigId?: string;
  /** The default configuration's result when it was evaluated outside the study (wins over `defaultConfigId`); a failed one is shown as failed. */
  defaultTrial?: Trial;
  /**
   * Reference results that are not configurations of the space, evaluated on the same data (e.g. raw pixels as the
   * embedding): shown beside the default configuration, in the table and the plot.
   */
  baselines?: readonly ReportBaseline[];
  /** Hypervolume reference point, one value per objective; default: the worst value seen, pushed out by 10 % of the range. */
  reference?: readonly number[];
  /** The two objectives of the scatter plot (default: the first two). */
  plot?: readonly [string, string];
}

/** A reference result outside the space (e.g. `raw pixels`): objective values and, optionally, all metrics as attributes. */
export interface ReportBaseline {
  name: string;
  values: Record<string, number>;
  attributes?: Record<string, unknown>;
}

export interface SearchReport {
  /** The budget the front is taken at: the highest budget with a finished (`ok`) trial. */
  budget: number;
  /** Non-dominated `ok` trials at `budget`, sorted by the first objective. */
  front: Trial[];
  reference: number[];
  hypervolume: number;
  files: { csv: string; scatterSvg: string; hypervolumeSvg: string; html: string; trials: string };
}

/** Worst value per objective over `points`, pushed 10 % of the range further (direction-aware). */
export function defaultReference(points: readonly (readonly number[])[], objectives: readonly ObjectiveSpec[]): number[] {
  return objectives.map((o, i) => {
    const vs = points.map((p) => p[i]).filter(Number.isFinite);
    if (vs.length === 0) return o.direction === 'maximize' ? 0 : 1;
    const lo = Math.min(...vs);
    const hi = Math.max(...vs);
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    return o.direction === 'maximize' ? lo - pad : hi + pad;
  });
}

/** Numeric leaves of a trial's attributes, flattened to dotted names (`perGroup.female.accuracy`), two levels deep. */
function numericAttributes(attributes: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (value: unknown, path: string, depth: number) => {
    if (typeof value === 'number' && Number.isFinite(value)) out[path] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(attributes, '', 0);
  return out;
}

/**
 * The identity-bootstrap interval of objective `name` in a trial's attributes (`attributes.intervals.metrics`,
 * as face-recognition trials record them), looked up by the objective's name or its camelCase form
 * (`rank_disparity` -> `rankDisparity`); undefined when the trial has none.
 */
export function objectiveInterval(trial: Pick<Trial, 'attributes'>, name: string): MetricInterval | undefined {
  return intervalOf(trial.attributes ?? {}, name);
}

/** The interval of objective `name` in a result's attributes (`intervals.metrics`, snake or camel case). */
function intervalOf(attributes: Record<string, unknown>, name: string): MetricInterval | undefined {
  const metrics = (attributes.intervals as { metrics?: Record<string, unknown> } | undefined)?.metrics;
  if (!metrics || typeof metrics !== 'object') return undefined;
  const candidate = (metrics[name] ?? metrics[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())]) as Partial<MetricInterval> | undefined;
  if (!candidate || !Number.isFinite(candidate.lower) || !Number.isFinite(candidate.upper)) return undefined;
  return candidate as MetricInterval;
}

/** The intervals of every objective, keyed by objective name, or undefined when one is missing. */
function objectiveIntervals(trial: Trial, names: readonly string[]): Record<string, MetricInterval> | undefined {
  const out: Record<string, MetricInterval> = {};
  for (const name of names) {
    const interval = objectiveInterval(trial, name);
    if (!interval) return undefined;
    out[name] = interval;
  }
  return out;
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : Number(v.toPrecision(6)).toString());

/**
 * Writes the report of a search: `front.csv` (one row per front member), `front.svg` (the two plotted objectives, front
 * highlighted, dominated points faded, default configuration marked), `hypervolume.svg` (hypervolume of the front at the
 * report budget against budget spent) and a self-contained `report.html`.
 */
export async function writeSearchReport(options: SearchReportOptions): Promise<SearchReport> {
  const { trials, objectives, outDir } = options;
  if (objectives.length === 0) throw new Error('writeSearchReport: no objectives given');
  const names = objectives.map((o) => o.name);
  const directions = objectives.map((o) => o.direction);
  const { budget, candidates, front } = frontAtHighestBudget(trials, objectives);
  // Presented in order of the first objective, so the table reads along the front.
  const first = objectives[0];
  front.sort((a, b) => (first.direction === 'maximize' ? -1 : 1) * (a.values[first.name] - b.values[first.name]) || a.id - b.id);
  const vector = (t: Trial) => names.map((n) => t.values[n]);
  const reference = options.reference ? [...options.reference] : defaultReference(candidates.map(vector), objectives);
  if (reference.length !== names.length) {
    throw new Error(`writeSearchReport: reference has ${reference.length} values for ${names.length} objectives`);
  }
  const hv = front.length ? hypervolume(front.map(vector), reference, directions) : 0;
  const defaultTrial =
    options.defaultTrial ?? (options.defaultConfigId ? candidates.find((t) => t.configId === options.defaultConfigId) : undefined);

  await mkdir(outDir, { recursive: true });
  const files = {
    csv: join(outDir, 'front.csv'),
    scatterSvg: join(outDir, 'front.svg'),
    hypervolumeSvg: join(outDir, 'hypervolume.svg'),
    html: join(outDir, 'report.html'),
    trials: join(outDir, 'trials'),
  };

  // CSV: one row per front member; config keys and numeric attributes as columns.
  const configKeys = [...new Set(front.flatMap((t) => Object.keys(t.config)))].sort();
  const attrRows = front.map((t) => numericAttributes(t.attributes));
  // Objectives with identity-bootstrap intervals get <name>_lower and <name>_upper columns.
  const withIntervals = names.filter((n) => front.some((t) => objectiveInterval(t, n)));
  const intervalColumns = withIntervals.flatMap((n) => [`${n}_lower`, `${n}_upper`]);
  const fixedColumns = ['trial', 'config_id', 'budget', ...names, ...intervalColumns, ...configKeys.map((k) => `config.${k}`)];
  // Attributes often repeat an objective (e.g. `error`): one column per name.
  const attrKeys = [...new Set(attrRows.flatMap((a) => Object.keys(a)))].filter((k) => !fixedColumns.includes(k)).sort();
  const header = [...fixedColumns, ...attrKeys];
  const rows = front.map((t, i) => [
    String(t.id),
    t.configId,
    fmt(t.budget),
    ...names.map((n) => fmt(t.values[n])),
    ...withIntervals.flatMap((n) => {
      const interval = objectiveInterval(t, n);
      return [fmt(interval?.lower), fmt(interval?.upper)];
    }),
    ...configKeys.map((k) => (k in t.config ? String(t.config[k]) : '')),
    ...attrKeys.map((k) => fmt(attrRows[i][k])),
  ]);
  await writeFileAtomic(files.csv, await formatCsv([header, ...rows]));

  // Scatter of the two plotted objectives over every ok trial at the report budget.
  const [px, py] = options.plot ?? [names[0], names[1] ?? names[0]];
  for (const n of [px, py]) if (!names.includes(n)) throw new Error(`writeSearchReport: plot objective '${n}' is not one of ${names.join(', ')}`);
  const frontIds = new Set(front.map((t) => t.id));
  const points: ScatterPoint[] = candidates.map((t) => ({
    x: t.values[px],
    y: t.values[py],
    kind: frontIds.has(t.id) ? 'front' : 'dominated',
    label: `trial ${t.id}: ${px}=${fmt(t.values[px])}, ${py}=${fmt(t.values[py])}\n${JSON.stringify(t.config)}`,
  }));
  if (defaultTrial?.status === 'ok') points.push({ x: defaultTrial.values[px], y: defaultTrial.values[py], kind: 'default', label: 'default configuration' });
  for (const b of options.baselines ?? []) points.push({ x: b.values[px], y: b.values[py], kind: 'baseline', label: `${b.name}: ${px}=${fmt(b.values[px])}, ${py}=${fmt(b.values[py])}` });
  const title = options.title ?? 'frnas search';
  const scatter = scatterSvg(points, { title: `${title}: Pareto front at budget ${fmt(budget)}`, xLabel: px, yLabel: py, stepKind: 'front' });
  await writeFileAtomic(files.scatterSvg, scatter);

  // Hypervolume of the report-budget front against the budget spent, in the order trials finished.
  let spent = 0;
  let seconds = 0;
  const seen: number[][] = [];
  const hvPoints: { x: number; y: number }[] = [{ x: 0, y: 0 }];
  const hvHistory: { budget: number; budgetSpent: number; trialSeconds: number; hypervolume: number }[] = [{ budget, budgetSpent: 0, trialSeconds: 0, hypervolume: 0 }];
  for (const t of [...trials].filter((t) => t.status !== 'pending' && t.status !== 'running').sort((a, b) => a.id - b.id)) {
    spent += t.cost.budget;
    seconds += t.cost.seconds;
    if (t.status === 'ok' && t.budget === budget) seen.push(vector(t));
    const hv = seen.length ? hypervolume(seen, reference, directions) : 0;
    hvPoints.push({ x: spent, y: hv });
    hvHistory.push({ budget, budgetSpent: spent, trialSeconds: seconds, hypervolume: hv });
  }
  const hvSvg = lineChartSvg([{ name: `hypervolume (budget ${fmt(budget)})`, points: hvPoints, step: true }], {
    title: `${title}: hypervolume against budget spent`,
    xLabel: 'budget spent (units, e.g. epochs)',
    yLabel: 'hypervolume',
  });
  await writeFileAtomic(files.hypervolumeSvg, hvSvg);

  // The same Vega-Lite specs as the dashboard (lib/results/charts.ts), interactive when assets/ sits beside the page.
  const paretoPoint = (t: Trial, kind: string): ParetoPoint => {
    const xi = objectiveInterval(t, px);
    const yi = objectiveInterval(t, py);
    return {
      trial: kind === 'default' ? null : t.id,
      x: t.values[px],
      y: t.values[py],
      kind,
      budget: t.budget,
      ...(xi && yi ? { xLower: xi.lower, xUpper: xi.upper, yLower: yi.lower, yUpper: yi.upper } : {}),
      configuration: JSON.stringify(t.config),
    };
  };
  const paretoPoints: ParetoPoint[] = [
    ...candidates.map((t) => paretoPoint(t, frontIds.has(t.id) ? 'front' : 'dominated')),
    ...(defaultTrial?.status === 'ok' ? [paretoPoint(defaultTrial, 'default')] : []),
    ...(options.baselines ?? []).map((b) => ({ trial: null, x: b.values[px], y: b.values[py], kind: b.name, budget: NaN })),
  ];
  const charts = {
    pareto: paretoSpec(paretoPoints, { x: px, y: py, title: `Pareto front at budget ${fmt(budget)}` }),
    hypervolume: hypervolumeSpec(hvHistory, { over: 'budgetSpent', title: 'Hypervolume against budget spent' }),
  };
  await copyChartAssets(join(outDir, 'assets'));

  // One JSON record per trial (configuration, values, cost, attributes, failure reason), linked from the page.
  await mkdir(files.trials, { recursive: true });
  for (const t of trials) await writeFileAtomic(join(files.trials, `trial-${t.id}.json`), JSON.stringify(t, null, 2) + '\n');

  await writeFileAtomic(files.html, renderHtml({ title, trials, objectives, front, budget, reference, hv, defaultTrial, baselines: options.baselines ?? [], scatter, hvSvg, spent, charts }));
  return { budget, front, reference, hypervolume: hv, files };
}

function renderHtml(r: {
  title: string;
  trials: readonly Trial[];
  objectives: readonly ObjectiveSpec[];
  front: Trial[];
  budget: number;
  reference: number[];
  hv: number;
  defaultTrial?: Trial;
  baselines: readonly ReportBaseline[];
  scatter: string;
  hvSvg: string;
  spent: number;
  charts: Record<string, VegaLiteSpec>;
}): string {
  const count = (s: string) => r.trials.filter((t) => t.status === s).length;
  const names = r.objectives.map((o) => o.name);
  const better = (o: ObjectiveSpec, a: number, b: number) => (o.direction === 'minimize' ? a < b : a > b);
  const d = r.defaultTrial;
  const versusDefault = (t: Trial): string => {
    // A failed default has no values to compare with (the baseline line above says why).
    if (!d || d.status !== 'ok') return '';
    if (t.configId === d.configId) return 'is the default';
    const wins = r.objectives.filter((o) => better(o, t.values[o.name], d.values[o.name])).length;
    const losses = r.objectives.filter((o) => better(o, d.values[o.name], t.values[o.name])).length;
    const pointVerdict = losses === 0 && wins > 0 ? 'dominates the default' : wins === 0 && losses > 0 ? 'dominated by the default' : 'trade-off';
    const deltas = r.objectives.map((o) => `${o.name} ${t.values[o.name] - d.values[o.name] >= 0 ? '+' : ''}${fmt(t.values[o.name] - d.values[o.name])}`);
    // With identity-bootstrap intervals on both sides, a claim needs the intervals to support it.
    const mine = objectiveIntervals(t, names);
    const theirs = objectiveIntervals(d, names);
    if (!mine || !theirs) return `${pointVerdict} (${deltas.join(', ')})`;
    const words = { dominates: 'dominates the default', dominated: 'dominated by the default', 'trade-off': 'trade-off', 'within noise': 'within noise of the default' } as const;
    const verdict = words[compareWithIntervals(mine, theirs, r.objectives)];
    const point = verdict === pointVerdict ? '' : `; point estimates: ${pointVerdict}`;
    return `${verdict} (${deltas.join(', ')}${point})`;
  };
  const cellOf = (t: Trial, n: string): string => {
    const interval = objectiveInterval(t, n);
    return interval ? `${fmt(t.values[n])} [${fmt(interval.lower)}, ${fmt(interval.upper)}]` : fmt(t.values[n]);
  };
  const levels = [...new Set(r.front.flatMap((t) => {
    const level = (t.attributes?.intervals as { level?: unknown } | undefined)?.level;
    return typeof level === 'number' && names.some((n) => objectiveInterval(t, n)) ? [level] : [];
  }))];
  const intervalNote = levels.length
    ? `<p>Objective values are shown with their ${levels.map((l) => `${fmt(100 * l)} %`).join(' / ')} confidence intervals from a bootstrap over evaluation identities ("value [lower, upper]"); "dominates the default" is claimed only when every objective's interval lies beyond the default's, otherwise "within noise of the default".</p>`
    : '';
  const groupCells = (t: Trial): string => {
    const attrs = numericAttributes(t.attributes);
    // One line per group: its rank-1 accuracy and mean rank (the inputs of every disparity measure).
    const groups = [...new Set(Object.keys(attrs).filter((k) => k.startsWith('perGroup.')).map((k) => k.split('.')[1]))];
    return groups
      .map((g) => {
        const acc = attrs[`perGroup.${g}.accuracy`];
        const rank = attrs[`perGroup.${g}.meanRank`];
        return `${escapeXml(g)}: accuracy ${fmt(acc)}${rank === undefined ? '' : `, mean rank ${fmt(rank)}`}`;
      })
      .join('<br>');
  };
  const baseline = !d
    ? ''
    : d.status === 'ok'
      ? `<p>Default configuration (the baseline, budget ${fmt(d.budget)}): ${escapeXml(names.map((n) => `${n} ${fmt(d.values[n])}`).join(', '))}.</p>`
      : `<p>Default configuration (the baseline, budget ${fmt(d.budget)}): ${escapeXml(d.status)}: ${escapeXml(d.error ?? 'no reason recorded')}. The front is not compared with it.</p>`;
  const referenceRows = r.baselines
    .map((b) => {
      const cells = names.map((n) => {
        const interval = intervalOf(b.attributes ?? {}, n);
        return interval ? `${fmt(b.values[n])} [${fmt(interval.lower)}, ${fmt(interval.upper)}]` : fmt(b.values[n]);
      });
      return `<p>${escapeXml(b.name)} (a baseline outside the space, same evaluation data): ${escapeXml(names.map((n, i) => `${n} ${cells[i]}`).join(', '))}.</p>`;
    })
    .join('\n');
  // Every metric the trial's evaluation bootstrapped, with its interval (not only the objectives).
  const metricCells = (t: Trial): string => {
    const metrics = (t.attributes?.intervals as { metrics?: Record<string, Partial<MetricInterval>> } | undefined)?.metrics ?? {};
    return Object.entries(metrics)
      .filter(([, i]) => Number.isFinite(i.lower) && Number.isFinite(i.upper))
      .map(([name, i]) => `${escapeXml(name)} ${fmt(i.estimate ?? (t.attributes[name] as number | undefined))} [${fmt(i.lower)}, ${fmt(i.upper)}]`)
      .join('<br>');
  };
  const trialLink = (t: Trial) => `<a href="trials/trial-${t.id}.json">${t.id}</a>`;
  const rows = r.front
    .map(
      (t) => `<tr><td>${trialLink(t)}</td>${names.map((n) => `<td>${escapeXml(cellOf(t, n))}</td>`).join('')}<td><code>${escapeXml(
        Object.entries(t.config)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
          .join(' '),
      )}</code></td><td>${groupCells(t)}</td><td>${metricCells(t)}</td><td>${escapeXml(versusDefault(t))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(r.title)}</title>
<style>[hidden]{display:none !important}body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#f4f4f4}.figs{display:flex;flex-wrap:wrap;gap:1em}code{font-size:12px}</style>
</head><body>
<h1>${escapeXml(r.title)}</h1>
<p>${r.trials.length} trials (${count('ok')} ok, ${count('failed')} failed, ${count('timeout')} timed out); budget spent ${fmt(r.spent)};
Pareto front at budget ${fmt(r.budget)}: ${r.front.length} configurations; hypervolume ${fmt(r.hv)} (reference ${r.reference.map(fmt).join(', ')}).</p>
${baseline}
${referenceRows}
<div class="figs" id="svg-figures">${r.scatter}${r.hvSvg}</div>
<div class="figs" id="vega-figures" hidden="hidden"></div>
<h2>The fairer architectures: Pareto front</h2>
${intervalNote}
<table><thead><tr><th>trial</th>${names.map((n) => `<th>${escapeXml(n)}</th>`).join('')}<th>configuration</th><th>per group</th><th>metrics [interval]</th><th>vs default</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Trial records</h2>
<p>Each trial's full record (configuration, budget, status, values, cost, attributes, failure reason) as JSON:</p>
<ul class="trials">${[...r.trials]
    .sort((a, b) => a.id - b.id)
    .map((t) => `<li>${trialLink(t)}: ${escapeXml(t.status)}, budget ${fmt(t.budget)}${t.error ? `: ${escapeXml(t.error)}` : ''}</li>`)
    .join('')}</ul>
<script src="assets/vega.min.js"></script><script src="assets/vega-lite.min.js"></script><script src="assets/vega-embed.min.js"></script>
<script>
// With the vega bundles beside the page, the charts become the dashboard's interactive ones; without, the SVGs stay.
if (typeof vegaEmbed === 'function') {
  const specs = ${jsonForScript(r.charts)};
  const box = document.getElementById('vega-figures');
  Promise.all(Object.keys(specs).map((name) => { const d = document.createElement('div'); box.appendChild(d); return vegaEmbed(d, specs[name], { actions: false, renderer: 'svg' }); }))
    .then(() => { document.getElementById('svg-figures').hidden = true; box.hidden = false; })
    .catch((error) => { box.textContent = String(error); });
}
</script>
</body></html>
`;
}

/** JSON inside a <script>: `<` escaped so no string can close the script element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Copies the vega bundles (from node_modules) next to the report, so it works offline. */
async function copyChartAssets(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of Object.keys(CHART_ASSETS) as ChartAssetName[]) await copyFile(chartAssetPath(name), join(dir, name));
}
