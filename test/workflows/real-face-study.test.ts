// The real-face study end to end on tiny folder data sets: search on training people, retrain the front, the default
// and a backbone family, analyse on the evaluation people, and tabulate them with intervals beside raw pixels.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairedBootstrapDifference, realFaceStudy } from '../../lib/index.js';
import type { RunResult } from '../../lib/posthoc/index.js';
import { pairedAgainstDefault } from '../../lib/workflows/index.js';
import { writeFolderDataset } from '../data/fixtures.js';

describe('workflows: realFaceStudy (search, retrain, analyse on other people)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'frnas-study-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a table of the front, the default, a family and raw pixels, each with intervals', async () => {
    await writeFolderDataset(join(dir, 'train'), { ann: 'F', bea: 'F', cal: 'M', dan: 'M', eve: 'F', fay: 'M' }, 3, 1);
    await writeFolderDataset(join(dir, 'eval'), { uma: 'F', val: 'F', wes: 'M', xan: 'M' }, 3, 50);
    const lines: string[] = [];
    const outcome = await realFaceStudy({
      out: join(dir, 'study'), data: `folder:${join(dir, 'train')}`, evaluationData: `folder:${join(dir, 'eval')}`,
      imageSize: 8, minImagesPerIdentity: 2, minEpochs: 1, maxEpochs: 1, budget: 2, top: 1, seeds: [1], workers: 1, families: ['resnet18'],
      search: { scheduler: 'random', proposer: 'random', batchSize: 8, evaluateDefault: false }, log: (l) => lines.push(l),
    });
    const kinds = outcome.rows.map((r) => `${r.kind}:${r.model}`);
    expect(kinds).to.include('baseline:default');
    expect(kinds).to.include('baseline:resnet18');
    expect(kinds).to.include('pixels:raw pixels');
    expect(outcome.rows.filter((r) => r.kind === 'searched')).to.have.length(1);
    for (const r of outcome.rows) {
      expect(r.error.lower).to.be.at.most(r.error.estimate);
      expect(r.error.upper).to.be.at.least(r.error.estimate);
    }
    const summary = readFileSync(outcome.file, 'utf8');
    expect(summary).to.match(/\| raw pixels \| pixels \| — \| \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
    expect(summary).to.match(/\| default \| baseline \| 1 \(0\) \|/);
    expect(existsSync(join(dir, 'study', 'analysis'))).to.equal(true);
    expect(lines.some((l) => l.startsWith('retrain: resnet18 seed 1: finished'))).to.equal(true);

    // Every run keeps its per-image ranks, so each model is also compared with the default pairwise.
    for (const run of outcome.retrain.runs) expect(run.result.test.ranking?.ranks).to.have.length(run.result.test.metrics.count);
    const defaultRow = outcome.rows.find((r) => r.model === 'default')!;
    for (const r of outcome.rows.filter((row) => row.kind !== 'pixels' && row.model !== 'default')) {
      expect(r.pairedVersusDefault?.seeds, r.model).to.equal(1);
      expect(r.pairedVersusDefault!.error.estimate).to.be.closeTo(r.error.estimate - defaultRow.error.estimate, 1e-12);
      expect(r.pairedVersusDefault!.error.lower).to.be.at.most(r.pairedVersusDefault!.error.upper);
    }
    expect(defaultRow.pairedVersusDefault).to.equal(undefined);
    expect(summary).to.include('paired verdict');
  });
});

describe('workflows: pairedAgainstDefault', () => {
  const run = (seed: number, ranks: number[], identities = [1, 1, 2, 2, 3, 3, 4, 4]): RunResult => ({
    format: 'frnas-run-result', version: 1, model: 'm', kind: 'searched', configId: 'c', seed, epochs: 1, seconds: 1, trainableParameters: 1,
    validation: { metrics: {} as RunResult['test']['metrics'], perGroup: {} },
    test: { metrics: {} as RunResult['test']['metrics'], perGroup: {}, ranking: { ranks, identities, groups: ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M'] } },
    finishedAt: '',
  });
  const better = [0, 0, 0, 0, 0, 0, 0, 1];
  const worse = [1, 2, 0, 3, 1, 4, 2, 5];

  it('is the paired bootstrap of the same seed, and a model better on every image dominates', () => {
    const paired = pairedAgainstDefault([run(1, better)], [run(2, better), run(1, worse)])!;
    const direct = pairedBootstrapDifference({ a: better, b: worse, groups: run(1, better).test.ranking!.groups, identities: run(1, better).test.ranking!.identities, seed: 1 });
    expect(paired.seeds).to.equal(1);
    expect(paired.error).to.deep.equal(direct.metrics.error);
    expect(paired.error.upper).to.be.below(0);
    expect(pairedAgainstDefault([run(1, worse)], [run(1, better)])!.verdict).to.not.equal('dominates');
  });

  it('takes the interval coverage: a Bonferroni 97.5 % interval is the same bootstrap, read further out', () => {
    // 40 people, 2 images each, varied ranks, so the bootstrap has many distinct values.
    const identities = Array.from({ length: 80 }, (_, i) => Math.floor(i / 2));
    const groups = identities.map((id) => (id % 2 === 0 ? 'F' : 'M'));
    const a = identities.map((id, i) => (id * 7 + i) % 5);
    const b = identities.map((id, i) => (id * 11 + i * 3) % 9);
    const ranked = (ranks: number[]): RunResult => ({ ...run(1, ranks), test: { ...run(1, ranks).test, ranking: { ranks, identities, groups } } });
    const at95 = pairedAgainstDefault([ranked(a)], [ranked(b)])!;
    const at975 = pairedAgainstDefault([ranked(a)], [ranked(b)], { level: 0.975 })!;
    const direct = pairedBootstrapDifference({ a, b, groups, identities, seed: 1, level: 0.975 });
    expect(at975.rankDisparity).to.deep.equal(direct.metrics.rankDisparity);
    expect(at975.rankDisparity.estimate).to.equal(at95.rankDisparity.estimate);
    expect(at975.rankDisparity.lower).to.be.at.most(at95.rankDisparity.lower);
    expect(at975.rankDisparity.upper).to.be.at.least(at95.rankDisparity.upper);
    expect(at975.rankDisparity.upper - at975.rankDisparity.lower).to.be.above(at95.rankDisparity.upper - at95.rankDisparity.lower);
  });

  it('pairs nothing when the seeds or the evaluated images differ', () => {
    expect(pairedAgainstDefault([run(1, better)], [run(2, worse)])).to.equal(undefined);
    expect(pairedAgainstDefault([run(1, better)], [run(1, worse, [1, 1, 2, 2, 3, 3, 5, 5])])).to.equal(undefined);
  });
});
