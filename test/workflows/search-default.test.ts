import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report, search, Space, writeSearchReport, type Trial } from '../../lib/index.js';
import { microDpn } from '../train/fixtures.js';

const objectives = [{ name: 'error', direction: 'minimize' as const }, { name: 'rank_disparity', direction: 'minimize' as const }];

describe('search(): a default configuration that fails to train', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-default-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is recorded as a failed baseline with its reason, and the report is still written', async () => {
    // The default names a backbone that does not exist; the searched alternative trains.
    const space = Space.fromJSON({
      name: 'broken-default',
      hyperparameters: { backbone: { type: 'categorical', choices: ['dpn', 'no-such-net'], default: 'no-such-net' } },
    });
    const outcome = await search({
      out: dir,
      space,
      data: 'synthetic:identities=6,images=4',
      scheduler: 'random',
      proposer: 'random',
      minEpochs: 1,
      maxEpochs: 1,
      trials: 2,
      imageSize: 8,
      batchSize: 16,
      scale: microDpn,
      seed: 1,
    });
    expect(outcome.trials.some((t) => t.status === 'ok'), JSON.stringify(outcome.trials.map((t) => [t.config, t.status, t.error]))).to.equal(true);
    expect(outcome.defaultTrial?.status).to.equal('failed');
    expect(outcome.defaultTrial?.error).to.match(/unknown backbone "no-such-net"/);
    const html = readFileSync(outcome.report.files.html, 'utf8');
    expect(html).to.match(/default configuration[^<]*failed/i);
    expect(html).to.include('unknown backbone');
    // `frnas report` shows it too: the failure is kept in default.json.
    const again = await report(dir);
    expect(readFileSync(again.files.html, 'utf8')).to.match(/default configuration[^<]*failed/i);
  });
});

describe('writeSearchReport with a failed default configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-default-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const trial = (id: number, error: number, disparity: number): Trial => ({
    id, config: { x: id }, configId: `c${id}`, budget: 1, status: 'ok', values: { error, rank_disparity: disparity }, cost: { seconds: 1, budget: 1 }, attributes: {},
  });

  it('names the failure and compares no front member with it', async () => {
    const failed: Trial = { id: -1, config: { x: 0 }, configId: 'c0', budget: 1, status: 'failed', values: {}, error: 'diverged: loss is NaN', cost: { seconds: 0, budget: 0 }, attributes: {} };
    const written = await writeSearchReport({ trials: [trial(1, 0.2, 0.1), trial(2, 0.1, 0.3)], objectives, outDir: dir, defaultTrial: failed });
    const html = readFileSync(written.files.html, 'utf8');
    expect(html).to.match(/default configuration[^<]*failed/i);
    expect(html).to.include('diverged: loss is NaN');
    expect(html).to.not.include('trade-off');
    expect(html).to.not.include('NaN)');
    expect(readFileSync(written.files.scatterSvg, 'utf8')).to.not.include('default configuration');
    expect(existsSync(written.files.csv)).to.equal(true);
  });
});

describe('search(): the kept default.json and the recorded settings', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-default-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses default.json only when it was trained with the study\'s settings, and refuses other settings on resume', async () => {
    const space = Space.fromJSON({
      name: 'one-choice',
      hyperparameters: { edge1: { type: 'categorical', choices: [1, 2], default: 1 } },
    });
    const options = {
      out: dir, space, data: 'synthetic:identities=6,images=4', scheduler: 'random' as const, proposer: 'random' as const,
      minEpochs: 1, maxEpochs: 1, trials: 1, imageSize: 8, batchSize: 16, scale: microDpn, seed: 1,
    };
    const first = await search(options);
    expect(first.defaultTrial?.status).to.equal('ok');
    const file = join(dir, 'default.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Trial;
    expect(saved.attributes.settings).to.deep.include({ data: 'synthetic:identities=6,images=4' });
    // Same settings: kept as it is.
    await search(options);
    expect(readFileSync(file, 'utf8')).to.equal(JSON.stringify(saved, null, 2));
    // A default.json of other settings (e.g. left by an older study in the folder) is trained again.
    writeFileSync(file, JSON.stringify({ ...saved, values: { error: 0, rank_disparity: 0 }, attributes: { settings: { data: 'other' } } }, null, 2));
    const again = await search(options);
    expect(again.defaultTrial?.values.error).to.equal(saved.values.error);
    // Resuming with another training setting is refused, listing the difference.
    let message = '';
    try {
      await search({ ...options, imageSize: 12 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/training\.imageSize: recorded 8, now 12/);
  });
});
