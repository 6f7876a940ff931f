import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import type { EvaluationContext } from '../../lib/search/index.js';
import type { Configuration } from '../../lib/space/types.js';
import { faceRecognitionObjective } from '../../lib/train/objective.js';
import { microDpn, randomFaces } from './fixtures.js';

function context(dir: string, trialId: number): EvaluationContext {
  return { trialId, configId: `c${trialId}`, budget: 1, previousBudget: 0, attempt: 1, checkpointDir: dir, signal: new AbortController().signal };
}

describe('train/workers: trials in worker threads', function () {
  this.timeout(120000);
  const data = { train: randomFaces(3, 4, 8, 1), evaluation: randomFaces(3, 2, 8, 2) };
  const common = { dataset: data, maxEpochs: 1, scale: microDpn, imageSize: 8, channels: 1 as const, embeddingSize: 12, batchSize: 8, backend: 'cpu' as const };
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = await mkdtemp(join(tmpdir(), 'frnas-workers-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('runs two trials at once in workers and gives the same figures as in-process training', async () => {
    const inWorkers = faceRecognitionObjective({ ...common, workerThreads: true });
    const inProcess = faceRecognitionObjective(common);
    const configs: Configuration[] = [
      { edge1: 0, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.1 },
      { edge1: 4, edge2: 3, edge3: 7, head: 'ArcFace', optimizer: 'AdamW', lr_adam: 0.001 },
    ];
    const parallel = await Promise.all(configs.map((c, i) => inWorkers(c, 1, context(join(root, `w${i}`), i))));
    const local = await inProcess(configs[1], 1, context(join(root, 'p1'), 1));
    expect(parallel[1].error).to.be.closeTo(local.error as number, 1e-9);
    expect(parallel[1].rank_disparity).to.be.closeTo(local.rank_disparity as number, 1e-9);
    for (const result of parallel) expect(result.cost).to.deep.include({ budget: 1 });
  });

  it('a diverged trial in a worker rejects with its reason', async () => {
    const poisoned = { ...data.train, images: Float32Array.from(data.train.images).fill(Number.NaN, 0, 64) };
    const evaluate = faceRecognitionObjective({ ...common, dataset: { train: poisoned, evaluation: data.evaluation }, workerThreads: true });
    let message = '';
    await evaluate({ edge1: 0, edge2: 0, edge3: 1 }, 1, context(join(root, 'nan'), 9)).catch((e: Error) => (message = e.message));
    expect(message).to.match(/^diverged/);
  });

  it('the deprecated `workers: true` still means worker threads; a disagreement with workerThreads is refused', () => {
    // Streaming data are refused only on the worker-thread path, so the refusal shows which path the option chose.
    expect(() => faceRecognitionObjective({ ...common, streaming: true, workerThreads: true })).to.throw(/workerThreads: true needs in-memory data/);
    expect(() => faceRecognitionObjective({ ...common, streaming: true, workers: true })).to.throw(/workerThreads: true needs in-memory data/);
    expect(() => faceRecognitionObjective({ ...common, streaming: true, workerThreads: false })).not.to.throw();
    expect(() => faceRecognitionObjective({ ...common, workerThreads: false, workers: true })).to.throw(/deprecated alias workers \(true\) disagree/);
  });
});
