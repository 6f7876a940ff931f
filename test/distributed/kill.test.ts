import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Study } from '../../lib/index.js';
import { faceSearchPromotion } from '../../lib/workflows/index.js';
import { repoRoot } from '../support/shared-data.js';
import { inProcessReference, resultKey, SPACE_JSON } from './helpers.js';
import { redisMissingReason, RedisTestServer } from './redis-server.js';

const cli = join(repoRoot, 'test', 'distributed', 'fixtures', 'cli.ts');

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

interface JournalEvent {
  type: string;
  trial?: number;
  status?: string;
  attributes?: { worker?: string };
}

function journal(dir: string): JournalEvent[] {
  const file = join(dir, 'journal.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))
    .map((l) => JSON.parse(l) as JournalEvent);
}

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('distributed: coordinator + 3 worker processes, one worker and the coordinator killed', function () {
  this.timeout(120_000);
  let redis: RedisTestServer | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'frnas-dist-kill-'));
  const children: Spawned[] = [];

  before(async function () {
    const missing = redisMissingReason();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    redis = await RedisTestServer.start({ password: 'kill-test' });
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes every trial exactly once, and its front equals the in-process run with the same seed', async () => {
    const url = (redis as RedisTestServer).url();
    const spaceFile = join(dir, 'space.json');
    writeFileSync(spaceFile, JSON.stringify(SPACE_JSON));
    const out = join(dir, 'study');
    const trials = 32;
    const window = 3;
    const seed = 11;
    const coordinatorArgs = [
      'coordinate', '--redis', url, '--out', out, '--study', 'kill-test', '--space', spaceFile,
      '--evaluator', 'zdt1', '--evaluator-options', JSON.stringify({ maxBudget: 4, sleepMs: 250 }), '--objectives', 'f1,f2',
      '--scheduler', 'asha', '--proposer', 'random', '--min-epochs', '1', '--max-epochs', '4', '--eta', '2',
      '--trials', String(trials), '--in-flight', String(window), '--tell-order', 'trial-id', '--seed', String(seed),
    ];
    const workerArgs = ['worker', '--redis', url, '--study', 'kill-test', '--lock-duration', '2', '--stalled-interval', '1', '--max-stalled', '3'];
    const workers = [0, 1, 2].map(() => spawnCli(workerArgs));
    children.push(...workers);
    let coordinator = spawnCli(coordinatorArgs);
    children.push(coordinator);

    // Kill a worker in the middle of its third trial.
    const victim = workers[0];
    await until('a worker to start its third trial', () => (victim.output().match(/trial \d+ started/g) ?? []).length >= 3, 60_000);
    const startedLines = victim.output().match(/trial (\d+) started/g) ?? [];
    const lostTrial = Number(/(\d+)/.exec(startedLines[startedLines.length - 1])?.[1]);
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(victim.output()).not.to.include(`trial ${lostTrial} ok`);

    // Then kill the coordinator once half the trials are told, and start it again on the same folder.
    await until('half the results', () => journal(out).filter((e) => e.type === 'result').length >= trials / 2, 60_000);
    coordinator.child.kill('SIGKILL');
    const killed = await coordinator.exited;
    expect(killed.signal).to.equal('SIGKILL');
    const toldBeforeRestart = journal(out).filter((e) => e.type === 'result').length;
    expect(toldBeforeRestart).to.be.below(trials);
    coordinator = spawnCli(coordinatorArgs);
    children.push(coordinator);
    const finished = await coordinator.exited;
    expect(finished.code, coordinator.output()).to.equal(0);
    expect(coordinator.output()).to.include(`Done: ${trials} trials (0 failed)`);

    const events = journal(out);
    const asked = events.filter((e) => e.type === 'asked' || e.type === 'promoted').map((e) => e.trial);
    const results = events.filter((e) => e.type === 'result');
    expect(asked).to.deep.equal([...Array(trials).keys()]);
    expect(results.map((e) => e.trial).sort((a, b) => (a ?? 0) - (b ?? 0))).to.deep.equal([...Array(trials).keys()]);
    expect(results.every((e) => e.status === 'ok')).to.equal(true);
    // The killed worker's trial was finished by another worker.
    const lost = results.find((e) => e.trial === lostTrial);
    expect(lost?.attributes?.worker).to.match(new RegExp(`^${hostname()}:\\d+$`));
    expect(lost?.attributes?.worker).not.to.equal(`${hostname()}:${victim.child.pid}`);

    const study = Study.open(out, { readOnly: true });
    // `frnas coordinate` promotes as the face search does by default under ASHA.
    const reference = await inProcessReference(seed, trials, window, 4, faceSearchPromotion({ scheduler: 'asha' }));
    expect(study.trials().map(resultKey)).to.deep.equal(reference.trials.map(resultKey));
    expect(study.paretoFront().map(resultKey)).to.deep.equal(reference.front.map(resultKey));
    study.close();
    for (const w of workers.slice(1)) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  });
});
