import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import {
  EvaluatorRegistry,
  analyticEvaluator,
  checkRedis,
  parseRedisUrl,
  runCoordinator,
  startTrialWorker,
  trialQueueName,
  type TrialJobData,
  type TrialWorker,
} from '../../lib/distributed/index.js';
import { inProcessReference, resultKey, studyOptions } from './helpers.js';
import { RedisTestServer, useRedisServer } from './redis-server.js';

const PASSWORD = 'frnas test p@ss';

function resultsPerTrial(dir: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as { type: string; trial?: number };
    if (event.type === 'result' && event.trial !== undefined) counts.set(event.trial, (counts.get(event.trial) ?? 0) + 1);
  }
  return counts;
}

describe('distributed: coordinator and in-process workers on a real redis-server', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const workers: TrialWorker[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-dist-'));
    dirs.push(dir);
    return dir;
  };

  const redis = useRedisServer({ password: PASSWORD });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const url = (): string => redis().url();

  it('connects with the password from the URL and fails clearly without it', async () => {
    const persistence = await checkRedis(url());
    expect(persistence.appendonly).to.equal('yes');
    expect(parseRedisUrl(url()).password).to.equal(PASSWORD);
    const bare = redis().url(false);
    let message = '';
    await checkRedis(bare).catch((e: Error) => (message = e.message));
    expect(message).to.match(/NOAUTH/).and.match(/password in the URL/);
    let workerMessage = '';
    await startTrialWorker({ redis: bare, study: 'nopass' }).catch((e: Error) => (workerMessage = e.message));
    expect(workerMessage).to.match(/NOAUTH/);
    let coordinatorMessage = '';
    await runCoordinator({ ...studyOptions(1), redis: bare, directory: tempDir(), evaluator: { name: 'zdt1' }, stop: { trials: 1 } }).catch(
      (e: Error) => (coordinatorMessage = e.message),
    );
    expect(coordinatorMessage).to.match(/NOAUTH/);
  });

  it("with tellOrder 'trial-id' reproduces the in-process run: same trials, same results, same front", async () => {
    const dir = tempDir();
    for (let i = 0; i < 2; i++) workers.push(await startTrialWorker({ redis: url(), study: 'ordered', concurrency: 2 }));
    const result = await runCoordinator({
      ...studyOptions(5),
      redis: url(),
      directory: dir,
      study: 'ordered',
      evaluator: { name: 'zdt1', options: { maxBudget: 4, sleepMs: 5 } },
      stop: { trials: 24 },
      inFlight: 3,
      tellOrder: 'trial-id',
      pollInterval: 0.2,
    });
    const reference = await inProcessReference(5, 24, 3, 4);
    expect(result.trials.map(resultKey)).to.deep.equal(reference.trials.map(resultKey));
    expect(result.paretoFront.map(resultKey)).to.deep.equal(reference.front.map(resultKey));
    expect(result.trials.some((t) => t.parentTrialId !== undefined), 'ASHA promoted something').to.equal(true);
    expect([...resultsPerTrial(dir).values()].every((n) => n === 1)).to.equal(true);
    expect(resultsPerTrial(dir).size).to.equal(24);
    expect(result.timings).to.have.length(24);
    for (const t of result.timings) expect(t.startedAt).to.be.at.least(t.enqueuedAt - 5);
  });

  it('counts a result that arrives twice once (idempotent by trial id)', async () => {
    const dir = tempDir();
    const evaluations = new Map<number, number>();
    const jobs = new Map<number, TrialJobData>();
    const queue = new Queue(trialQueueName('twice'), { connection: { ...parseRedisUrl(url()) } });
    let duplicateDone = false;
    workers.push(
      await startTrialWorker({
        redis: url(),
        study: 'twice',
        concurrency: 2,
        onTrialStart: (job) => {
          jobs.set(job.trialId, job);
          evaluations.set(job.trialId, (evaluations.get(job.trialId) ?? 0) + 1);
        },
        onTrialEnd: (outcome) => {
          if (outcome.trialId === 0 && evaluations.get(0) === 2) duplicateDone = true;
        },
      }),
    );
    let toldAfterDuplicate = 0;
    const result = await runCoordinator({
      ...studyOptions(9),
      redis: url(),
      directory: dir,
      study: 'twice',
      evaluator: { name: 'zdt1', options: { maxBudget: 4, sleepMs: 20 } },
      stop: { trials: 200, when: () => duplicateDone && ++toldAfterDuplicate > 3 },
      inFlight: 2,
      pollInterval: 0.2,
      onTrialEnd: (trial) => {
        // As a stale coordinator would: enqueue trial 0 again once its result is recorded and its job removed.
        if (trial.id === 0) setTimeout(() => void queue.add('trial', jobs.get(0), { jobId: 'trial-0' }), 300);
      },
    });
    await queue.close();
    expect(evaluations.get(0)).to.equal(2);
    const counts = resultsPerTrial(dir);
    expect(counts.get(0)).to.equal(1);
    expect([...counts.values()].every((n) => n === 1)).to.equal(true);
    expect(result.trials.every((t) => t.status === 'ok')).to.equal(true);
  });

  it('retries a trial whose evaluator cannot load a bounded number of times, then records it failed with the reason', async () => {
    const dir = tempDir();
    let loads = 0;
    let evaluations = 0;
    const registry = new EvaluatorRegistry()
      .register('missing-data', () => {
        loads++;
        throw new Error('no data at /mnt/faces on this machine');
      })
      .register('diverges', () => () => {
        evaluations++;
        throw new Error('diverged: loss is NaN');
      });
    workers.push(await startTrialWorker({ redis: url(), study: 'broken', registry }));
    const failed = await runCoordinator({
      ...studyOptions(2), redis: url(), directory: dir, study: 'broken', evaluator: { name: 'missing-data' }, stop: { trials: 2 }, attempts: 2, pollInterval: 0.2,
    });
    expect(loads).to.equal(4);
    for (const trial of failed.trials) {
      expect(trial.status).to.equal('failed');
      expect(trial.error).to.match(/after 2 attempt\(s\): no data at \/mnt\/faces/);
    }
    // A failing evaluation is a result, as in optimize(): failed at once, not retried.
    const dir2 = tempDir();
    const diverged = await runCoordinator({
      ...studyOptions(2), redis: url(), directory: dir2, study: 'broken', evaluator: { name: 'diverges' }, stop: { trials: 3 }, attempts: 3, pollInterval: 0.2,
    });
    expect(evaluations).to.equal(3);
    expect(diverged.trials.map((t) => t.error)).to.deep.equal(['diverged: loss is NaN', 'diverged: loss is NaN', 'diverged: loss is NaN']);
  });

  it('stops after maxConsecutiveFailures failed trials in a row, as optimize() does, leaving the study resumable', async () => {
    const dir = tempDir();
    let evaluations = 0;
    const registry = new EvaluatorRegistry()
      .register('diverges', () => () => {
        evaluations++;
        throw new Error('diverged: loss is NaN');
      })
      .register('zdt1', analyticEvaluator(0.5));
    workers.push(await startTrialWorker({ redis: url(), study: 'streak', registry }));
    const options = { ...studyOptions(4), redis: url(), directory: dir, study: 'streak', stop: { trials: 20 }, inFlight: 1, pollInterval: 0.2 };
    let error: Error | undefined;
    try {
      await runCoordinator({ ...options, evaluator: { name: 'diverges' }, maxConsecutiveFailures: 3 });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).to.match(/^coordinator: stopped after 3 failed trials in a row \(the last, trial 2: diverged: loss is NaN\)/);
    expect(evaluations).to.equal(3);
    expect([...resultsPerTrial(dir).values()]).to.deep.equal([1, 1, 1]);
    // Fixed, the same study resumes to its stop rule.
    const resumed = await runCoordinator({ ...options, evaluator: { name: 'zdt1' } });
    expect(resumed.trials).to.have.length(20);
    expect(resumed.trials.filter((t) => t.status === 'failed')).to.have.length(3);
  });

  it('survives a Redis crash and restart (appendonly): every trial told once, same results as in process', async () => {
    const server = await RedisTestServer.start();
    const dir = tempDir();
    try {
      for (let i = 0; i < 2; i++) {
        workers.push(await startTrialWorker({ redis: server.url(), study: 'crash', concurrency: 2, lockDuration: 2, stalledInterval: 1, onError: () => undefined }));
      }
      let crashed = false;
      let restarted = false;
      const warnings: string[] = [];
      const run = runCoordinator({
        ...studyOptions(13),
        redis: server.url(),
        directory: dir,
        study: 'crash',
        evaluator: { name: 'zdt1', options: { maxBudget: 4, sleepMs: 30 } },
        stop: { trials: 30 },
        inFlight: 4,
        tellOrder: 'trial-id',
        pollInterval: 0.2,
        onWarning: (w) => warnings.push(w),
        onTrialEnd: (trial) => {
          if (trial.id === 10 && !crashed) {
            crashed = true;
            void server.kill().then(() => new Promise((resolve) => setTimeout(resolve, 500))).then(() => server.launch()).then(() => (restarted = true));
          }
        },
      });
      const result = await run;
      // Trials 11-29 could only be collected after Redis was back.
      expect(crashed && restarted).to.equal(true);
      const counts = resultsPerTrial(dir);
      expect(counts.size).to.equal(30);
      expect([...counts.values()].every((n) => n === 1)).to.equal(true);
      const reference = await inProcessReference(13, 30, 4, 4);
      expect(result.trials.map(resultKey)).to.deep.equal(reference.trials.map(resultKey));
      expect(warnings.filter((w) => /gone from Redis/.test(w)), 'no job was lost').to.deep.equal([]);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.close()));
      await server.stop();
    }
  });

  it('runs a trial whose worker is lost again elsewhere, and fails it with the reason after maxStalledCount losses', async () => {
    // An evaluation that never ends on its first attempt, as on a machine that died; later attempts succeed.
    const zdt1 = await analyticEvaluator(0.5)({}, {});
    const registry = new EvaluatorRegistry().register('hangs-once', () => (config, budget, context) =>
      context.attempt === 1 ? new Promise<never>(() => undefined) : zdt1(config, budget, context),
    );
    const lose = async (study: string, maxStalledCount: number): Promise<{ status: string; error?: string; attempt?: number }> => {
      let started!: () => void;
      const firstStart = new Promise<void>((resolve) => (started = resolve));
      const doomed = await startTrialWorker({ redis: url(), study, registry, lockDuration: 1, stalledInterval: 0.5, onTrialStart: () => started() });
      const run = runCoordinator({
        ...studyOptions(3), redis: url(), directory: tempDir(), study, evaluator: { name: 'hangs-once' }, stop: { trials: 1 }, pollInterval: 0.2,
      });
      await firstStart;
      await doomed.close(true);
      let attempt: number | undefined;
      workers.push(await startTrialWorker({ redis: url(), study, registry, lockDuration: 1, stalledInterval: 0.5, maxStalledCount, onTrialEnd: (o) => (attempt = o.attempt) }));
      const [trial] = (await run).trials;
      return { status: trial.status, error: trial.error, attempt };
    };
    const retried = await lose('lost-once', 1);
    expect(retried.status, retried.error).to.equal("ok");
    expect(retried.attempt).to.equal(2);
    const failed = await lose('lost-for-good', 0);
    expect(failed.status).to.equal('failed');
    expect(failed.error).to.match(/job stalled more than allowable limit/);
  });

  it('keeps the lock of a trial longer than lockDuration: no worker takes it over, it runs once', async () => {
    const runs = new Map<number, number>();
    const zdt1 = await analyticEvaluator(0.5)({}, {});
    const registry = new EvaluatorRegistry().register('slow', () => async (config, budget, context) => {
      runs.set(context.trialId, (runs.get(context.trialId) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return zdt1(config, budget, context);
    });
    for (let i = 0; i < 2; i++) workers.push(await startTrialWorker({ redis: url(), study: 'long', registry, lockDuration: 1, stalledInterval: 0.3 }));
    const result = await runCoordinator({
      ...studyOptions(4), redis: url(), directory: tempDir(), study: 'long', evaluator: { name: 'slow' }, stop: { trials: 2 }, inFlight: 2, pollInterval: 0.2,
    });
    expect(result.trials.map((t) => t.status)).to.deep.equal(['ok', 'ok']);
    expect([...runs.values()]).to.deep.equal([1, 1]);
  });

  it('names the unknown evaluator a job asks for', async () => {
    workers.push(await startTrialWorker({ redis: url(), study: 'unknown', registry: new EvaluatorRegistry().register('zdt1', analyticEvaluator(0.5)) }));
    const result = await runCoordinator({
      ...studyOptions(2), redis: url(), directory: tempDir(), study: 'unknown', evaluator: { name: 'not-installed' }, stop: { trials: 1 }, attempts: 1, pollInterval: 0.2,
    });
    expect(result.trials[0].error).to.match(/evaluator "not-installed" is not installed on this worker \(installed: zdt1\)/);
  });
});
