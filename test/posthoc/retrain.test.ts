import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { initBackend } from '../../lib/backend/index.js';
import { loadFaceDataset } from '../../lib/data/index.js';
import { retrain, retrainRuns, readMetricLog, RUN_FILES, selectTrials, type EpochMetrics, type RunResult } from '../../lib/posthoc/index.js';
import { Study } from '../../lib/search/index.js';
import type { Configuration } from '../../lib/space/types.js';
import { loadSpace } from '../../lib/workflows/index.js';

const DATA = 'synthetic:identities=10,images=6';

/**
 * A finished study whose Pareto front is known: of six random configurations, the first two trained with Adam or
 * AdamW (never diverging in two epochs) get non-dominated values, every other one is dominated by both.
 */
function fabricateStudy(dir: string): Study {
  const study = Study.open(dir, {
    space: loadSpace('frnas-dpn'),
    objectives: [{ name: 'error', direction: 'minimize' }, { name: 'rank_disparity', direction: 'minimize' }],
    fidelity: { min: 2, max: 2, eta: 2 },
    proposer: 'random',
    seed: 5,
  });
  const frontValues = [{ error: 0.3, rank_disparity: 0.5 }, { error: 0.5, rank_disparity: 0.2 }];
  for (let i = 0; i < 6; i++) {
    const trial = study.ask();
    const values = trial.config.optimizer !== 'SGD' && frontValues.length > 0 ? (frontValues.shift() as Record<string, number>) : { error: 0.6 + i / 100, rank_disparity: 0.6 };
    study.tell(trial.id, { values });
  }
  if (frontValues.length > 0) throw new Error('fixture: fewer than two Adam/AdamW configurations sampled');
  return study;
}

function sampleStd(values: number[]): number {
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

describe('posthoc: retrain a search front with several seeds', function () {
  this.timeout(120_000);
  const root = mkdtempSync(join(tmpdir(), 'frnas-retrain-'));
  const searchDir = join(root, 'search');
  const out = join(root, 'retrain');
  after(() => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    await initBackend('wasm');
    fabricateStudy(searchDir).close();
  });

  it('selects the front, the top K or named trials', () => {
    const all = Study.open(searchDir, { readOnly: true });
    const byError = all.trials().sort((a, b) => a.values.error - b.values.error).map((t) => t.id);
    all.close();
    const front = selectTrials(searchDir).trials.map((t) => t.id);
    expect(front).to.have.length(2);
    // Top K: the front first (by error), then the next fronts.
    expect(selectTrials(searchDir, { top: 3 }).trials.map((t) => t.id)).to.deep.equal(byError.slice(0, 3));
    expect(selectTrials(searchDir, { top: 1 }).trials.map((t) => t.id)).to.deep.equal(byError.slice(0, 1));
    expect(selectTrials(searchDir, { trials: [4, 2] }).trials.map((t) => t.id)).to.deep.equal([4, 2]);
    expect(() => selectTrials(searchDir, { trials: [9] })).to.throw(/no trial 9/);
  });

  it('writes <model>/seed-<s>/ run folders with per-epoch logs and results, the mean/std over seeds, and resumes', async () => {
    const epochs: { model: string; row: EpochMetrics }[] = [];
    const outcome = await retrain({
      searchDir,
      out,
      data: await loadFaceDataset(DATA),
      dataSpec: DATA,
      seeds: [11, 12],
      imageSize: 16,
      batchSize: 32,
      evaluateEvery: 1,
      baselineDefault: false,
      onEpoch: (run, row) => epochs.push({ model: `${run.configId}/${run.seed}`, row }),
    });
    const study = Study.open(searchDir, { readOnly: true });
    const front = study.paretoFront();
    study.close();
    expect(readdirSync(out).sort()).to.deep.equal(front.map((t) => t.configId).sort());
    expect(outcome.runs).to.have.length(4);
    for (const trial of front) {
      expect(readdirSync(join(out, trial.configId)).sort()).to.deep.equal(['seed-11', 'seed-12']);
      for (const seed of [11, 12]) {
        const dir = join(out, trial.configId, `seed-${seed}`);
        for (const file of [RUN_FILES.config, RUN_FILES.metricsCsv, RUN_FILES.metricsJsonl, RUN_FILES.result]) expect(existsSync(join(dir, file)), file).to.equal(true);
        const config = JSON.parse(readFileSync(join(dir, RUN_FILES.config), 'utf8')) as { seed: number; epochs: number; config: Configuration; spec: { seed: number; imageSize: number }; split: { seed: number }; origin: { trialId: number } };
        expect(config).to.include({ seed, epochs: 2 });
        expect(config.config).to.deep.equal(trial.config);
        expect(config.spec).to.include({ seed, imageSize: 16 });
        expect(config.split.seed).to.equal(0);
        expect(config.origin.trialId).to.equal(trial.id);
        const rows = readMetricLog(dir);
        expect(rows.map((r) => r.epoch)).to.deep.equal([1, 2]);
        expect(rows.every((r) => r.validation !== undefined && Number.isFinite(r.loss) && r.learningRate > 0)).to.equal(true);
        const csv = readFileSync(join(dir, RUN_FILES.metricsCsv), 'utf8').trim().split('\n');
        expect(csv[0].split(',').slice(0, 6)).to.deep.equal(['epoch', 'loss', 'learning_rate', 'seconds', 'images', 'val_error']);
        expect(csv.slice(1).map((l) => Number(l.split(',')[5]))).to.deep.equal(rows.map((r) => r.validation?.error));
        const result = JSON.parse(readFileSync(join(dir, RUN_FILES.result), 'utf8')) as RunResult;
        expect(result.epochs).to.equal(2);
        expect(result.validation.metrics.error).to.equal(rows[1].validation?.error);
        expect(Object.keys(result.test.perGroup).sort()).to.deep.equal(Object.keys(result.validation.perGroup).sort());
        expect(result.test.metrics.count).to.be.greaterThan(0);
      }
    }
    expect(epochs).to.have.length(8);

    // Mean and sample std over the two seeds, recomputed from the run folders.
    expect(outcome.summary).to.have.length(2);
    for (const model of outcome.summary) {
      const results = [11, 12].map((s) => JSON.parse(readFileSync(join(out, model.configId, `seed-${s}`, RUN_FILES.result), 'utf8')) as RunResult);
      for (const split of ['validation', 'test'] as const) {
        for (const key of ['error', 'disparity', 'rankDisparity'] as const) {
          const values = results.map((r) => r[split].metrics[key]);
          expect(model[split].metrics[key].mean).to.be.closeTo((values[0] + values[1]) / 2, 1e-12);
          expect(model[split].metrics[key].std).to.be.closeTo(sampleStd(values), 1e-12);
        }
      }
      expect(model.seeds).to.deep.equal([11, 12]);
    }

    // Resume: one run lost its result and its last checkpoint; it continues from epoch 1 (in a worker thread),
    // the three finished runs are skipped.
    const broken = join(out, front[0].configId, 'seed-12');
    const before = readMetricLog(broken);
    rmSync(join(broken, RUN_FILES.result));
    rmSync(join(broken, RUN_FILES.checkpoints, 'epoch-2.json'));
    rmSync(join(broken, RUN_FILES.checkpoints, 'epoch-2.bin'));
    const resumed = await retrain({ searchDir, out, data: await loadFaceDataset(DATA), dataSpec: DATA, seeds: [11, 12], imageSize: 16, batchSize: 32, evaluateEvery: 1, baselineDefault: false, workers: 2 });
    expect(resumed.runs.filter((r) => r.skipped)).to.have.length(3);
    const again = resumed.runs.find((r) => !r.skipped);
    expect(again?.dir).to.equal(broken);
    const after = readMetricLog(broken);
    expect(after.map((r) => r.epoch)).to.deep.equal([1, 2]);
    expect(after[0]).to.deep.equal(before[0]);
    // Continuing from a checkpoint trains epoch 2 as training straight through did.
    expect(after[1].loss).to.be.closeTo(before[1].loss, 1e-3 * Math.abs(before[1].loss));
    expect(existsSync(join(broken, RUN_FILES.result))).to.equal(true);
  });

  it('refuses to mix a different run into an existing run folder', async () => {
    const dir = join(out, readdirSync(out)[0], 'seed-11');
    rmSync(join(dir, RUN_FILES.result));
    try {
      await retrain({ searchDir, out, data: await loadFaceDataset(DATA), dataSpec: DATA, seeds: [11], imageSize: 16, batchSize: 16, baselineDefault: false });
      expect.fail('retrained over a different run');
    } catch (error) {
      expect((error as Error).message).to.match(/config\.json: this run folder holds a different run \(spec changed\)/);
    }
  });

  it('records a diverged run as failed and trains the others', async () => {
    const lines: string[] = [];
    const outcome = await retrainRuns({
      models: [
        { model: 'exploding', kind: 'baseline', config: { edge1: 1, edge2: 1, edge3: 1, head: 'CosFace', optimizer: 'SGD', lr: 1e30 }, configId: 'exploding' },
        { model: 'fine', kind: 'baseline', config: { edge1: 1, edge2: 1, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 0.001 }, configId: 'fine' },
      ],
      out: join(root, 'failures'),
      data: await loadFaceDataset(DATA),
      dataSpec: DATA,
      seeds: [1],
      epochs: 2,
      imageSize: 16,
      batchSize: 32,
      onRunFailed: (run, error) => lines.push(`${run.model}: ${error}`),
    });
    expect(outcome.failures.map((f) => f.model)).to.deep.equal(['exploding']);
    // Either the loss or the embeddings blow up, depending on where the overflow shows first.
    expect(outcome.failures[0].error).to.match(/diverged|non-finite/);
    expect(lines).to.have.length(1);
    expect(outcome.runs.map((r) => r.config.model)).to.deep.equal(['fine']);
    // The summary counts the failed seed beside the means instead of averaging the survivors silently.
    const summary = Object.fromEntries(outcome.summary.map((m) => [m.model, m]));
    expect(summary.exploding.seeds).to.deep.equal([]);
    expect(summary.exploding.failedSeeds).to.deep.equal([1]);
    expect(summary.exploding.test.metrics.error.n).to.equal(0);
    expect(Number.isNaN(summary.exploding.test.metrics.error.mean)).to.equal(true);
    expect(summary.fine.seeds).to.deep.equal([1]);
    expect(summary.fine.failedSeeds).to.deep.equal([]);
    expect(existsSync(join(root, 'failures', 'baseline-exploding', 'seed-1', RUN_FILES.result))).to.equal(false);
  });
});
