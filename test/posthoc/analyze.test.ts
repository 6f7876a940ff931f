import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import seedrandom from 'seedrandom';
import { registerPosthocCommands } from '../../lib/cli/posthoc.js';
import { analyze, DISPARITY_MEASURES, modelIntervals, RUN_FILES, type RunConfig, type RunKind, type RunResult } from '../../lib/posthoc/index.js';
import { snakeCase } from '../../lib/posthoc/runs.js';
import { FAIRNESS_METRICS, type FairnessIntervals } from '../../lib/fairness/index.js';
import type { FaceMetrics } from '../../lib/train/index.js';

/** Test-split error and disparity per seed of each model; the other measures are random. */
const MODELS: { name: string; kind: RunKind; folder: 'retrain' | 'baselines'; error: number[]; disparity: number[] }[] = [
  { name: 'A', kind: 'searched', folder: 'retrain', error: [0.1, 0.12, 0.14], disparity: [0.05, 0.07, 0.06] },
  { name: 'B', kind: 'searched', folder: 'retrain', error: [0.2, 0.22, 0.18], disparity: [0.01, 0.02, 0.03] },
  { name: 'C', kind: 'baseline', folder: 'retrain', error: [0.25, 0.25, 0.25], disparity: [0.08, 0.1, 0.09] },
  // Marked 'searched' in its config, but given with --baseline: a hand-picked model.
  { name: 'D', kind: 'searched', folder: 'baselines', error: [0.11, 0.11, 0.11], disparity: [0.2, 0.2, 0.2] },
];
const SEEDS = [1, 2, 3];

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

function meanOf(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function sampleStd(values: number[]): number {
  const m = meanOf(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** Run folders as retrain writes them, with known figures. */
function writeRuns(root: string): Map<string, RunResult[]> {
  const random = seedrandom('analyze-fixture');
  const results = new Map<string, RunResult[]>();
  for (const m of MODELS) {
    for (const [i, seed] of SEEDS.entries()) {
      const dir = join(root, m.folder, `cfg-${m.name}`, `seed-${seed}`);
      mkdirSync(dir, { recursive: true });
      const male = 1 - m.error[i] + m.disparity[i] / 2;
      const female = 1 - m.error[i] - m.disparity[i] / 2;
      const metrics: FaceMetrics = {
        error: m.error[i],
        accuracy: 1 - m.error[i],
        meanRank: random() * 2,
        disparity: m.disparity[i],
        rankDisparity: random(),
        ratio: random(),
        rankRatio: random(),
        errorRatio: random(),
        count: 40,
      };
      const perGroup = { female: { count: 20, accuracy: female, error: 1 - female, meanRank: 1 }, male: { count: 20, accuracy: male, error: 1 - male, meanRank: 0.5 } };
      const config: Partial<RunConfig> = { format: 'frnas-run', version: 1, model: m.name, kind: m.kind, configId: `cfg-${m.name}`, config: {}, seed, epochs: 4 };
      const result: RunResult = {
        format: 'frnas-run-result', version: 1, model: m.name, kind: m.kind, configId: `cfg-${m.name}`, seed, epochs: 4, seconds: 1, trainableParameters: 10,
        validation: { metrics: { ...metrics, error: 0.5 }, perGroup },
        test: { metrics, perGroup },
        finishedAt: new Date(0).toISOString(),
      };
      writeFileSync(join(dir, RUN_FILES.config), JSON.stringify(config));
      writeFileSync(join(dir, RUN_FILES.result), JSON.stringify(result));
      results.set(m.name, [...(results.get(m.name) ?? []), result]);
    }
  }
  // An unfinished run (no result.json) is left out.
  const partial = join(root, 'retrain', 'cfg-E', 'seed-1');
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, RUN_FILES.config), JSON.stringify({ format: 'frnas-run', version: 1, model: 'E', kind: 'searched', configId: 'cfg-E', config: {}, seed: 1, epochs: 4 }));
  return results;
}

describe('posthoc: analyze run folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'frnas-analyze-'));
  const results = writeRuns(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes CSV and markdown whose numbers equal the run folders\' metrics, the fronts and the dominance table', async () => {
    const out = join(root, 'analysis');
    const a = await analyze({ dirs: [join(root, 'retrain')], baselines: [join(root, 'baselines')], out });
    expect(a.runs).to.have.length(12);
    expect(a.models.map((m) => `${m.model}:${m.kind}`)).to.deep.equal(['A:searched', 'B:searched', 'D:baseline', 'C:baseline']);

    const perModel = parseCsv(readFileSync(a.files.csv, 'utf8'));
    expect(perModel).to.have.length(4);
    for (const row of perModel) {
      const runs = results.get(row.model) as RunResult[];
      expect(row.seeds).to.equal('1 2 3');
      for (const key of ['error', ...DISPARITY_MEASURES, 'accuracy', 'meanRank'] as const) {
        const values = runs.map((r) => r.test.metrics[key]);
        expect(Number(row[`${snakeCase(key)}_mean`]), `${row.model} ${key}`).to.be.closeTo(meanOf(values), 1e-12);
        expect(Number(row[`${snakeCase(key)}_std`]), `${row.model} ${key}`).to.be.closeTo(sampleStd(values), 1e-12);
      }
      for (const group of ['female', 'male']) {
        expect(Number(row[`acc_${group}_mean`])).to.be.closeTo(meanOf(runs.map((r) => r.test.perGroup[group].accuracy)), 1e-12);
      }
    }
    const front = Object.fromEntries(perModel.map((r) => [r.model, r.front_disparity]));
    expect(front).to.deep.equal({ A: 'true', B: 'true', C: 'false', D: 'true' });

    const perRun = parseCsv(readFileSync(a.files.runsCsv, 'utf8'));
    expect(perRun).to.have.length(12);
    for (const row of perRun) {
      const run = (results.get(row.model) as RunResult[]).find((r) => r.seed === Number(row.seed)) as RunResult;
      for (const key of ['error', ...DISPARITY_MEASURES, 'meanRank'] as const) expect(Number(row[snakeCase(key)])).to.equal(run.test.metrics[key]);
      expect(Number(row.acc_male)).to.equal(run.test.perGroup.male.accuracy);
    }

    const dominance = (s: string, b: string) => a.dominates.find((d) => d.searched === s && d.baseline === b)?.measures ?? [];
    expect(dominance('A', 'C')).to.include('disparity');
    expect(dominance('B', 'C')).to.include('disparity');
    expect(dominance('A', 'D')).to.not.include('disparity');

    const markdown = readFileSync(a.files.markdown, 'utf8');
    expect(markdown).to.contain('| A | searched | 1, 2, 3 | 3 | 0 | 0.1200 ± 0.0200 | 0.0600 ± 0.0100 |');
    // E has a run folder but no result: left out, and said so.
    expect(a.withoutResult).to.deep.equal([{ model: 'E', kind: 'searched', configId: 'cfg-E', seeds: [1] }]);
    expect(markdown).to.contain('No result on the test split (left out): E (seeds 1).');
    // Dominance table: columns are the baselines D then C; B dominates C on disparity, not D.
    expect(markdown).to.contain('| searched \\ baseline | D | C |');
    expect(markdown).to.match(/\n\| B \| — \| disparity[^|]*\|\n/);
  });

  it('writes an SVG per measure with every model, per-group bars and an HTML page with them inline', async () => {
    const out = join(root, 'analysis-plots');
    const a = await analyze({ dirs: [join(root, 'retrain')], baselines: [join(root, 'baselines')], out, measures: ['disparity', 'rankDisparity'] });
    expect(a.files.svgs.map((f) => f.split('/').at(-1))).to.deep.equal(['error-vs-disparity.svg', 'error-vs-rank-disparity.svg', 'per-group.svg']);
    const scatter = readFileSync(join(out, 'error-vs-disparity.svg'), 'utf8');
    expect(scatter.startsWith('<svg')).to.equal(true);
    for (const m of MODELS) {
      const runs = results.get(m.name) as RunResult[];
      const x = meanOf(runs.map((r) => r.test.metrics.error)).toFixed(4);
      const y = meanOf(runs.map((r) => r.test.metrics.disparity)).toFixed(4);
      expect(scatter).to.contain(`<title>${m.name}: ${x} ± `);
      expect(scatter).to.contain(`, ${y} ± `);
    }
    expect((scatter.match(/class="baseline/g) ?? []).length).to.equal(2 + 1);
    const bars = readFileSync(join(out, 'per-group.svg'), 'utf8');
    for (const m of MODELS) {
      const male = meanOf((results.get(m.name) as RunResult[]).map((r) => r.test.perGroup.male.accuracy));
      expect(bars).to.contain(`<title>${m.name} male: ${male.toFixed(4)}`);
    }
    const html = readFileSync(a.files.html, 'utf8');
    expect((html.match(/<svg /g) ?? []).length).to.equal(3);
    expect(html).to.contain('<td>0.1200 ± 0.0200</td>');
  });

  it('runs as `frnas analyze` and `frnas init` through registerPosthocCommands', async () => {
    const program = new Command().exitOverride();
    registerPosthocCommands(program);
    const out = join(root, 'cli');
    const logged: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => logged.push(parts.join(' '));
    try {
      await program.parseAsync(['analyze', join(root, 'retrain'), '--baseline', join(root, 'baselines'), '--measures', 'disparity,rank_disparity', '--out', out], { from: 'user' });
      await program.parseAsync(['init', join(root, 'init', 'frnas.config.json')], { from: 'user' });
    } finally {
      console.log = log;
    }
    expect(logged.join('\n')).to.contain('12 runs of 4 models (test)');
    for (const file of ['analysis.csv', 'runs.csv', 'analysis.md', 'analysis.html', 'error-vs-disparity.svg', 'error-vs-rank-disparity.svg', 'per-group.svg']) {
      expect(existsSync(join(out, file)), file).to.equal(true);
    }
    expect(readFileSync(join(root, 'init', 'frnas.config.json'), 'utf8')).to.contain('"seeds": [333, 444, 555]');
  });

  it('counts failed seeds beside the means and says "within noise" when the seeds do not support dominance', async () => {
    const dir = join(root, 'noise');
    const write = (name: string, kind: RunKind, seed: number, figures?: { error: number; disparity: number }): void => {
      const run = join(dir, `cfg-${name}`, `seed-${seed}`);
      mkdirSync(run, { recursive: true });
      writeFileSync(join(run, RUN_FILES.config), JSON.stringify({ format: 'frnas-run', version: 1, model: name, kind, configId: `cfg-${name}`, config: {}, seed, epochs: 4 }));
      if (!figures) return; // a failed run: config.json, no result.json
      const metrics: FaceMetrics = { error: figures.error, accuracy: 1 - figures.error, meanRank: 0, disparity: figures.disparity, rankDisparity: 0, ratio: 1, rankRatio: 1, errorRatio: 1, count: 40 };
      const evaluation = { metrics, perGroup: {} };
      const result: RunResult = {
        format: 'frnas-run-result', version: 1, model: name, kind, configId: `cfg-${name}`, seed, epochs: 4, seconds: 1, trainableParameters: 10,
        validation: evaluation, test: evaluation, finishedAt: new Date(0).toISOString(),
      };
      writeFileSync(join(run, RUN_FILES.result), JSON.stringify(result));
    };
    // S's means (error 0.21, disparity 0.075) dominate T's (0.25, 0.09), but a seed of T has less disparity than a seed of S.
    [[0.2, 0.05], [0.21, 0.09], [0.22, 0.085]].forEach(([error, disparity], i) => write('S', 'searched', i + 1, { error, disparity }));
    write('S', 'searched', 4);
    write('S', 'searched', 5);
    [[0.25, 0.08], [0.24, 0.1], [0.26, 0.09]].forEach(([error, disparity], i) => write('T', 'baseline', i + 1, { error, disparity }));
    // U separates from T on both with 3 seeds each: dominance is supported.
    [[0.1, 0.01], [0.11, 0.02], [0.12, 0.03]].forEach(([error, disparity], i) => write('U', 'searched', i + 1, { error, disparity }));
    const a = await analyze({ dirs: [dir], out: join(root, 'noise-analysis'), measures: ['disparity'] });
    const s = a.models.find((m) => m.model === 'S');
    expect(s?.seeds).to.deep.equal([1, 2, 3]);
    expect(s?.failedSeeds).to.deep.equal([4, 5]);
    expect(a.dominates).to.deep.equal([
      { searched: 'U', baseline: 'T', measures: ['disparity'], withinNoise: [] },
      { searched: 'S', baseline: 'T', measures: [], withinNoise: ['disparity'] },
    ]);
    const row = parseCsv(readFileSync(a.files.csv, 'utf8')).find((r) => r.model === 'S');
    expect([row?.n, row?.failed, row?.failed_seeds]).to.deep.equal(['3', '2', '4 5']);
    const markdown = readFileSync(a.files.markdown, 'utf8');
    expect(markdown).to.contain('| S | searched | 1, 2, 3 | 3 | 2 | 0.2100 ± 0.0100 |');
    expect(markdown).to.contain('| S | within noise: disparity |');
    expect(markdown).to.contain('| U | disparity |');
  });

  it('says which folders held no finished run', async () => {
    try {
      await analyze({ dirs: [join(root, 'retrain', 'cfg-E')], out: join(root, 'none') });
      expect.fail('analysed nothing');
    } catch (error) {
      expect((error as Error).message).to.contain('no finished run with a test result under');
    }
  });
});

describe('posthoc: analyze with identity-bootstrap intervals', () => {
  const root = mkdtempSync(join(tmpdir(), 'frnas-analyze-intervals-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  /** Metrics whose every figure has the interval value ± half. */
  function metricsWithIntervals(values: { error: number; disparity: number; rankDisparity: number }, half: number): FaceMetrics {
    const base = { accuracy: 1 - values.error, meanRank: 1, ratio: 0.1, rankRatio: 0.1, errorRatio: 0.1, ...values };
    const intervals: FairnessIntervals = {
      level: 0.95,
      resamples: 1000,
      seed: 0,
      identities: 50,
      metrics: Object.fromEntries(FAIRNESS_METRICS.map((k) => [k, { estimate: base[k], lower: base[k] - half, upper: base[k] + half }])) as FairnessIntervals['metrics'],
    };
    return { ...base, count: 100, intervals };
  }

  function writeRun(model: string, kind: RunKind, seed: number, metrics: FaceMetrics): void {
    const dir = join(root, 'runs', model, `seed-${seed}`);
    mkdirSync(dir, { recursive: true });
    const perGroup = { f: { count: 50, accuracy: 0.8, error: 0.2, meanRank: 1 }, m: { count: 50, accuracy: 0.9, error: 0.1, meanRank: 0.5 } };
    writeFileSync(join(dir, RUN_FILES.config), JSON.stringify({ format: 'frnas-run', version: 1, model, kind, configId: model, config: {}, seed, epochs: 1 }));
    const result: RunResult = {
      format: 'frnas-run-result', version: 1, model, kind, configId: model, seed, epochs: 1, seconds: 1, trainableParameters: 1,
      validation: { metrics, perGroup }, test: { metrics, perGroup }, finishedAt: new Date(0).toISOString(),
    };
    writeFileSync(join(dir, RUN_FILES.result), JSON.stringify(result));
  }

  it('averages the seeds\' interval ends', () => {
    const one = metricsWithIntervals({ error: 0.1, disparity: 0.1, rankDisparity: 1 }, 0.02);
    const two = metricsWithIntervals({ error: 0.2, disparity: 0.1, rankDisparity: 1 }, 0.04);
    const perGroup = {};
    const model = modelIntervals([{ metrics: one, perGroup }, { metrics: two, perGroup }]);
    expect(model?.error.estimate).to.be.closeTo(0.15, 1e-12);
    expect(model?.error.lower).to.be.closeTo(0.12, 1e-12); // mean of 0.08 and 0.16
    expect(model?.error.upper).to.be.closeTo(0.18, 1e-12); // mean of 0.12 and 0.24
    expect(modelIntervals([{ metrics: one, perGroup }, { metrics: { ...one, intervals: undefined }, perGroup }])).to.equal(undefined);
  });

  it('claims dominance of a baseline only where the intervals support it, and lists them', async () => {
    // S beats the baseline by 0.1 in error and rank disparity (intervals ± 0.02: clear) but by 0.01 in disparity (within noise).
    // Three seeds each, every seed of S better: the seeds alone would support dominance under both measures.
    for (const seed of [1, 2, 3]) {
      writeRun('S', 'searched', seed, metricsWithIntervals({ error: 0.1, disparity: 0.09, rankDisparity: 0.5 }, 0.02));
      writeRun('Base', 'baseline', seed, metricsWithIntervals({ error: 0.2, disparity: 0.1, rankDisparity: 0.6 }, 0.02));
    }
    const a = await analyze({ dirs: [join(root, 'runs')], out: join(root, 'out'), measures: ['disparity', 'rankDisparity'] });
    expect(a.dominates).to.deep.equal([
      { searched: 'S', baseline: 'Base', measures: ['rankDisparity'], withinNoise: ['disparity'], verdicts: { disparity: 'within noise', rankDisparity: 'dominates' } },
    ]);
    const error = a.models.find((m) => m.model === 'S')?.intervals?.error;
    expect([error?.estimate, error?.lower, error?.upper].map((v) => Number(v?.toFixed(12)))).to.deep.equal([0.1, 0.08, 0.12]);
    const markdown = readFileSync(a.files.markdown, 'utf8');
    expect(markdown).to.contain('| S | rank_disparity; within noise: disparity |');
    expect(markdown).to.contain('## Identity-bootstrap intervals');
    expect(markdown).to.contain('| S | searched | 0.1000 [0.0800, 0.1200] | 0.0900 [0.0700, 0.1100] | 0.5000 [0.4800, 0.5200] |');
    expect(markdown).to.contain('95 % confidence intervals from a bootstrap over evaluation identities');
    expect(readFileSync(a.files.html, 'utf8')).to.contain('<h2>Identity-bootstrap intervals</h2>');
  });
});
