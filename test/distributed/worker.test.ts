import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import {
  EvaluatorRegistry,
  analyticEvaluator,
  faceEvaluator,
  parseRedisUrl,
  parseTrialJob,
  runCoordinator,
  startTrialWorker,
  trialQueueName,
  type JsonObject,
  type TrialJobData,
  type TrialJobOutcome,
  type TrialWorker,
} from '../../lib/distributed/index.js';
import { checkFaceEvaluatorOptions } from '../../lib/distributed/evaluators.js';
import { checkpointDirUnder, dataSpecUnder } from '../../lib/distributed/paths.js';
import { studyOptions } from './helpers.js';
import { useRedisServer } from './redis-server.js';

/** A scratch folder: `root` (checkpoints), `data/faces` (a data root's data set) and `outside` (what jobs must not reach). */
function sandbox(): { base: string; root: string; data: string; faces: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'frnas-worker-')));
  const dirs = { base, root: join(base, 'root'), data: join(base, 'data'), faces: join(base, 'data', 'faces'), outside: join(base, 'outside') };
  for (const dir of [dirs.root, dirs.faces, dirs.outside]) mkdirSync(dir, { recursive: true });
  return dirs;
}

function job(overrides: Partial<TrialJobData> & { trialId: number }): TrialJobData {
  const lineage = `trial-${String(overrides.trialId).padStart(6, '0')}`;
  return {
    version: 1,
    study: 'hostile',
    configId: 'c',
    config: { x0: 0.2, x1: 0.4, x2: 0.6 },
    budget: 1,
    previousBudget: 0,
    attempt: 1,
    checkpoint: { dir: `/coordinator/checkpoints/${lineage}`, lineage },
    evaluator: { name: 'zdt1' },
    enqueuedAt: Date.now(),
    ...overrides,
  };
}

describe('distributed worker: paths and options from the queue', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const box = (): ReturnType<typeof sandbox> => {
    const s = sandbox();
    dirs.push(s.base);
    return s;
  };

  it('rejects a checkpoint dir that is relative, climbs with .., or does not end in the lineage', () => {
    for (const dir of ['../../etc/trial-000001', 'checkpoints/trial-000001', '/srv/a/../../etc/trial-000001', '/etc', '/etc/passwd']) {
      expect(() => parseTrialJob(job({ trialId: 1, checkpoint: { dir, lineage: 'trial-000001' } })), dir).to.throw(/checkpoint\.dir must be an absolute path/);
    }
    for (const lineage of ['..', '../trial-1', 'trial-1/../..', '/etc']) {
      expect(() => parseTrialJob(job({ trialId: 1, checkpoint: { dir: `/x/${lineage}`, lineage } })), lineage).to.throw(/checkpoint\.lineage/);
    }
    expect(parseTrialJob(job({ trialId: 1 })).checkpoint.lineage).to.equal('trial-000001');
  });

  it("keeps checkpoints under the worker's root, and refuses a lineage folder that is a symlink out of it", () => {
    const { root, outside } = box();
    expect(checkpointDirUnder(root, 'trial-000002', true)).to.equal(join(root, 'trial-000002'));
    expect(existsSync(join(root, 'trial-000002'))).to.equal(true);
    symlinkSync(outside, join(root, 'trial-000003'));
    expect(() => checkpointDirUnder(root, 'trial-000003')).to.throw(/leads to .*outside this worker's checkpoint root/);
    symlinkSync(join(outside, 'missing'), join(root, 'trial-000004'));
    expect(() => checkpointDirUnder(root, 'trial-000004', true)).to.throw();
    expect(existsSync(join(outside, 'missing'))).to.equal(false);
    expect(() => checkpointDirUnder(root, '..')).to.throw(/not one folder name/);
  });

  it('reads data folders only under the data roots (after following symlinks); synthetic data always', () => {
    const { data, faces, outside, base } = box();
    expect(dataSpecUnder('synthetic:identities=10,images=6', [])).to.equal('synthetic:identities=10,images=6');
    expect(dataSpecUnder(`folder:${faces}`, [data])).to.equal(`folder:${faces}`);
    expect(dataSpecUnder(`orl:${join(data, 'x', '..', 'faces')}`, [data])).to.equal(`orl:${faces}`);
    expect(() => dataSpecUnder(`folder:${faces}`, [])).to.throw(/reads no data folders .*--data-root/);
    expect(() => dataSpecUnder('folder:/etc', [data])).to.throw(/outside this worker's data roots/);
    expect(() => dataSpecUnder(`folder:${join(data, '..', '..', '..', 'etc')}`, [data])).to.throw(/outside/);
    expect(() => dataSpecUnder('folder:../../etc', [data])).to.throw(/outside/);
    symlinkSync(outside, join(data, 'link-out'));
    expect(() => dataSpecUnder(`folder:${join(data, 'link-out')}`, [data])).to.throw(/outside/);
    // A missing folder outside the roots is refused before it is looked for; inside, it is a (retryable) plain error.
    expect(() => dataSpecUnder(`folder:${join(base, 'nowhere')}`, [data])).to.throw(/outside/);
    expect(() => dataSpecUnder(`folder:${join(data, 'not-yet')}`, [data])).to.throw(/does not exist on this worker/);
    expect(() => dataSpecUnder('folder:', [data])).to.throw(/names no folder/);
  });

  it("checks every training option of a face job against the trainer's schema", () => {
    const { data, faces } = box();
    const env = { dataRoots: [data] };
    const good: JsonObject = { data: `folder:${faces}`, maxEpochs: 4, objectives: ['error'], threads: true, imageSize: 16, batchSize: 32, model: 'dpn', scale: 'tiny', momentum: 0.9, seed: 222 };
    const checked = checkFaceEvaluatorOptions(good, env);
    expect(checked.training).to.deep.equal({ imageSize: 16, batchSize: 32, model: 'dpn', scale: 'tiny', momentum: 0.9, seed: 222 });
    expect(checked.data).to.equal(`folder:${faces}`);
    const reasons: [JsonObject, RegExp][] = [
      [{ batchSize: -8 }, /option batchSize must be an integer in \[1, 4096\], got -8/],
      [{ batchSize: 1e7 }, /batchSize must be an integer/],
      [{ batchSize: 2.5 }, /batchSize must be an integer/],
      [{ imageSize: 100000 }, /imageSize must be an integer in \[8, 1024\]/],
      [{ checkpointDir: '/etc' }, /unknown option "checkpointDir" \(known: .*batchSize/],
      [{ dataset: 'x', __proto__x: 1 }, /unknown option "dataset".*unknown option "__proto__x"/],
      [{ momentum: 1.5 }, /momentum must be a number in \[0, 1\)/],
      [{ scale: { stemChannels: 100000 } }, /scale must be one of tiny, small, paper/],
      [{ channels: 2 }, /channels must be 1 or 3/],
      [{ loss: 'rm -rf' }, /loss must be one of focal, crossEntropy/],
      [{ flip: 'yes' }, /flip must be true or false/],
      [{ model: '../../evil' }, /model must be a backbone name/],
      [{ maxEpochs: -1 }, /maxEpochs must be a number in \(0, 10000\]/],
      [{ backend: 'node-gyp' }, /backend must be one of tensorflow, wasm, cpu/],
      [{ threads: 'no' }, /threads must be true or false/],
      [{ data: 'folder:/etc' }, /outside this worker's data roots/],
      [{ data: 42 }, /options\.data must be a data spec/],
      [{ evaluationData: 'folder:/etc' }, /outside this worker's data roots/],
      [{ evaluationData: 7 }, /options\.evaluationData must be a data spec string/],
      [{ minImagesPerIdentity: 0 }, /minImagesPerIdentity must be an integer in \[1, 10000\]/],
      [{ allowIdentityOverlap: 'yes' }, /allowIdentityOverlap must be true or false/],
    ];
    // Evaluation people under the data roots: accepted like the training data.
    expect(checkFaceEvaluatorOptions({ ...good, evaluationData: `folder:${faces}`, minImagesPerIdentity: 2 }, env)).to.deep.include({ evaluationData: `folder:${faces}`, minImagesPerIdentity: 2 });
    for (const [change, reason] of reasons) {
      expect(() => checkFaceEvaluatorOptions({ ...good, ...change }, env), JSON.stringify(change)).to.throw(reason);
    }
  });

  describe('against a real redis-server', function () {
    this.timeout(60_000);
    const workers: TrialWorker[] = [];
    const redis = useRedisServer({ beforeStop: () => Promise.all(workers.splice(0).map((w) => w.close())) });

    it('fails hostile jobs at once with the reason, writes only under its root, and keeps serving', async () => {
      const { root, data, outside } = box();
      const url = redis().url();
      let factoryCalls = 0;
      // 'writes' leaves a file where the worker says the lineage's checkpoints go.
      const registry = new EvaluatorRegistry()
        .register('face', (options, environment) => {
          factoryCalls++;
          return faceEvaluator(options, environment);
        })
        .register('zdt1', analyticEvaluator(0.5))
        .register('writes', () => (_config, _budget, context) => {
          writeFileSync(join(context.checkpointDir, 'written'), 'x');
          return { f1: 0, f2: 0 };
        });
      const warnings: string[] = [];
      workers.push(await startTrialWorker({ redis: url, study: 'hostile', registry, checkpointRoot: root, dataRoots: [data], onWarning: (w) => warnings.push(w) }));
      symlinkSync(outside, join(root, 'trial-000005'));
      const queue = new Queue(trialQueueName('hostile'), { connection: { ...parseRedisUrl(url) } });
      const events = new QueueEvents(trialQueueName('hostile'), { connection: { ...parseRedisUrl(url) } });
      await events.waitUntilReady();
      const run = async (data: TrialJobData): Promise<{ value?: TrialJobOutcome; reason?: string; attempts: number }> => {
        const added = await queue.add('trial', data, { jobId: `trial-${data.trialId}`, attempts: 3 });
        try {
          const value = (await added.waitUntilFinished(events, 20_000)) as TrialJobOutcome;
          return { value, attempts: 1 };
        } catch (error) {
          const failed = await queue.getJob(`trial-${data.trialId}`);
          return { reason: (error as Error).message, attempts: failed?.attemptsMade ?? -1 };
        }
      };
      try {
        const face = (options: JsonObject): TrialJobData['evaluator'] => ({ name: 'face', options: { data: 'synthetic', maxEpochs: 2, ...options } });
        const hostile: [TrialJobData, RegExp][] = [
          [job({ trialId: 1, evaluator: face({ batchSize: -1 }) }), /rejected by worker .*option batchSize must be an integer in \[1, 4096\], got -1/],
          [job({ trialId: 2, evaluator: face({ data: 'folder:/etc' }) }), /rejected by worker .*outside this worker's data roots/],
          [job({ trialId: 3, evaluator: face({ data: 'folder:../../etc' }) }), /outside this worker's data roots/],
          [job({ trialId: 4, evaluator: face({ restart: true, checkpointDir: '/tmp' }) }), /unknown option "restart".*unknown option "checkpointDir"/],
          [job({ trialId: 5, evaluator: { name: 'writes' } }), /rejected by worker .*trial-000005 leads to .*outside this worker's checkpoint root/],
          [job({ trialId: 6, checkpoint: { dir: '../../etc/trial-000006', lineage: 'trial-000006' } }), /malformed trial job: checkpoint\.dir/],
          [job({ trialId: 7, checkpoint: { dir: '/x/..', lineage: '..' } }), /malformed trial job: checkpoint\.lineage/],
        ];
        for (const [data, reason] of hostile) {
          const outcome = await run(data);
          expect(outcome.reason, `trial ${data.trialId}`).to.match(reason);
          expect(outcome.attempts, `trial ${data.trialId} is not retried`).to.equal(1);
        }
        // Face jobs were refused before any data or TensorFlow.js was loaded (each factory call threw at once).
        expect(factoryCalls).to.equal(4);
        // The coordinator's path (here a folder an attacker chose) is never used: the worker writes under its root.
        const aimed = join(outside, 'trial-000008');
        const written = await run(job({ trialId: 8, evaluator: { name: 'writes' }, checkpoint: { dir: aimed, lineage: 'trial-000008' } }));
        expect(written.value?.result.status).to.equal('ok');
        expect(readFileSync(join(root, 'trial-000008', 'written'), 'utf8')).to.equal('x');
        expect(existsSync(aimed)).to.equal(false);
        expect(warnings, 'an explicit checkpointRoot is the mount the operator chose: no advice').to.deep.equal([]);
        // Still serving.
        const fine = await run(job({ trialId: 9 }));
        expect(fine.value?.result.status).to.equal('ok');
        expect(fine.value?.result.values).to.have.keys('f1', 'f2');
      } finally {
        await events.close();
        await queue.close();
      }
    });

    it("records the worker's reason on the coordinator's trial, without retries", async () => {
      const { base } = box();
      const url = redis().url();
      const warnings: string[] = [];
      workers.push(await startTrialWorker({ redis: url, study: 'bad-options', onWarning: (w) => warnings.push(w) }));
      const result = await runCoordinator({
        ...studyOptions(1),
        redis: url,
        directory: join(base, 'study'),
        study: 'bad-options',
        evaluator: { name: 'face', options: { data: 'synthetic', maxEpochs: 4, batchSize: -64, learningRate: 10 } },
        stop: { trials: 2 },
        pollInterval: 0.2,
      });
      expect(result.trials).to.have.length(2);
      for (const trial of result.trials) {
        expect(trial.status).to.equal('failed');
        expect(trial.error).to.match(/after 1 attempt\(s\): rejected by worker .*batchSize must be an integer in \[1, 4096\], got -64; unknown option "learningRate"/);
      }
      // Without --checkpoints the worker keeps checkpoints under its own folder, and says so once.
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/coordinator keeps checkpoints in .*study\/checkpoints, this worker in .*frnas-checkpoints\/bad-options; .*--checkpoints/);
    });
  });
});
