import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runFrnas } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';

const TRAINER = resolve('test/fixtures/command-trials/trainer.mjs');

describe('frnas search --command', function () {
  this.timeout(120_000);
  const base = mkdtempSync(join(tmpdir(), 'frnas-search-command-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const space = join(base, 'xy.json');
  writeFileSync(space, JSON.stringify({ name: 'xy', hyperparameters: { x0: { type: 'float', lower: 0, upper: 1, default: 0.5 }, x1: { type: 'float', lower: 0, upper: 1, default: 0.5 } } }));
  const command = `"${process.execPath}" "${TRAINER}" ok`;

  it('searches with the command as the trainer (its own objectives), evaluates the default with it, reports, and resumes with the same command only', () => {
    const out = join(base, 'study');
    const args = ['search', '--command', command, '--space', space, '--objectives', 'f1,f2', '--min-epochs', '1', '--max-epochs', '2', '--out', out];
    const first = runFrnas([...args, '--trials', '4']);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/Done: 4 trials \(0 failed\); Pareto front of \d+ at 2 epochs/);
    expect(first.output).to.match(/default: f1=0\.8333 f2=1\.3333/);
    expect(existsSync(join(out, 'report', 'report.html'))).to.equal(true);
    expect(readFileSync(join(out, 'trial-logs', 'trial-000000.log'), 'utf8')).to.contain('plain output goes to the log');
    expect(readFileSync(join(out, 'trial-logs', 'default.log'), 'utf8')).to.contain('budget 2 (previous 0)');
    // Resumed with the recorded command, objectives and fidelity (none repeated): more trials.
    const resumed = runFrnas(['search', '--space', space, '--out', out, '--trials', '6']);
    expect(resumed.code, resumed.output).to.equal(0);
    expect(resumed.output).to.match(/Done: 6 trials \(0 failed\)/);
    const other = runFrnas(['search', '--command', `${command} --other`, '--space', space, '--out', out, '--trials', '7']);
    expect(other.code).to.not.equal(0);
    expect(other.output).to.match(/created with other settings[\s\S]*command: recorded .*trainer\.mjs.* ok", now .* ok --other"/);
  });

  it('--max-params: trials over the limit are kept as infeasible, never on the front; the limit is recorded and kept on resume', () => {
    const out = join(base, 'max-params');
    // The stand-in trainer reports x1 million parameters: x1 > 0.5 is infeasible under --max-params 500000.
    const args = ['search', '--command', command, '--space', space, '--objectives', 'f1,f2', '--min-epochs', '1', '--max-epochs', '2', '--no-default', '--out', out];
    const first = runFrnas([...args, '--max-params', '500000', '--trials', '8']);
    expect(first.code, first.output).to.equal(0);
    const resumed = runFrnas(['search', '--space', space, '--out', out, '--trials', '12', '--no-default']);
    expect(resumed.code, resumed.output).to.equal(0);
    const records = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect((records[0].settings as Record<string, unknown>).maxParameters).to.equal(500000);
    const results = records.filter((r) => r.type === 'result' && r.status === 'ok') as { trial: number; attributes: { constraints: number[]; trainable_parameters: number } }[];
    expect(results.length).to.be.at.least(12);
    for (const r of results) expect(r.attributes.constraints, `trial ${r.trial}`).to.deep.equal([r.attributes.trainable_parameters - 500000]);
    const infeasible = new Set(results.filter((r) => r.attributes.constraints[0] > 0).map((r) => r.trial));
    expect(infeasible.size, 'some trials must be infeasible for the test to mean anything').to.be.greaterThan(0);
    const front = readFileSync(join(out, 'report', 'front.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    expect(front.length).to.be.greaterThan(0);
    for (const id of front) expect(infeasible.has(id), `trial ${id} is infeasible but on the front`).to.equal(false);
    const other = runFrnas([...args, '--max-params', '600000', '--trials', '13']);
    expect(other.code).to.not.equal(0);
    expect(other.output).to.match(/maxParameters/);
  });

  it('--warm-start gives a command search the earlier study\'s results (added, not run again)', () => {
    const earlier = join(base, 'warm-source');
    const args = ['--command', command, '--space', space, '--objectives', 'f1,f2', '--min-epochs', '1', '--max-epochs', '2', '--no-default'];
    expect(runFrnas(['search', ...args, '--trials', '4', '--out', earlier]).code).to.equal(0);
    const out = join(base, 'warm');
    const r = runFrnas(['search', ...args, '--trials', '2', '--warm-start', earlier, '--out', out]);
    expect(r.code, r.output).to.equal(0);
    const okEarlier = readFileSync(join(earlier, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"result"') && l.includes('"status":"ok"')).length;
    expect(r.output).to.contain(`Warm start: ${okEarlier} earlier results added`);
    const events = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === 'added')).to.have.length(okEarlier);
  });

  it('a command study created with --proposer-data resumes without repeating it (the header supplies it)', () => {
    const out = join(base, 'proposer-data');
    const first = runFrnas(['search', '--command', command, '--space', space, '--objectives', 'f1,f2', '--min-epochs', '1', '--max-epochs', '2', '--no-default', '--proposer-data', 'all-budgets', '--trials', '2', '--out', out]);
    expect(first.code, first.output).to.equal(0);
    const resumed = runFrnas(['search', '--space', space, '--no-default', '--trials', '3', '--out', out]);
    expect(resumed.code, resumed.output).to.equal(0);
    expect(resumed.output).to.match(/Done: 3 trials \(0 failed\)/);
  });

  it('--max-params with a trainer that reports no parameter count fails those trials with the reason', () => {
    const out = join(base, 'max-params-missing');
    const r = runFrnas(['search', '--command', `"${process.execPath}" "${TRAINER}" no-params`, '--space', space, '--objectives', 'f1,f2', '--min-epochs', '1', '--max-epochs', '2', '--no-default', '--max-params', '10', '--trials', '2', '--max-consecutive-failures', '0', '--out', out]);
    expect(r.code, r.output).to.equal(0);
    const failed = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; error?: string }).filter((x) => x.type === 'result');
    expect(failed.length).to.equal(2);
    for (const f of failed) expect(f.error ?? '').to.match(/--max-params needs the trainer to report its trainable parameter count/);
  });

  it('refuses the built-in trainer\'s data and training flags with a command, and unknown objectives without one', () => {
    const withData = runFrnas(['search', '--command', command, '--space', space, '--objectives', 'f1,f2', '--data', 'synthetic', '--batch-size', '8', '--out', join(base, 'x')]);
    expect(withData.code).to.not.equal(0);
    expect(withData.output).to.match(/search with a command: data, batchSize belong to the built-in trainer/);
    const noCommand = runFrnas(['search', '--objectives', 'f1,f2', '--out', join(base, 'y')]);
    expect(noCommand.code).to.not.equal(0);
    expect(noCommand.output).to.match(/unknown objective "f1"/);
  });

  for (const mode of ['ignore-term', 'term-slow']) it(`a second Ctrl-C quits now and stops the running command (SIGTERM, then SIGKILL); the trial is left to be run again on resume (a command that ${mode === 'ignore-term' ? 'ignores SIGTERM' : 'exits on SIGTERM'})`, async () => {
    const out = join(base, `quit-${mode}`);
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'lib', 'cli', 'main.ts'), 'search', '--command', `"${process.execPath}" "${TRAINER}" ${mode}`,
      '--space', space, '--objectives', 'f1,f2', '--trials', '2', '--no-default', '--out', out], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const pidFile = join(out, 'checkpoints', 'trial-000000', 'pid');
    for (let i = 0; i < 300 && !existsSync(pidFile); i++) await sleep(100);
    await sleep(300);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    child.kill('SIGINT');
    await sleep(300);
    child.kill('SIGINT');
    expect(await closed).to.equal(130);
    expect(output).to.contain('quitting now');
    // Gone, or a zombie waiting for a reaper (a container's init may not reap orphans).
    const running = (): boolean => existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    for (let i = 0; i < 20 && running(); i++) await sleep(100);
    expect(running(), 'the command is gone').to.equal(false);
    const log = readFileSync(join(out, 'trial-logs', 'trial-000000.log'), 'utf8');
    expect(log).to.contain('got SIGTERM');
    // Not told: the journal has no result for trial 0, so a resume runs it again.
    expect(readFileSync(join(out, 'journal.jsonl'), 'utf8')).to.not.match(/"type":"result"/);
  });
});
