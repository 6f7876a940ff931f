import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinateSearch, startTrialWorker, type TrialWorker } from '../../lib/distributed/index.js';
import { useRedisServer } from './redis-server.js';

describe('distributed: face training through a worker (coordinateSearch)', function () {
  this.timeout(120_000);
  let worker: TrialWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'frnas-dist-face-'));

  const redis = useRedisServer({ beforeStop: async () => worker?.close() });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("trains the search's configurations on a worker from data-only jobs, continuing checkpoints on promotion, and writes the report", async () => {
    const url = redis().url();
    // The study's checkpoint folder as the worker names it: ASHA's promotion continues the parent's checkpoint there.
    worker = await startTrialWorker({ redis: url, study: 'face', backend: 'wasm', checkpointRoot: join(dir, 'checkpoints') });
    const outcome = await coordinateSearch({
      redis: url,
      out: dir,
      study: 'face',
      data: 'synthetic:identities=10,images=6',
      imageSize: 16,
      batchSize: 32,
      minEpochs: 1,
      maxEpochs: 2,
      eta: 2,
      trials: 3,
      proposer: 'random',
      seed: 4,
      inFlight: 1,
      tellOrder: 'trial-id',
    });
    expect(outcome.trials).to.have.length(3);
    for (const trial of outcome.trials) {
      expect(trial.status, trial.error).to.equal('ok');
      expect(trial.values.error).to.be.within(0, 1);
      expect(trial.values).to.have.property('rank_disparity');
    }
    // ASHA (eta 2): two new configurations at 1 epoch, then the better one promoted to 2 epochs from its checkpoint.
    const promoted = outcome.trials[2];
    expect(promoted.parentTrialId).to.be.a('number');
    expect(promoted.attributes.resumedFrom).to.equal(1);
    expect(readdirSync(join(dir, 'checkpoints'))).to.have.length(2);
    expect(existsSync(outcome.report.files.html)).to.equal(true);
  });
});
