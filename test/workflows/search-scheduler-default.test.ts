import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search, Space } from '../../lib/index.js';
import { faceSearchPromotion, faceSearchScheduler } from '../../lib/workflows/index.js';
import { microDpn } from '../train/fixtures.js';

const header = (dir: string): { scheduler: { name: string }; promotion: string } => JSON.parse(readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n')[0]) as { scheduler: { name: string }; promotion: string };
const headerScheduler = (dir: string): string => header(dir).scheduler.name;

describe('search(): the default scheduler (docs/benchmarks.md, "One default per situation")', function () {
  this.timeout(120_000);

  it('is ASHA with several budgets and random search with one; a given scheduler wins', () => {
    expect(faceSearchScheduler({})).to.equal('asha');
    expect(faceSearchScheduler({ minEpochs: 1, maxEpochs: 27, eta: 3 })).to.equal('asha');
    expect(faceSearchScheduler({ minEpochs: 2, maxEpochs: 2 })).to.equal('random');
    expect(faceSearchScheduler({ scheduler: 'hyperband' })).to.equal('hyperband');
    // Hypervolume promotion under ASHA; NSGA-II's crowding order under the synchronous schedulers; a given one wins.
    expect(faceSearchPromotion({})).to.equal('hypervolume');
    expect(faceSearchPromotion({ scheduler: 'hyperband' })).to.equal('nds-crowding');
    expect(faceSearchPromotion({ promotion: 'parego' })).to.equal('parego');
  });

  it('a new study records ASHA with hypervolume promotion; a study created with Hyperband keeps it when resumed without a scheduler', async () => {
    const space = Space.fromJSON({ name: 'heads', hyperparameters: { head: { type: 'categorical', choices: ['CosFace', 'ArcFace'], default: 'CosFace' } } });
    const common = { space, data: 'synthetic:identities=6,images=4', proposer: 'random' as const, minEpochs: 1, maxEpochs: 2, imageSize: 8, batchSize: 16, scale: microDpn, seed: 1, evaluateDefault: false };
    const fresh = mkdtempSync(join(tmpdir(), 'frnas-default-asha-'));
    const old = mkdtempSync(join(tmpdir(), 'frnas-default-hb-'));
    try {
      await search({ ...common, out: fresh, trials: 1 });
      expect(headerScheduler(fresh)).to.equal('asha');
      expect(header(fresh).promotion).to.equal('hypervolume');
      await search({ ...common, out: old, trials: 1, scheduler: 'hyperband' });
      const resumed = await search({ out: old, space, trials: 2, evaluateDefault: false });
      expect(headerScheduler(old)).to.equal('hyperband');
      expect(header(old).promotion).to.equal('nds-crowding');
      expect(resumed.trials.filter((t) => t.status === 'ok')).to.have.length(2);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
    }
  });
});
