// The real-face study end to end on tiny folder data sets: search on training people, retrain the front, the default
// and a backbone family, analyse on the evaluation people, and tabulate them with intervals beside raw pixels.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFaceStudy } from '../../lib/index.js';
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
  });
});
