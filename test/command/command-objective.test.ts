import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandTrialSeed, parseProtocolLine } from '../../lib/command/index.js';
import { commandObjective, optimize, Space, type CommandObjectiveOptions, type OptimizeOptions, type Trial } from '../../lib/index.js';

const FIXTURES = resolve('test/fixtures/command-trials');
const TRAINER = join(FIXTURES, 'trainer.mjs');

const space = Space.fromJSON({ name: 'xy', hyperparameters: { x0: { type: 'float', lower: 0, upper: 1 }, x1: { type: 'float', lower: 0, upper: 1 } } });
const objectives = [
  { name: 'f1', direction: 'minimize' as const },
  { name: 'f2', direction: 'minimize' as const },
];

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'frnas-command-'));
}

/** One trial of `mode` through optimize; returns the told trial. */
async function oneTrial(mode: string, extra: Partial<CommandObjectiveOptions> = {}, search: Partial<OptimizeOptions> = {}): Promise<{ trial: Trial; dir: string }> {
  const dir = scratch();
  const result = await optimize({
    space,
    objectives,
    fidelity: { min: 1, max: 1, eta: 2 },
    scheduler: 'random',
    proposer: 'random',
    seed: 1,
    storage: dir,
    stop: { trials: 1 },
    maxConsecutiveFailures: 0,
    evaluate: commandObjective({ command: process.execPath, args: [TRAINER, mode], objectives: ['f1', 'f2'], ...extra }),
    ...search,
  });
  return { trial: result.trials[0], dir };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('commandObjective: trials as commands (real processes)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('parses per-epoch and final lines, logs other output and malformed lines, passes the trial as file and variables, and continues promotions from the checkpoint', async () => {
    const dir = scratch();
    dirs.push(dir);
    const epochs: number[] = [];
    const result = await optimize({
      space,
      objectives,
      fidelity: { min: 1, max: 4, eta: 2 },
      scheduler: 'sh',
      proposer: 'random',
      seed: 5,
      storage: dir,
      stop: { trials: 7 },
      evaluate: commandObjective({ command: process.execPath, args: [TRAINER, 'ok'], env: { EXTRA: 'from-options' }, seed: 5, objectives: ['f1', 'f2'], onReport: (_id, r) => epochs.push(r.epoch) }),
    });
    expect(result.trials).to.have.length(7);
    for (const trial of result.trials) {
      expect(trial.status, trial.error).to.equal('ok');
      const attributes = trial.attributes as { resumedFrom: number; epochs: { epoch: number; values: Record<string, number> }[]; log: string; env: Record<string, string>; file: Record<string, unknown> };
      const { x0, x1 } = trial.config as { x0: number; x1: number };
      expect(trial.values.f1).to.be.closeTo(x0 + 1 / (trial.budget + 1), 1e-12);
      expect(trial.values.f2).to.be.closeTo(1 - x0 + x1 + 1 / (trial.budget + 1), 1e-12);
      const previous = trial.parentTrialId === undefined ? 0 : (result.trials[trial.parentTrialId].budget);
      // A promotion continues from the parent's checkpoint: it trains only the epochs above the parent's budget.
      expect(attributes.resumedFrom, `trial ${trial.id}`).to.equal(previous);
      expect(attributes.epochs.map((e) => e.epoch)).to.deep.equal(Array.from({ length: trial.budget - previous }, (_, i) => previous + i + 1));
      expect(attributes.env).to.deep.include({ trialId: String(trial.id), budget: String(trial.budget), previousBudget: String(previous), attempt: '1', objectives: 'f1,f2', extra: 'from-options', studyDir: dir, seed: String(commandTrialSeed(5, trial.id)) });
      expect(attributes.file).to.deep.equal({ trialId: trial.id, previousBudget: previous, seed: commandTrialSeed(5, trial.id), previousTrialId: trial.parentTrialId ?? null });
      expect(attributes.env.checkpointDir).to.match(/checkpoints[\\/]trial-\d{6}$/);
      const log = readFileSync(attributes.log, 'utf8');
      expect(log).to.contain('plain output goes to the log');
      expect(log).to.contain('some warning on stderr');
      expect(log).to.match(/ignored malformed protocol line 2 of stdout: not JSON/);
      expect(log).to.match(/ignored malformed protocol line 3 of stdout: "final" must be true/);
    }
    expect(result.trials.some((t) => t.parentTrialId !== undefined), 'successive halving promoted some trials').to.equal(true);
    expect(epochs.length).to.equal(result.trials.reduce((n, t) => n + (t.attributes.epochs as unknown[]).length, 0));
  });

  it('a final line without an objective, exit 0 without a final line, and a non-zero exit fail with the reason', async () => {
    const noFinal = await oneTrial('no-final');
    dirs.push(noFinal.dir);
    expect(noFinal.trial.status).to.equal('failed');
    expect(noFinal.trial.error).to.match(/exited with code 0 without a final result line/);
    expect(noFinal.trial.error).to.match(/forgot to report$/);

    const exit = await oneTrial('exit', { reasonLines: 3 });
    dirs.push(exit.dir);
    expect(exit.trial.status).to.equal('failed');
    expect(exit.trial.error).to.equal('command exited with code 3; last stderr lines:\nstderr line 14\nstderr line 15\nRuntimeError: CUDA out of memory (pretend)');
    // The whole stderr is in the log.
    expect(readFileSync(join(exit.dir, 'trial-logs', 'trial-000000.log'), 'utf8')).to.contain('stderr line 1\n');

    const lacking = await oneTrial('ok', { objectives: ['f1', 'loss'] });
    dirs.push(lacking.dir);
    expect(lacking.trial.status).to.equal('failed');
    expect(lacking.trial.error).to.match(/lacks objective\(s\) loss/);

    const missing = await oneTrial('ok', {}, { evaluate: commandObjective({ command: 'frnas-no-such-program-here --x' }) });
    dirs.push(missing.dir);
    expect(missing.trial.status).to.equal('failed');
    expect(missing.trial.error).to.match(/exited with code 127; last stderr lines:\n.*not found/);
    const unstartable = await oneTrial('ok', {}, { evaluate: commandObjective({ command: '/no/such/program', args: [] }) });
    dirs.push(unstartable.dir);
    expect(unstartable.trial.status).to.equal('failed');
    expect(unstartable.trial.error).to.equal('command could not be started: spawn /no/such/program ENOENT');
  });

  it('a command that exits while something it started holds its output open ends its trial (the leftover is killed)', async () => {
    const started = Date.now();
    const { trial, dir } = await oneTrial('leaves-child');
    dirs.push(dir);
    expect(trial.status, trial.error).to.equal('ok');
    expect(trial.values).to.deep.equal({ f1: 1, f2: 2 });
    expect(Date.now() - started).to.be.below(20_000);
    expect(readFileSync(join(dir, 'trial-logs', 'trial-000000.log'), 'utf8')).to.contain('still hold its output open; killing its process group');
  });

  it("the command's timeout makes a timeout trial: SIGTERM first, SIGKILL after the grace period for a command that ignores it", async () => {
    const graceful = await oneTrial('term-slow', { timeout: 0.5, killGrace: 5 });
    dirs.push(graceful.dir);
    expect(graceful.trial.status).to.equal('timeout');
    expect(graceful.trial.error).to.match(/^timed out after 0.5 s; the command exited with code 143; last stderr lines:\nstarted, waiting\ngot SIGTERM$/);
    expect(graceful.trial.cost.seconds).to.be.below(4);

    const stubborn = await oneTrial('ignore-term', { timeout: 0.5, killGrace: 1 });
    dirs.push(stubborn.dir);
    expect(stubborn.trial.status).to.equal('timeout');
    expect(stubborn.trial.error).to.match(/^timed out after 0.5 s; the command was killed by SIGKILL; last stderr lines:\nstarted, waiting\ngot SIGTERM$/);
    const log = readFileSync(join(stubborn.dir, 'trial-logs', 'trial-000000.log'), 'utf8');
    expect(log).to.match(/sending SIGTERM \(SIGKILL after 1 s\)[\s\S]*sending SIGKILL/);
    const pid = Number(readFileSync(join(stubborn.dir, 'checkpoints', 'trial-000000', 'pid'), 'utf8'));
    expect(alive(pid)).to.equal(false);
  });

  it("abort (the caller's signal, or optimize's trialTimeout) stops the command with SIGTERM then SIGKILL", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const aborted = await oneTrial('ignore-term', { signal: controller.signal, killGrace: 0.5 });
    dirs.push(aborted.dir);
    expect(aborted.trial.status).to.equal('failed');
    expect(aborted.trial.error).to.match(/^aborted: the command was killed by SIGKILL; last stderr lines:\nstarted, waiting\ngot SIGTERM$/);

    // optimize records its own timeout at once; the command is stopped through the trial's signal.
    const timed = await oneTrial('term-slow', { killGrace: 5 }, { trialTimeout: 0.5 });
    dirs.push(timed.dir);
    expect(timed.trial.status).to.equal('timeout');
    const pid = Number(readFileSync(join(timed.dir, 'checkpoints', 'trial-000000', 'pid'), 'utf8'));
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    expect(alive(pid)).to.equal(false);
    await sleep(200);
    expect(readFileSync(join(timed.dir, 'trial-logs', 'trial-000000.log'), 'utf8')).to.match(/# frnas: aborted; sending SIGTERM[\s\S]*got SIGTERM[\s\S]*exited with code 143/);
  });

  it('a killed search resumes: the interrupted trial runs again and its command continues from its checkpoint', async () => {
    const dir = scratch();
    dirs.push(dir);
    const runSearch = (trials: number) =>
      spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'search.ts'), dir, String(trials)], { env: { ...process.env, EPOCH_MS: '400' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Successive halving: trials 0-3 at budget 1, 4-5 promoted to 2, 6 promoted to 4 (epochs 3 and 4). Kill during trial 6.
    const first = runSearch(7);
    const log6 = join(dir, 'trial-logs', 'trial-000006.log');
    let reached = false;
    for (let i = 0; i < 300 && !reached; i++) {
      await sleep(100);
      reached = existsSync(log6) && /"epoch":3/.test(readFileSync(log6, 'utf8'));
    }
    expect(reached, 'trial 6 reached epoch 3').to.equal(true);
    first.kill('SIGKILL');
    // The machine died: its command too.
    const trial6 = JSON.parse(readFileSync(join(dir, 'trial-logs', 'trial-000006.json'), 'utf8')) as { checkpointDir: string };
    const pid = Number(readFileSync(join(trial6.checkpointDir, 'pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    await sleep(200);
    const epochAtKill = (JSON.parse(readFileSync(join(trial6.checkpointDir, 'state.json'), 'utf8')) as { epoch: number }).epoch;
    expect(epochAtKill).to.equal(3);

    const second = runSearch(7);
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((r) => second.on('close', r));
    expect(code).to.equal(0);
    const trials = JSON.parse(output.trim().split('\n').at(-1) as string) as { id: number; status: string; budget: number; attributes: { resumedFrom: number; epochs: { epoch: number }[]; env: { attempt: string } } }[];
    // Nothing lost or run twice: the same seven trials, the first six from the first run.
    expect(trials.map((t) => [t.id, t.status, t.budget])).to.deep.equal([0, 1, 2, 3, 4, 5, 6].map((id) => [id, 'ok', id < 4 ? 1 : id < 6 ? 2 : 4]));
    expect(trials.slice(0, 6).every((t) => t.attributes.env.attempt === '1')).to.equal(true);
    // Attempt 2 of trial 6 found epoch 3 in the checkpoint and trained epoch 4 only.
    expect(trials[6].attributes.env.attempt).to.equal('2');
    expect(trials[6].attributes.resumedFrom).to.equal(3);
    expect(trials[6].attributes.epochs.map((e) => e.epoch)).to.deep.equal([4]);
    const log = readFileSync(log6, 'utf8');
    expect(log).to.match(/attempt 1[\s\S]*attempt 2/);
  });

  it('the tiny protocol examples (Node, shell + Python) run as trials', async () => {
    for (const command of [`"${process.execPath}" examples/command-trials/tiny-trainer.mjs`, 'sh examples/command-trials/tiny-trainer.sh']) {
      const dir = scratch();
      dirs.push(dir);
      const result = await optimize({
        space, objectives: [{ name: 'loss', direction: 'minimize' }, { name: 'size', direction: 'minimize' }],
        fidelity: { min: 1, max: 2, eta: 2 }, scheduler: 'sh', proposer: 'random', seed: 2, storage: dir, stop: { trials: 3 },
        evaluate: commandObjective({ command }),
      });
      for (const trial of result.trials) {
        expect(trial.status, `${command}: ${trial.error}`).to.equal('ok');
        const { x0, x1 } = trial.config as { x0: number; x1: number };
        expect(trial.values.loss).to.be.closeTo(x0 * x0 + x1 * x1 + 1 / trial.budget, 1e-9);
        expect(trial.values.size).to.equal(2);
      }
    }
  });

  it('checks its options, and reads protocol lines strictly', () => {
    expect(() => commandObjective({ command: '' })).to.throw(/"command" must be a non-empty string/);
    expect(() => commandObjective({ command: 'x', timeout: -1 })).to.throw(/"timeout" must be a positive number/);
    expect(parseProtocolLine('{"final":true,"values":{"error":0.5}}')).to.deep.equal({ final: { values: { error: 0.5 } } });
    expect(parseProtocolLine('{"epoch":2,"values":{"error":0.5},"lr":0.1}')).to.deep.equal({ epoch: { epoch: 2, values: { error: 0.5 }, lr: 0.1 } });
    expect(parseProtocolLine('{"final":true,"values":{"error":"x"}}')).to.equal('"values" must be an object of numbers');
    expect(parseProtocolLine('{"final":true}')).to.equal('a final line needs "values"');
    expect(parseProtocolLine('[1]')).to.equal('not a JSON object');
    expect(parseProtocolLine('{"values":{}}')).to.equal('a line needs "final": true or a numeric "epoch"');
    expect(parseProtocolLine('{"final":true,"values":{},"cost":{"gpu":1}}')).to.match(/"cost" must be/);
    expect(spawnSync(process.execPath, ['--version']).status).to.equal(0);
  });
});
