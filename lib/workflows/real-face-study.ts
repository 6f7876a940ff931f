// The real-face study (FR-NAS's protocol at CPU scale): search the paper's space on training people, measure error and
// disparity on other people, retrain the front, the default cell and hand-designed backbone families with several
// seeds, and tabulate error, disparity and rank disparity with identity-bootstrap intervals next to raw pixels.
import { join, resolve } from 'node:path';
import { compareDifferences, compareWithIntervals, pairedBootstrapMeanDifference, type IntervalVerdict, type MetricInterval } from '../fairness/index.js';
import type { RunResult } from '../posthoc/runs.js';
import { analyze, type Analysis } from './analyze.js';
import { retrain, type RetrainOutcome } from './retrain.js';
import type { Configuration } from '../space/types.js';
import { RECOMMENDED_FACE_TRAINING, type RankedImages } from '../train/index.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { search, type SearchOptions, type SearchOutcome } from './search.js';

/** Hand-designed backbone families retrained beside the searched models (phase-1 style configurations). */
export const STUDY_FAMILIES: readonly string[] = ['resnet18', 'mobilenetv3_large_100', 'ghostnet_100'];

export interface RealFaceStudyOptions {
  /** Study folder: `search/`, `retrain/`, `analysis/`, `summary.md`. Re-running resumes every step. */
  out: string;
  /** Training people, e.g. `folder:/data/lfw_train`. */
  data: string;
  /** Evaluation people (identity-disjoint), e.g. `folder:/data/lfw_balanced`. */
  evaluationData: string;
  imageSize?: number;
  /**
   * Training identities with at least this many images (default 5: 265 people, 4,129 LFW-a photos, so that the whole
   * study fits about an hour and a half on two cores; the recommended recipe's 2 keeps 1,522 people).
   */
  minImagesPerIdentity?: number;
  /** Search fidelity in epochs (default 1..4, eta 2). */
  minEpochs?: number;
  maxEpochs?: number;
  eta?: number;
  /** Search stop rule: total epochs trained (default 16). */
  budget?: number;
  /** Trials trained at once (default 2: one per core). */
  workers?: number;
  /** Seeds of the retraining runs (default 1, 2, 3). */
  seeds?: readonly number[];
  /** Epochs of every retraining run (default maxEpochs). */
  retrainEpochs?: number;
  /** The K best front models to retrain (default 2). */
  top?: number;
  families?: readonly string[];
  seed?: number;
  /** Extra search options (proposer, scheduler, ...). */
  search?: Partial<SearchOptions>;
  log?: (line: string) => void;
}

export interface RealFaceStudyRow {
  model: string;
  kind: 'searched' | 'baseline' | 'pixels';
  seeds: number;
  failed: number;
  error: MetricInterval;
  disparity: MetricInterval;
  rankDisparity: MetricInterval;
  /** Against the default cell on (error, rank disparity) from the two models' separate intervals (conservative). */
  versusDefault?: string;
  /**
   * Against the default cell from paired identity-bootstrap intervals of the differences (this model − default,
   * same seed, same evaluation images; one bootstrap of the difference averaged over the seeds both have): the sharper test.
   */
  pairedVersusDefault?: PairedVersusDefault;
  epochs?: number;
  /** Mean wall seconds of one retraining run (training and evaluation). */
  seconds?: number;
}

export interface PairedVersusDefault {
  error: MetricInterval;
  rankDisparity: MetricInterval;
  verdict: IntervalVerdict;
  /** Seeds paired (both runs have per-image ranks). */
  seeds: number;
}

export interface RealFaceStudyOutcome {
  search: SearchOutcome;
  retrain: RetrainOutcome;
  analysis: Analysis;
  rows: RealFaceStudyRow[];
  markdown: string;
  seconds: { search: number; retrain: number; total: number };
  file: string;
}

const fmt = (v: number): string => v.toFixed(3);
const signed = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v).toFixed(3);
const difference = (i: MetricInterval): string => `${signed(i.estimate)} [${signed(i.lower)}, ${signed(i.upper)}]`;

/** What a paired comparison reads of a run: its seed and its per-image ranks (a RunResult, or a command trainer's ranking.json). */
export interface PairedRun {
  seed: number;
  test: { ranking?: RankedImages };
}

/**
 * Paired comparison of a model's runs with the default cell's runs of the same seeds (same evaluation images):
 * one paired identity bootstrap of (model − default) averaged over every seed both have
 * (pairedBootstrapMeanDifference; bootstrap seed: the smallest paired seed). Undefined when no seed has per-image
 * ranks on both sides. `level` is the interval's coverage (default 0.95), e.g. 0.975 for a Bonferroni correction over two tests.
 */
export function pairedAgainstDefault(model: readonly PairedRun[], defaults: readonly PairedRun[], options: { level?: number } = {}): PairedVersusDefault | undefined {
  const pairs: { seed: number; a: RankedImages; b: RankedImages }[] = [];
  for (const run of model) {
    const a = run.test.ranking;
    const b = defaults.find((d) => d.seed === run.seed)?.test.ranking;
    if (!a || !b || a.ranks.length !== b.ranks.length || a.identities.some((id, i) => id !== b.identities[i])) continue;
    if (pairs.some((p) => p.seed === run.seed)) continue;
    pairs.push({ seed: run.seed, a, b });
  }
  if (pairs.length === 0) return undefined;
  pairs.sort((x, y) => x.seed - y.seed);
  const { groups, identities } = pairs[0].a;
  const paired = pairedBootstrapMeanDifference({ pairs: pairs.map((p) => ({ a: p.a.ranks, b: p.b.ranks })), groups, identities, seed: pairs[0].seed, level: options.level });
  const error = paired.metrics.error;
  const rankDisparity = paired.metrics.rankDisparity;
  return { error, rankDisparity, verdict: compareDifferences({ error, rankDisparity }, ['error', 'rankDisparity']), seeds: pairs.length };
}
const cell = (i: MetricInterval): string => `${fmt(i.estimate)} [${fmt(i.lower)}, ${fmt(i.upper)}]`;

/** The whole study; each step resumes from its folder, so an interrupted study continues where it stopped. */
export async function realFaceStudy(options: RealFaceStudyOptions): Promise<RealFaceStudyOutcome> {
  const out = resolve(options.out);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const maxEpochs = options.maxEpochs ?? 4;
  const searchOutcome = await search({
    ...RECOMMENDED_FACE_TRAINING,
    out: join(out, 'search'),
    space: 'frnas-dpn',
    data: options.data,
    evaluationData: options.evaluationData,
    imageSize: options.imageSize ?? 32,
    minImagesPerIdentity: options.minImagesPerIdentity ?? 5,
    minEpochs: options.minEpochs ?? 1,
    maxEpochs,
    eta: options.eta ?? 2,
    budget: options.budget ?? 16,
    workers: options.workers ?? 2,
    seed: options.seed ?? 0,
    onTrialEnd: (t) => log(`search: trial ${t.id} at ${t.budget} epochs: ${t.status} ${Object.entries(t.values).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(' ')}`),
    ...options.search,
  });
  const searchSeconds = (performance.now() - started) / 1000;
  log(`search done in ${searchSeconds.toFixed(0)} s: ${searchOutcome.trials.length} trials, front of ${searchOutcome.paretoFront.length}`);

  const families = options.families ?? STUDY_FAMILIES;
  const baselines: { name: string; config: Configuration }[] = families.map((backbone) => ({
    name: backbone,
    config: { backbone, head: 'CosFace', optimizer: 'Adam', lr: 0.001 },
  }));
  const retrainStarted = performance.now();
  const retrainOutcome = await retrain({
    searchDir: join(out, 'search'),
    out: join(out, 'retrain'),
    top: options.top ?? 2,
    seeds: options.seeds ?? [1, 2, 3],
    epochs: options.retrainEpochs ?? maxEpochs,
    workers: options.workers ?? 2,
    baselines,
    onRunEnd: (run, result, skipped) => log(`retrain: ${run.model} seed ${run.seed}: ${skipped ? 'done earlier' : 'finished'}, error ${result.test.metrics.error.toFixed(3)}, rank disparity ${result.test.metrics.rankDisparity.toFixed(3)}`),
    onRunFailed: (run, error) => log(`retrain: ${run.model} seed ${run.seed} failed: ${error}`),
  });
  const retrainSeconds = (performance.now() - retrainStarted) / 1000;
  const analysis = await analyze({ dirs: [join(out, 'retrain')], out: join(out, 'analysis'), split: 'test', title: 'Real-face study' });

  const secondsOf = new Map<string, number[]>();
  const resultsOf = new Map<string, RunResult[]>();
  for (const r of retrainOutcome.runs) {
    secondsOf.set(r.config.model, [...(secondsOf.get(r.config.model) ?? []), r.result.seconds]);
    resultsOf.set(r.config.model, [...(resultsOf.get(r.config.model) ?? []), r.result]);
  }
  const defaultModel = analysis.models.find((m) => m.model === 'default');
  const rows: RealFaceStudyRow[] = analysis.models.flatMap((m) => {
    if (!m.intervals) return [];
    const seconds = secondsOf.get(m.model) ?? [];
    const versus = defaultModel?.intervals && m !== defaultModel ? compareWithIntervals(m.intervals, defaultModel.intervals, ['error', 'rankDisparity']) : undefined;
    const paired = defaultModel && m !== defaultModel ? pairedAgainstDefault(resultsOf.get(m.model) ?? [], resultsOf.get(defaultModel.model) ?? []) : undefined;
    return [{
      model: m.model, kind: m.kind, seeds: m.seeds.length, failed: m.failedSeeds.length,
      error: m.intervals.error, disparity: m.intervals.disparity, rankDisparity: m.intervals.rankDisparity,
      ...(versus ? { versusDefault: versus } : {}),
      ...(paired ? { pairedVersusDefault: paired } : {}),
      epochs: options.retrainEpochs ?? maxEpochs,
      ...(seconds.length ? { seconds: seconds.reduce((a, b) => a + b, 0) / seconds.length } : {}),
    }];
  });
  const pixels = searchOutcome.baselines.find((b) => b.name === 'raw pixels');
  const pixelIntervals = (pixels?.attributes?.intervals as { metrics?: Record<string, MetricInterval> } | undefined)?.metrics;
  if (pixelIntervals) {
    rows.push({ model: 'raw pixels', kind: 'pixels', seeds: 0, failed: 0, error: pixelIntervals.error, disparity: pixelIntervals.disparity, rankDisparity: pixelIntervals.rankDisparity });
  }
  const total = (performance.now() - started) / 1000;
  const trialSeconds = searchOutcome.trials.reduce((sum, t) => sum + (t.cost?.seconds ?? 0), 0);
  const runSeconds = retrainOutcome.runs.reduce((sum, r) => sum + r.result.seconds, 0);
  const markdown = [
    '| model | kind | seeds (failed) | error | disparity | rank disparity | vs default (error, rank disparity) | paired Δ error vs default | paired Δ rank disparity | paired verdict | epochs | s / run |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const p = r.pairedVersusDefault;
      const pairedCells = p ? `${difference(p.error)} | ${difference(p.rankDisparity)} | ${p.verdict}` : '— | — | —';
      return `| ${r.model} | ${r.kind} | ${r.kind === 'pixels' ? '—' : `${r.seeds} (${r.failed})`} | ${cell(r.error)} | ${cell(r.disparity)} | ${cell(r.rankDisparity)} | ${r.versusDefault ?? (r.model === 'default' ? '(the default)' : '—')} | ${pairedCells} | ${r.epochs ?? '—'} | ${r.seconds === undefined ? '—' : r.seconds.toFixed(0)} |`;
    }),
    '',
    'Paired columns: this model − the default cell on the same evaluation images and seed (paired identity bootstrap, 95 %; averaged over seeds); a verdict of "dominates" means both differences lie below 0.',
    '',
    `Means over seeds of each run's estimate and 95 % identity-bootstrap interval ends (evaluation people resampled within each group). ` +
      `Compute: ${searchOutcome.trials.length} search trials ${trialSeconds.toFixed(0)} s, ${retrainOutcome.runs.length} retraining runs ${runSeconds.toFixed(0)} s (summed over runs, whether trained in this call or an earlier one). ` +
      `Wall time of this call: search ${searchSeconds.toFixed(0)} s, retraining ${retrainSeconds.toFixed(0)} s, total ${total.toFixed(0)} s.`,
  ].join('\n');
  const file = join(out, 'summary.md');
  await writeFileAtomic(file, `# Real-face study\n\nTrained on ${options.data}, evaluated on ${options.evaluationData}.\n\n${markdown}\n`);
  return { search: searchOutcome, retrain: retrainOutcome, analysis, rows, markdown, seconds: { search: searchSeconds, retrain: retrainSeconds, total }, file };
}
