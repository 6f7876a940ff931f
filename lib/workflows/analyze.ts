import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareWithIntervals, FAIRNESS_METRICS, type FairnessMetricName, type IntervalVerdict, type MetricInterval } from '../fairness/index.js';
import { paretoFront } from '../pareto/index.js';
import { escapeXml } from '../report/index.js';
import type { TransferEvaluation } from './evaluate.js';
import { groupBarsSvg, modelScatterSvg } from '../posthoc/plots.js';
import { findRunFolders, readRunConfig, readRunResult, RUN_FILES, snakeCase, type RunKind, type SplitEvaluation } from '../posthoc/runs.js';
import { dominanceOverSeeds, seedInterval, SEPARATION_LEVEL, type SeedInterval } from '../posthoc/seeds.js';
import { summarizeSplit, type MeanStd, type SplitSummary } from '../posthoc/summary.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { formatCsv } from '../util/csv.js';

/** The disparity measures of FR-NAS (§5); each gets an error-vs-measure plot and its own Pareto front. */
export const DISPARITY_MEASURES = ['disparity', 'rankDisparity', 'ratio', 'rankRatio', 'errorRatio'] as const;
export type DisparityMeasure = (typeof DISPARITY_MEASURES)[number];

export interface AnalyzeOptions {
  /** Retrain folders or run folders (searched models unless marked baseline in their config.json). */
  dirs: readonly string[];
  /** Folders whose runs count as baselines whatever their config says (hand-picked models). */
  baselines?: readonly string[];
  /** Output folder. */
  out: string;
  /** 'test' (default), 'validation', or `transfer:<name>` (the `transfer/<name>.json` that `frnas evaluate` wrote). */
  split?: string;
  measures?: readonly DisparityMeasure[];
  title?: string;
}

/** One (model, seed) run on the analysed split. */
export interface AnalysisRun {
  dir: string;
  model: string;
  kind: RunKind;
  configId: string;
  seed: number;
  evaluation: SplitEvaluation;
}

/** One model over its seeds, with the fronts it is on. */
export interface AnalysisModel {
  model: string;
  kind: RunKind;
  configId: string;
  /** Seeds with a result on the split: every mean is over these (n = seeds.length). */
  seeds: number[];
  /** Seeds whose run folder has no result on the split (the run failed, is unfinished, or was not evaluated there). */
  failedSeeds: number[];
  summary: SplitSummary;
  /** Measures on whose (error, measure) Pareto front the model's means lie. */
  onFront: DisparityMeasure[];
  /** Identity-bootstrap intervals (see modelIntervals), when every seed's result has them. */
  intervals?: Record<FairnessMetricName, MetricInterval>;
}

export interface Analysis {
  split: string;
  measures: DisparityMeasure[];
  runs: AnalysisRun[];
  models: AnalysisModel[];
  /**
   * Per searched model and baseline: `measures`, under which the searched model dominates the baseline on (error,
   * measure) beyond the noise over seeds (lib/posthoc/seeds.ts: every seed better on both, with enough seeds) and,
   * when both have identity-bootstrap intervals, beyond those too (compareWithIntervals, whose verdicts are in
   * `verdicts`); `withinNoise`, under which only its means do.
   */
  dominates: { searched: string; baseline: string; measures: DisparityMeasure[]; withinNoise: DisparityMeasure[]; verdicts?: Partial<Record<DisparityMeasure, IntervalVerdict>> }[];
  /** Models with run folders but no result on the split at all (not in `models`). */
  withoutResult: { model: string; kind: RunKind; configId: string; seeds: number[] }[];
  files: { csv: string; runsCsv: string; markdown: string; html: string; svgs: string[] };
}

function readEvaluation(dir: string, split: string): SplitEvaluation | undefined {
  if (split.startsWith('transfer:')) {
    const file = join(dir, RUN_FILES.transfer, `${split.slice('transfer:'.length)}.json`);
    if (!existsSync(file)) return undefined;
    return (JSON.parse(readFileSync(file, 'utf8')) as TransferEvaluation).identification;
  }
  const result = readRunResult(dir);
  if (!result) return undefined;
  if (split !== 'test' && split !== 'validation') throw new Error(`split must be test, validation or transfer:<name>, got "${split}"`);
  return result[split];
}

/** Every finished run below `dirs` on the split (runs without that split's result are skipped). */
export function collectRuns(dirs: readonly string[], baselineDirs: readonly string[], split: string): AnalysisRun[] {
  return collectRunFolders(dirs, baselineDirs, split).runs;
}

/** The run folders below `dirs`: those with a result on the split, and those without (failed, unfinished, not evaluated). */
export function collectRunFolders(
  dirs: readonly string[],
  baselineDirs: readonly string[],
  split: string,
): { runs: AnalysisRun[]; missing: Omit<AnalysisRun, 'evaluation'>[] } {
  const runs: AnalysisRun[] = [];
  const missing: Omit<AnalysisRun, 'evaluation'>[] = [];
  const seen = new Set<string>();
  const add = (dir: string, forceBaseline: boolean): void => {
    for (const runDir of findRunFolders(dir)) {
      if (seen.has(runDir)) continue;
      seen.add(runDir);
      const config = readRunConfig(runDir);
      const evaluation = readEvaluation(runDir, split);
      const run = { dir: runDir, model: config.model, kind: forceBaseline ? ('baseline' as const) : config.kind, configId: config.configId, seed: config.seed };
      if (evaluation) runs.push({ ...run, evaluation });
      else missing.push(run);
    }
  };
  // Baselines first, so a folder given both ways counts as a baseline.
  for (const dir of baselineDirs) add(dir, true);
  for (const dir of dirs) add(dir, false);
  return { runs, missing };
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '');
const pm = (m: MeanStd): string => `${fmt(m.mean)} ± ${fmt(m.std)}`;

/**
 * A model's identity-bootstrap intervals over its seeds: per figure, the mean over seeds of the estimates,
 * of the lower and of the upper ends. The seeds are evaluated on the same persons, so their bootstrap noise
 * is shared rather than independent; averaging the ends keeps that noise instead of shrinking it as if the
 * seeds were independent draws of persons. Undefined unless every run's result holds intervals.
 */
export function modelIntervals(evaluations: readonly SplitEvaluation[]): Record<FairnessMetricName, MetricInterval> | undefined {
  const all = evaluations.map((e) => e.metrics.intervals?.metrics);
  if (all.length === 0 || all.some((m) => !m)) return undefined;
  const present = all as Record<FairnessMetricName, MetricInterval>[];
  const out = {} as Record<FairnessMetricName, MetricInterval>;
  for (const name of FAIRNESS_METRICS) {
    const mean = (pick: (i: MetricInterval) => number) => present.reduce((s, m) => s + pick(m[name]), 0) / present.length;
    out[name] = { estimate: mean((i) => i.estimate), lower: mean((i) => i.lower), upper: mean((i) => i.upper) };
  }
  return out;
}

/**
 * `frnas analyze`: reads the run folders' results, aggregates each model over its seeds (mean ± std), finds the
 * Pareto front across searched and baseline models on (error, measure) for every disparity measure, and which
 * searched models dominate which baselines. Writes analysis.csv (one row per model), runs.csv (one per model and
 * seed), analysis.md, error-vs-<measure>.svg, per-group.svg and analysis.html to `out`.
 */
export async function analyze(options: AnalyzeOptions): Promise<Analysis> {
  const split = options.split ?? 'test';
  const measures = [...(options.measures ?? DISPARITY_MEASURES)];
  const { runs, missing } = collectRunFolders(options.dirs, options.baselines ?? [], split);
  if (runs.length === 0) throw new Error(`no finished run with a ${split} result under ${[...options.dirs, ...(options.baselines ?? [])].join(', ')}`);
  const keyOf = (run: Omit<AnalysisRun, 'evaluation'>): string => `${run.kind}\u0000${run.model}\u0000${run.configId}`;
  const byModel = new Map<string, AnalysisRun[]>();
  for (const run of runs) byModel.set(keyOf(run), [...(byModel.get(keyOf(run)) ?? []), run]);
  const missingByModel = new Map<string, Omit<AnalysisRun, 'evaluation'>[]>();
  for (const run of missing) missingByModel.set(keyOf(run), [...(missingByModel.get(keyOf(run)) ?? []), run]);
  const failedSeedsOf = (key: string): number[] => (missingByModel.get(key) ?? []).map((r) => r.seed).sort((a, b) => a - b);
  const withoutResult: Analysis['withoutResult'] = [...missingByModel.entries()]
    .filter(([key]) => !byModel.has(key))
    .map(([key, group]) => ({ model: group[0].model, kind: group[0].kind, configId: group[0].configId, seeds: failedSeedsOf(key) }));
  const models: AnalysisModel[] = [...byModel.entries()]
    .map(([key, group]) => {
      const sorted = [...group].sort((a, b) => a.seed - b.seed);
      const identityIntervals = modelIntervals(sorted.map((r) => r.evaluation));
      return {
        model: sorted[0].model,
        kind: sorted[0].kind,
        configId: sorted[0].configId,
        seeds: sorted.map((r) => r.seed),
        failedSeeds: failedSeedsOf(key),
        summary: summarizeSplit(sorted.map((r) => r.evaluation)),
        onFront: [] as DisparityMeasure[],
        ...(identityIntervals ? { intervals: identityIntervals } : {}),
      };
    })
    .sort((a, b) => (a.kind === b.kind ? a.summary.metrics.error.mean - b.summary.metrics.error.mean || a.model.localeCompare(b.model) : a.kind === 'searched' ? -1 : 1));
  const point = (m: AnalysisModel, measure: DisparityMeasure): number[] => [m.summary.metrics.error.mean, m.summary.metrics[measure].mean];
  for (const measure of measures) {
    for (const i of paretoFront(models.map((m) => point(m, measure)))) models[i].onFront.push(measure);
  }
  // Dominance from the seeds themselves, not only their means: the seed-to-seed spread of a 3-seed run is often as
  // large as the difference between two models.
  const runsOf = new Map(models.map((m) => [m, byModel.get(`${m.kind}\u0000${m.model}\u0000${m.configId}`) ?? []]));
  const intervals = (m: AnalysisModel, measure: DisparityMeasure): SeedInterval[] =>
    (['error', measure] as const).map((k) => seedInterval((runsOf.get(m) ?? []).map((r) => r.evaluation.metrics[k])));
  const dominates: Analysis['dominates'] = [];
  for (const s of models.filter((m) => m.kind === 'searched')) {
    for (const b of models.filter((m) => m.kind === 'baseline')) {
      const overSeeds = measures.map((measure) => [measure, dominanceOverSeeds(intervals(s, measure), intervals(b, measure))] as const);
      const { intervals: si } = s;
      const { intervals: bi } = b;
      const verdicts = si && bi ? Object.fromEntries(measures.map((measure) => [measure, compareWithIntervals(si, bi, ['error', measure])])) as Partial<Record<DisparityMeasure, IntervalVerdict>> : undefined;
      // Beyond the noise over seeds, and over the evaluation identities where intervals exist.
      const beyond = (measure: DisparityMeasure): boolean => verdicts === undefined || verdicts[measure] === 'dominates';
      dominates.push({
        searched: s.model,
        baseline: b.model,
        measures: overSeeds.filter(([m, v]) => v === 'dominates' && beyond(m)).map(([m]) => m),
        withinNoise: overSeeds.filter(([m, v]) => v === 'within noise' || (v === 'dominates' && !beyond(m))).map(([m]) => m),
        ...(verdicts ? { verdicts } : {}),
      });
    }
  }

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const groups = [...new Set(models.flatMap((m) => Object.keys(m.summary.groupAccuracy)))].sort();
  const metricColumns = ['error', ...measures, 'accuracy', 'meanRank'] as const;

  // analysis.csv: one row per model, means and stds.
  const header = ['model', 'kind', 'config_id', 'seeds', 'n', 'failed', 'failed_seeds', ...metricColumns.flatMap((k) => [`${snakeCase(k)}_mean`, `${snakeCase(k)}_std`]), ...groups.flatMap((g) => [`acc_${g}_mean`, `acc_${g}_std`]), ...measures.map((m) => `front_${snakeCase(m)}`)];
  const rows = models.map((m) => [
    m.model, m.kind, m.configId, m.seeds.join(' '), String(m.seeds.length), String(m.failedSeeds.length), m.failedSeeds.join(' '),
    ...metricColumns.flatMap((k) => [String(m.summary.metrics[k].mean), String(m.summary.metrics[k].std)]),
    ...groups.flatMap((g) => [String(m.summary.groupAccuracy[g]?.mean ?? ''), String(m.summary.groupAccuracy[g]?.std ?? '')]),
    ...measures.map((measure) => String(m.onFront.includes(measure))),
  ]);
  const csv = join(out, 'analysis.csv');
  await writeFileAtomic(csv, await formatCsv([header, ...rows]));
  // runs.csv: one row per (model, seed), the run folders' own numbers.
  const runHeader = ['model', 'kind', 'config_id', 'seed', ...metricColumns.map((k) => snakeCase(k)), 'count', ...groups.map((g) => `acc_${g}`), 'run'];
  const runRows = [...runs]
    .sort((a, b) => a.model.localeCompare(b.model) || a.seed - b.seed)
    .map((r) => [r.model, r.kind, r.configId, String(r.seed), ...metricColumns.map((k) => String(r.evaluation.metrics[k])), String(r.evaluation.metrics.count), ...groups.map((g) => String(r.evaluation.perGroup[g]?.accuracy ?? '')), r.dir]);
  const runsCsv = join(out, 'runs.csv');
  await writeFileAtomic(runsCsv, await formatCsv([runHeader, ...runRows]));

  // Plots.
  const svgs: string[] = [];
  for (const measure of measures) {
    const file = join(out, `error-vs-${snakeCase(measure).replace(/_/g, '-')}.svg`);
    const svg = modelScatterSvg(
      models.map((m) => ({
        label: m.model,
        baseline: m.kind === 'baseline',
        front: m.onFront.includes(measure),
        x: m.summary.metrics.error.mean,
        xStd: m.summary.metrics.error.std,
        y: m.summary.metrics[measure].mean,
        yStd: m.summary.metrics[measure].std,
      })),
      { title: `Error vs ${snakeCase(measure).replace(/_/g, ' ')} (${split}, mean ± std over seeds)`, xLabel: 'error (1 − rank-1 accuracy)', yLabel: snakeCase(measure).replace(/_/g, ' ') },
    );
    await writeFileAtomic(file, svg);
    svgs.push(file);
  }
  const bars = join(out, 'per-group.svg');
  await writeFileAtomic(bars, groupBarsSvg(models.map((m) => ({ label: m.model, groups: m.summary.groupAccuracy })), { title: `Rank-1 accuracy per group (${split})`, yLabel: 'accuracy' }));
  svgs.push(bars);

  // analysis.md
  const title = options.title ?? `frnas analysis (${split})`;
  const mdHeader = ['model', 'kind', 'seeds', 'n', 'failed', ...metricColumns.map((k) => snakeCase(k)), ...groups.map((g) => `acc ${g}`), 'Pareto front'];
  const mdRows = models.map((m) => [
    m.model, m.kind, m.seeds.join(', '), String(m.seeds.length), String(m.failedSeeds.length),
    ...metricColumns.map((k) => pm(m.summary.metrics[k])),
    ...groups.map((g) => (m.summary.groupAccuracy[g] ? pm(m.summary.groupAccuracy[g]) : '')),
    m.onFront.length ? m.onFront.map(snakeCase).join(', ') : '—',
  ]);
  const table = (head: string[], body: string[][]): string =>
    [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const searched = models.filter((m) => m.kind === 'searched');
  const baselines = models.filter((m) => m.kind === 'baseline');
  const cell = (s: string, b: string): string => {
    const d = dominates.find((x) => x.searched === s && x.baseline === b);
    const parts = [...(d?.measures ?? []).map(snakeCase), ...(d?.withinNoise.length ? [`within noise: ${d.withinNoise.map(snakeCase).join(', ')}`] : [])];
    return parts.length ? parts.join('; ') : '—';
  };
  // Identity-bootstrap intervals of the models that have them.
  const withIntervals = models.filter((m) => m.intervals);
  const intervalColumns = ['error', ...measures] as const;
  const interval = (i: MetricInterval): string => `${fmt(i.estimate)} [${fmt(i.lower)}, ${fmt(i.upper)}]`;
  const intervalHead = ['model', 'kind', ...intervalColumns.map((k) => snakeCase(k))];
  const intervalRows = withIntervals.map((m) => [m.model, m.kind, ...intervalColumns.map((k) => interval((m.intervals as Record<FairnessMetricName, MetricInterval>)[k]))]);
  const levels = [...new Set(runs.flatMap((r) => (r.evaluation.metrics.intervals ? [r.evaluation.metrics.intervals.level] : [])))];
  const intervalText = `${levels.map((l) => `${Number((100 * l).toPrecision(4))} %`).join(' / ')} confidence intervals from a bootstrap over evaluation identities (stratified by group; ranks as on the full split), as "estimate [lower, upper]"; over several seeds the seeds' estimates and interval ends are averaged.`;
  const noResult = withoutResult.length
    ? `No result on the ${split} split (left out): ${withoutResult.map((m) => `${m.model} (seeds ${m.seeds.join(', ')})`).join('; ')}.`
    : '';
  const dominanceTable = baselines.length && searched.length ? table(['searched \\ baseline', ...baselines.map((b) => b.model)], searched.map((s) => [s.model, ...baselines.map((b) => cell(s.model, b.model))])) : '_No baselines (or no searched models) to compare._';
  const markdown = [
    `# ${title}`,
    '',
    `${runs.length} runs of ${models.length} models on the ${split} split; mean ± sample std over the n seeds with a result; failed: run folders without one (failed, unfinished or not evaluated). All figures are minimised except accuracy.`,
    '',
    table(mdHeader, mdRows),
    '',
    ...(noResult ? [noResult, ''] : []),
    '## Which searched models dominate which baselines',
    '',
    `A cell lists the measures under which the searched model dominates the baseline on (error, measure) beyond the noise over seeds: every seed of it is below every seed of the baseline in both (the ranges over seeds do not overlap), with enough seeds that this is unlikely by chance (p = 1 / C(n1 + n2, n1) <= ${SEPARATION_LEVEL}: at least 3 seeds each). "within noise": only the seed means dominate.` +
      (withIntervals.length ? ' Where both models have identity-bootstrap intervals, the intervals must also lie apart in both error and the measure (otherwise "within noise").' : ''),
    '',
    dominanceTable,
    '',
    ...(withIntervals.length ? ['## Identity-bootstrap intervals', '', intervalText, '', table(intervalHead, intervalRows), ''] : []),
    `Plots: ${svgs.map((f) => `[${f.split('/').at(-1)}](${f.split('/').at(-1)})`).join(', ')}.`,
    '',
  ].join('\n');
  const md = join(out, 'analysis.md');
  await writeFileAtomic(md, markdown);

  // analysis.html: the tables and the plots inline.
  const htmlTable = (head: string[], body: string[][]): string =>
    `<table><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const svgTexts = await Promise.all(svgs.map((f) => readFile(f, 'utf8')));
  const html = [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}th{background:#f4f4f4}figure{display:inline-block;margin:0 1em 1em 0}</style>',
    '</head><body>',
    `<h1>${escapeXml(title)}</h1>`,
    `<p>${runs.length} runs of ${models.length} models on the ${escapeXml(split)} split; mean ± sample std over the n seeds with a result; failed: run folders without one.</p>`,
    htmlTable(mdHeader, mdRows),
    ...(noResult ? [`<p>${escapeXml(noResult)}</p>`] : []),
    '<h2>Which searched models dominate which baselines</h2>',
    `<p>Beyond the noise over seeds: every seed better in error and the measure, with at least 3 seeds each; "within noise": only the means dominate.</p>`,
    baselines.length && searched.length ? htmlTable(['searched \\ baseline', ...baselines.map((b) => b.model)], searched.map((s) => [s.model, ...baselines.map((b) => cell(s.model, b.model))])) : '<p>No baselines to compare.</p>',
    ...(withIntervals.length ? ['<h2>Identity-bootstrap intervals</h2>', `<p>${escapeXml(intervalText)}</p>`, htmlTable(intervalHead, intervalRows)] : []),
    '<h2>Plots</h2>',
    ...svgTexts.map((svg) => `<figure>${svg}</figure>`),
    '<h2>Runs</h2>',
    htmlTable(runHeader.slice(0, -1), runRows.map((r) => r.slice(0, -1))),
    '</body></html>',
  ].join('\n');
  const htmlFile = join(out, 'analysis.html');
  await writeFileAtomic(htmlFile, html);

  return { split, measures, runs, models, dominates, withoutResult, files: { csv, runsCsv, markdown: md, html: htmlFile, svgs } };
}
