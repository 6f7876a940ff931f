import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { coordinateSearch, parseRedisUrl, runCoordinator, startTrialWorker, trialQueueName, type TrialJobData, type TrialJobOutcome, type TrialWorker } from '../../lib/distributed/index.js';
import { commandTrialSeed } from '../../lib/command/index.js';
import { Space } from '../../lib/index.js';
import { studyOptions } from '../distributed/helpers.js';
import { useRedisServer } from '../distributed/redis-server.js';

const TRAINER = resolve('test/fixtures/command-trials/trainer.mjs');
const COMMAND = `"${process.execPath}" "${TRAINER}" ok`;

describe('frnas worker --command: command trials through Redis', function () {
  this.timeout(120_000);
  const workers: TrialWorker[] = [];
  const dirs: string[] = [];
  const scratch = (): string => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'frnas-worker-command-')));
    dirs.push(dir);
    return dir;
  };
  const redis = useRedisServer({ beforeStop: () => Promise.all(workers.splice(0).map((w) => w.close())) });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("runs the worker's command per trial; promotions continue from the shared checkpoint folder; logs beside the checkpoints", async () => {
    const base = scratch();
    const url = redis().url();
    const checkpoints = join(base, 'checkpoints');
    workers.push(await startTrialWorker({ redis: url, study: 'cmd', command: COMMAND, checkpointRoot: checkpoints }));
    const result = await runCoordinator({
      ...studyOptions(2),
      inFlight: 1,
      redis: url,
      directory: join(base, 'study'),
      checkpointRoot: checkpoints,
      study: 'cmd',
      evaluator: { name: 'command', options: { objectives: ['f1', 'f2'], seed: 2 } },
      stop: { trials: 10 },
      pollInterval: 0.2,
    });
    expect(result.trials).to.have.length(10);
    for (const trial of result.trials) {
      expect(trial.status, trial.error).to.equal('ok');
      const { x0 } = trial.config as { x0: number };
      expect(trial.values.f1).to.be.closeTo(x0 + 1 / (trial.budget + 1), 1e-12);
      const previous = trial.parentTrialId === undefined ? 0 : result.trials[trial.parentTrialId].budget;
      expect(trial.attributes.resumedFrom, `trial ${trial.id}`).to.equal(previous);
      expect(trial.attributes.log).to.equal(join(checkpoints, 'trial-logs', `trial-${String(trial.id).padStart(6, '0')}.log`));
      expect(existsSync(trial.attributes.log as string)).to.equal(true);
    }
    expect(result.trials.some((t) => t.parentTrialId !== undefined)).to.equal(true);
  });

  it("coordinateSearch with the 'command' evaluator sends the study's objectives and seed, and the worker runs its command", async () => {
    const base = scratch();
    const url = redis().url();
    workers.push(await startTrialWorker({ redis: url, study: 'cmd-search', command: COMMAND, checkpointRoot: join(base, 'study', 'checkpoints') }));
    const outcome = await coordinateSearch({
      redis: url,
      out: join(base, 'study'),
      study: 'cmd-search',
      space: Space.fromJSON({ name: 'xy', hyperparameters: { x0: { type: 'float', lower: 0, upper: 1 }, x1: { type: 'float', lower: 0, upper: 1 } } }),
      evaluator: { name: 'command' },
      evaluatorObjectives: ['f1', 'f2'],
      minEpochs: 1,
      maxEpochs: 2,
      trials: 3,
      seed: 7,
      proposer: 'random',
    });
    expect(outcome.trials).to.have.length(3);
    for (const trial of outcome.trials) {
      expect(trial.status, trial.error).to.equal('ok');
      expect(trial.attributes.env).to.deep.include({ objectives: 'f1,f2', seed: String(commandTrialSeed(7, trial.id)), trialId: String(trial.id) });
    }
  });

  it('a command can never be set through a job; a worker without --command refuses command jobs', async () => {
    const base = scratch();
    const url = redis().url();
    const root = join(base, 'root');
    const marker = join(base, 'pwned');
    workers.push(await startTrialWorker({ redis: url, study: 'hostile-cmd', command: COMMAND, checkpointRoot: root }));
    workers.push(await startTrialWorker({ redis: url, study: 'no-cmd', checkpointRoot: join(base, 'root2') }));
    const connection = { ...parseRedisUrl(url) };
    const run = async (study: string, data: TrialJobData & Record<string, unknown>): Promise<{ value?: TrialJobOutcome; reason?: string }> => {
      const queue = new Queue(trialQueueName(study), { connection });
      const events = new QueueEvents(trialQueueName(study), { connection });
      await events.waitUntilReady();
      try {
        const added = await queue.add('trial', data, { jobId: `trial-${data.trialId}`, attempts: 3 });
        return { value: (await added.waitUntilFinished(events, 30_000)) as TrialJobOutcome };
      } catch (error) {
        return { reason: (error as Error).message };
      } finally {
        await events.close();
        await queue.close();
      }
    };
    const job = (study: string, trialId: number, evaluatorOptions: Record<string, unknown>, extra: Record<string, unknown> = {}): TrialJobData & Record<string, unknown> => {
      const lineage = `trial-${String(trialId).padStart(6, '0')}`;
      return {
        version: 1, study, trialId, configId: 'c', config: { x0: 0.25, x1: 0.5 }, budget: 1, previousBudget: 0, attempt: 1,
        checkpoint: { dir: `/coordinator/${lineage}`, lineage }, evaluator: { name: 'command', options: evaluatorOptions as TrialJobData['evaluator']['options'] }, enqueuedAt: Date.now(), ...extra,
      };
    };
    const hostile = `touch ${marker}`;
    for (const [trialId, options] of [[1, { command: hostile }], [2, { args: ['-c', hostile] }], [3, { env: { NODE_OPTIONS: `--require ${marker}` } }], [4, { cwd: '/' }]] as const) {
      const outcome = await run('hostile-cmd', job('hostile-cmd', trialId, options));
      expect(outcome.reason, `trial ${trialId}`).to.match(/rejected by worker .*a job may not choose what a worker runs/);
    }
    // A command field beside the evaluator is not read: the worker runs its own command.
    const ignored = await run('hostile-cmd', job('hostile-cmd', 5, { objectives: ['f1', 'f2'] }, { command: hostile }));
    expect(ignored.value?.result.status).to.equal('ok');
    expect(ignored.value?.result.values.f1).to.be.closeTo(0.25 + 1 / 2, 1e-12);
    expect(readFileSync(join(root, 'trial-logs', 'trial-000005.log'), 'utf8')).to.contain(TRAINER);
    expect(existsSync(marker), 'no hostile command ran').to.equal(false);

    const noCommand = await run('no-cmd', job('no-cmd', 1, {}));
    expect(noCommand.reason).to.match(/rejected by worker .*this worker runs no command \(start it with frnas worker --command/);
  });
});
