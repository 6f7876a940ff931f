// The real-face protocol through the CLI: search, train and retrain with --data (training people) and --eval-data
// (other people); the study records its data and training settings, so resuming and retraining need no flags repeated.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Study } from '../../lib/index.js';
import { runFrnas } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';
import { writeFolderDataset } from '../data/fixtures.js';

const frnas = runFrnas;

describe('frnas CLI: --data and --eval-data (train on some people, evaluate on others)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'frnas-eval-data-'));
  const train = join(dir, 'train');
  const evaluation = join(dir, 'eval');
  const overlap = join(dir, 'overlap');
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    await writeFolderDataset(train, { ann: 'F', bea: 'F', cal: 'M', dan: 'M', eve: 'F', fay: 'M' }, 3, 1);
    await writeFolderDataset(evaluation, { uma: 'F', val: 'F', wes: 'M', xan: 'M' }, 3, 50);
    await writeFolderDataset(overlap, { uma: 'F', bea: 'F', wes: 'M', xan: 'M' }, 3, 90);
  });

  const study = join(dir, 'study');
  const searchArgs = [
    'search', '--data', `folder:${train}`, '--eval-data', `folder:${evaluation}`, '--image-size', '8', '--batch-size', '8',
    '--center-crop', '0.8', '--augment', 'recommended', '--min-epochs', '1', '--max-epochs', '1', '--scheduler', 'random',
    '--proposer', 'random', '--no-default', '--out', study,
  ];

  it('search evaluates every trial on the evaluation people and records data and preprocessing in the study header', () => {
    const r = frnas([...searchArgs, '--trials', '2']);
    expect(r.code, r.output).to.equal(0);
    const s = Study.open(study, { readOnly: true });
    try {
      expect(s.settings).to.deep.include({ data: `folder:${train}`, evaluationData: `folder:${evaluation}` });
      expect(s.settings.dataFingerprint).to.match(/^18 images, 6 identities, sha256:[0-9a-f]{16}$/);
      expect(s.settings.training).to.deep.include({ imageSize: 8, batchSize: 8, centerFraction: 0.8 });
      const trials = s.trials();
      expect(trials).to.have.length(2);
      for (const t of trials) {
        expect(t.status, JSON.stringify(t.attributes)).to.equal('ok');
        // All 12 evaluation images ranked, in the evaluation set's two groups.
        expect(t.attributes.count).to.equal(12);
        expect(Object.keys(t.attributes.perGroup as object).sort()).to.deep.equal(['F', 'M']);
      }
    } finally {
      s.close();
    }
    // The raw-pixel baseline on the same 12 evaluation images, in the report and the CLI output.
    const baselines = JSON.parse(readFileSync(join(study, 'baselines.json'), 'utf8')) as { baselines: { name: string; values: Record<string, number>; attributes: { count: number; centerFraction: number } }[] };
    expect(baselines.baselines[0]).to.deep.include({ name: 'raw pixels' });
    expect(baselines.baselines[0].attributes).to.deep.include({ count: 12, centerFraction: 0.8 });
    expect(baselines.baselines[0].values.error).to.be.within(0, 1);
    expect(r.output).to.match(/raw pixels: error=\d\.\d{4} rank_disparity=/);
    expect(readFileSync(join(study, 'report', 'report.html'), 'utf8')).to.match(/raw pixels \(a baseline outside the space, same evaluation data\): error \d\.\d+ \[/);
  });

  it('resumes with no data flags repeated, and refuses other settings, listing the differences', () => {
    const resumed = frnas(['search', '--out', study, '--trials', '3', '--no-default']);
    expect(resumed.code, resumed.output).to.equal(0);
    const s = Study.open(study, { readOnly: true });
    expect(s.trials()).to.have.length(3);
    s.close();
    const refused = frnas(['search', '--out', study, '--trials', '4', '--image-size', '12', '--eval-data', `folder:${overlap}`, '--allow-identity-overlap', '--no-default']);
    expect(refused.code).to.not.equal(0);
    expect(refused.output).to.include('the study was created with other settings');
    expect(refused.output).to.match(/training\.imageSize: recorded 8, now 12/);
    expect(refused.output).to.match(/evaluationData: recorded "folder:.*eval", now "folder:.*overlap"/);
    expect(refused.output).not.to.match(/\n\s+at /); // no stack trace
  });

  it('search and train refuse evaluation people who are also training people', () => {
    const r = frnas(['search', '--data', `folder:${train}`, '--eval-data', `folder:${overlap}`, '--image-size', '8', '--max-epochs', '1', '--trials', '1', '--no-default', '--out', join(dir, 'refused')]);
    expect(r.code).to.not.equal(0);
    expect(r.output).to.match(/shares 1 of its 4 identities with the training data .*\(bea\)/);
    const trained = frnas(['train', '--config', join(repoRoot, 'test', 'fixtures', 'default-dpn-config.json'), '--data', `folder:${train}`, '--eval-data', `folder:${evaluation}`,
      '--epochs', '1', '--image-size', '8', '--recipe', 'recommended', '--out', join(dir, 'train-runs')]);
    expect(trained.code, trained.output).to.equal(0);
    const result = JSON.parse(readFileSync(join(dir, 'train-runs', 'default-dpn-config', 'result.json'), 'utf8')) as { metrics: { count: number } };
    expect(result.metrics.count).to.equal(12);
  });

  it('retrain takes the data, evaluation data and crop the search recorded; its runs evaluate on the evaluation people', () => {
    const out = join(dir, 'retrain');
    const r = frnas(['retrain', study, '--seeds', '1', '--top', '1', '--epochs', '1', '--no-baseline-default', '--out', out]);
    expect(r.code, r.output).to.equal(0);
    const [model] = readdirSync(out).filter((f) => !f.endsWith('.json') && !f.endsWith('.csv') && !f.endsWith('.md'));
    const run = JSON.parse(readFileSync(join(out, model, 'seed-1', 'config.json'), 'utf8')) as { data: string; evaluationData: string; spec: { centerFraction: number; augmentation: object } };
    expect(run.data).to.equal(`folder:${train}`);
    expect(run.evaluationData).to.equal(`folder:${evaluation}`);
    expect(run.spec.centerFraction).to.equal(0.8);
    expect(run.spec.augmentation).to.deep.include({ rotate: 8 });
    const result = JSON.parse(readFileSync(join(out, model, 'seed-1', 'result.json'), 'utf8')) as { test: { metrics: { count: number } } };
    expect(result.test.metrics.count).to.equal(12);
  });
});
