// Writes a benchmark's results: runs.csv, curves.csv, SVG plots and summary.md (frnas and Optuna side by side).
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/write-file-atomic.js';
import { join } from 'node:path';
import { lineChartSvg, type LineSeries } from '../report/svg.js';
import { medianEpochsToReach, runMetrics, summarizeMethod, type MethodSummary, type RunMetrics, type Spread } from './metrics.js';
import { writeTrialRecords } from './records.js';
import type { TrialRecord } from './runner.js';
import type { SuiteProblem } from './suite.js';

export interface BenchmarkReportOptions {
  out: string;
  problems: readonly SuiteProblem[];
  records: readonly TrialRecord[];
  /** Lines added under the title (commands, environment, what was skipped). */
  notes?: readonly string[];
}

export interface BenchmarkReport {
  summaries: MethodSummary[];
  /** Paths written. */
  files: string[];
  markdown: string;
}

/** Share of the budget within which frnas's best method must reach Optuna's best final HV on the fidelity problems. */
export const FIDELITY_GOAL_SHARE = 1 / 3;

/** Groups records by (problem, library, method, seed) and summarises each method over its seeds. */
export function summarizeRecords(records: readonly TrialRecord[], problems: readonly SuiteProblem[]): MethodSummary[] {
  const byProblem = new Map(problems.map((p) => [p.problem.name, p]));
  const runs = new Map<string, TrialRecord[]>();
  for (const r of records) {
    const key = JSON.stringify([r.problem, r.library, r.method, r.seed]);
    const list = runs.get(key);
    if (list) list.push(r);
    else runs.set(key, [r]);
  }
  const methods = new Map<string, RunMetrics[]>();
  for (const list of runs.values()) {
    const suite = byProblem.get(list[0].problem);
    if (!suite) continue; // A problem that was not run this time (e.g. an Optuna CSV with more problems).
    const ordered = [...list].sort((a, b) => a.trial - b.trial);
    const metrics = runMetrics(ordered, suite.problem, suite.budgetEpochs);
    const key = JSON.stringify([metrics.problem, metrics.library, metrics.method]);
    const group = methods.get(key);
    if (group) group.push(metrics);
    else methods.set(key, [metrics]);
  }
  const order = problems.map((p) => p.problem.name);
  return [...methods.values()]
    .map((group) => summarizeMethod(group.sort((a, b) => a.seed - b.seed)))
    .sort((a, b) => order.indexOf(a.problem) - order.indexOf(b.problem) || a.library.localeCompare(b.library) || 0);
}

const format = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const withIqr = (s: Spread, digits = 4): string => `${format(s.median, digits)} [${format(s.q1, digits)}, ${format(s.q3, digits)}]`;
const label = (s: MethodSummary): string => `${s.library}/${s.method}`;

/** The goal of issue 10, checked per problem (fidelity problems: share of budget; single fidelity: equal budget). */
export function goalLines(summaries: readonly MethodSummary[], problems: readonly SuiteProblem[]): string[] {
  const lines: string[] = [];
  for (const { problem, budgetEpochs } of problems) {
    const ours = summaries.filter((s) => s.problem === problem.name && s.library === 'frnas');
    const theirs = summaries.filter((s) => s.problem === problem.name && s.library !== 'frnas');
    if (ours.length === 0 || theirs.length === 0) {
      lines.push(`- ${problem.name}: no comparison (${ours.length === 0 ? 'no frnas runs' : 'no Optuna runs'})`);
      continue;
    }
    const best = (list: MethodSummary[]) => list.reduce((a, b) => (b.finalHypervolume.median > a.finalHypervolume.median ? b : a));
    const target = best(theirs);
    const ourBest = best(ours);
    if (problem.fidelity.min < problem.fidelity.max && !(target.finalHypervolume.median > 0)) {
      lines.push(
        `- ${problem.name}: Optuna's best median final HV is 0 (no median run gets inside the reference box), so the goal holds trivially; ` +
          `frnas's best final HV: ${label(ourBest)} ${format(ourBest.finalHypervolume.median)}`,
      );
    } else if (problem.fidelity.min < problem.fidelity.max) {
      const reach = ours
        .map((s) => ({ s, ...medianEpochsToReach(s, target.finalHypervolume.median) }))
        .sort((a, b) => (a.median === b.median ? b.reached - a.reached : a.median - b.median))[0];
      const share = reach.median / budgetEpochs;
      const met = share <= FIDELITY_GOAL_SHARE;
      lines.push(
        `- ${problem.name}: Optuna's best final HV is ${label(target)} ${format(target.finalHypervolume.median)}; ` +
          (Number.isFinite(share)
            ? `fastest frnas method to reach it: ${label(reach.s)} at ${(100 * share).toFixed(0)} % of the budget (${reach.reached}/${reach.s.seeds} seeds reach it)`
            : reach.reached === 0
              ? 'no frnas run reaches it within the budget'
              : `no frnas method's median seed reaches it (most often: ${label(reach.s)}, ${reach.reached}/${reach.s.seeds} seeds)`) +
          ` — goal (≤ 33 %) ${met ? 'MET' : 'NOT met'}; frnas's best final HV: ${label(ourBest)} ${format(ourBest.finalHypervolume.median)}`,
      );
    } else {
      const met = ourBest.finalHypervolume.median >= target.finalHypervolume.median;
      lines.push(
        `- ${problem.name} (single fidelity, equal budget ${budgetEpochs} epochs): frnas best ${label(ourBest)} ${format(ourBest.finalHypervolume.median)} ` +
          `vs Optuna best ${label(target)} ${format(target.finalHypervolume.median)} — goal (≥) ${met ? 'MET' : 'NOT met'}`,
      );
    }
  }
  return lines;
}

function markdown(summaries: readonly MethodSummary[], problems: readonly SuiteProblem[], notes: readonly string[]): string {
  const seeds = [...new Set(summaries.map((s) => s.seeds))].join('/');
  const out: string[] = ['# Benchmark summary', '', ...notes, ''];
  out.push('| problem | budget (epochs) | reference point | true-front HV |', '|---|---|---|---|');
  for (const { problem, budgetEpochs } of problems) {
    out.push(`| ${problem.name} | ${budgetEpochs} | (${problem.referencePoint.join(', ')}) | ${format(problem.trueHypervolume())} |`);
  }
  out.push(
    '',
    `Median [IQR] over ${seeds} seeds. HV counts ok results at the full budget only, within the epoch budget; ` +
      'HV@25 % / 50 % = HV after a quarter / half of the epochs; IGD+ against the true front; evaluations = trials that trained; ' +
      'sim. time = simulated seconds of the virtual clock (1 s per epoch per worker).',
    '',
    '| problem | method | final HV | HV@25 % | HV@50 % | final / true HV | IGD+ | evaluations | sim. time |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of summaries) {
    out.push(
      `| ${s.problem} | ${label(s)} | ${withIqr(s.finalHypervolume)} | ${format(s.hypervolumeAt25.median)} | ${format(s.hypervolumeAt50.median)} | ` +
        `${format(s.hypervolumeRatio.median, 3)} | ${format(s.igdPlus.median)} | ${format(s.evaluations.median, 0)} | ${format(s.simulatedSeconds.median, 0)} |`,
    );
  }
  out.push('', '## Goal', '', ...goalLines(summaries, problems), '');
  return out.join('\n');
}

function curvesCsv(summaries: readonly MethodSummary[]): string {
  const lines = ['library,problem,method,epochs,hv_median,hv_q1,hv_q3'];
  for (const s of summaries) for (const c of s.curve) lines.push([s.library, s.problem, s.method, c.epochs, c.median, c.q1, c.q3].join(','));
  return lines.join('\n') + '\n';
}

function runsCsv(summaries: readonly MethodSummary[]): string {
  const lines = ['library,problem,method,seed,budget_epochs,final_hv,hv_25,hv_50,hv_ratio,igd_plus,evaluations,failed,infeasible,epochs_spent,simulated_seconds'];
  for (const s of summaries) {
    for (const r of s.runs) {
      lines.push(
        [r.library, r.problem, r.method, r.seed, r.budgetEpochs, r.finalHypervolume, r.hypervolumeAt25, r.hypervolumeAt50, r.hypervolumeRatio, r.igdPlus,
          r.evaluations, r.failed, r.infeasible, r.epochsSpent, r.simulatedSeconds].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Final fronts of the median seed of every method as attainment staircases (2 objectives only), with the true front. */
function frontSvg(problem: SuiteProblem['problem'], summaries: readonly MethodSummary[]): string {
  const staircase = (points: readonly (readonly number[])[]) => [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => ({ x: p[0], y: p[1] }));
  const series: LineSeries[] = [{ name: 'true front', points: staircase(problem.trueFront()), step: true }];
  for (const s of summaries) {
    const runs = [...s.runs].sort((a, b) => a.finalHypervolume - b.finalHypervolume);
    const median = runs[Math.floor((runs.length - 1) / 2)];
    series.push({ name: `${label(s)} (seed ${median.seed})`, points: staircase(median.front), step: true });
  }
  const [x, y] = problem.objectives.map((o) => o.name);
  return lineChartSvg(series, { title: `${problem.name}: final fronts (median-HV seed)`, xLabel: x, yLabel: y, width: 760, height: 480 });
}

/** Writes trials.csv, runs.csv, curves.csv, hv-<problem>.svg, front-<problem>-<library>.svg (2 objectives) and summary.md. */
export function writeBenchmarkReport(options: BenchmarkReportOptions): BenchmarkReport {
  const { out, problems, records, notes = [] } = options;
  mkdirSync(out, { recursive: true });
  const summaries = summarizeRecords(records, problems);
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    const path = join(out, name);
    writeFileAtomicSync(path, text);
    files.push(path);
  };
  writeTrialRecords(join(out, 'trials.csv'), records);
  files.push(join(out, 'trials.csv'));
  write('runs.csv', runsCsv(summaries));
  write('curves.csv', curvesCsv(summaries));
  for (const { problem, budgetEpochs } of problems) {
    const mine = summaries.filter((s) => s.problem === problem.name);
    if (mine.length === 0) continue;
    const series: LineSeries[] = mine.map((s) => ({
      name: label(s),
      points: s.curve.map((c) => ({ x: c.epochs, y: c.median })),
      band: s.curve.map((c) => ({ x: c.epochs, lo: c.q1, hi: c.q3 })),
      step: true,
    }));
    write(
      `hv-${problem.name}.svg`,
      lineChartSvg(series, { title: `${problem.name}: hypervolume vs epochs (median, IQR band; budget ${budgetEpochs})`, xLabel: 'epochs spent', yLabel: 'hypervolume', width: 760, height: 480 }),
    );
    // One front plot per library: the palette has 8 colours, and the true front plus every method would reuse them.
    if (problem.objectives.length === 2) {
      for (const library of [...new Set(mine.map((s) => s.library))]) {
        write(`front-${problem.name}-${library}.svg`, frontSvg(problem, mine.filter((s) => s.library === library)));
      }
    }
  }
  const text = markdown(summaries, problems, notes);
  write('summary.md', text);
  return { summaries, files, markdown: text };
}
