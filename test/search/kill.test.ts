import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Study, optimize, type StudyEvent, type Trial } from '../../lib/search/index.js';
import { KILL_SEARCH } from './fixtures/kill-child.js';
import { analytic } from './helpers/problems.js';
import { toySpace } from './helpers/toy-space.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'kill-child.ts');
const TRIALS = 80;
const KILLS = 20;

function startChild(dir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(TRIALS), '1', '3'], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function lineCount(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const text = fs.readFileSync(file, 'utf8');
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

const identity = (t: Trial): unknown[] => [t.id, t.configId, t.budget, t.bracket, t.rung, t.parentTrialId, t.status, t.values];

describe('search: kill test', function () {
  this.timeout(120_000);

  it(`a search SIGKILLed at ${KILLS} moments and resumed each time loses and duplicates no finished trial`, async () => {
    const reference = await optimize({
      ...KILL_SEARCH,
      space: toySpace(),
      stop: { trials: TRIALS },
      evaluate: (config, budget) => analytic(config, budget),
    });
    const expectedEvents = 1 + 2 * TRIALS; // header, then asked/promoted + result per trial (restarts add more)

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-kill-'));
    const journal = path.join(dir, 'journal.jsonl');
    let stderr = '';
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const child = startChild(dir);
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        // Kill moments spread over the whole search, a few ms after a line lands (mostly mid-evaluation).
        const target = Math.round(((kill + 1) * expectedEvents) / (KILLS + 1));
        while (lineCount(journal) < target && child.exitCode === null) await sleep(1);
        await sleep(kill % 4);
        child.kill('SIGKILL');
        await exited(child);
        const finishedBefore = new Set(
          fs.readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"type":"result"')).map((l) => (JSON.parse(l) as { trial: number }).trial),
        );
        // Every result on disk survives a resume.
        const resumed = Study.open(dir, { ...KILL_SEARCH, space: toySpace(), onWarning: () => undefined });
        const finishedAfter = new Set(resumed.trials().filter((t) => t.status !== 'running').map((t) => t.id));
        resumed.close();
        for (const id of finishedBefore) expect(finishedAfter.has(id), `kill ${kill}: trial ${id} lost`).to.equal(true);
      }
      const last = startChild(dir);
      last.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exited(last), stderr).to.equal(0);

      const events = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StudyEvent);
      const results = new Map<number, number>();
      for (const e of events) if (e.type === 'result') results.set(e.trial, (results.get(e.trial) ?? 0) + 1);
      expect([...results.keys()].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: TRIALS }, (_, i) => i));
      expect([...results.values()].every((n) => n === 1), 'a trial has two results').to.equal(true);
      const restarts = events.filter((e) => e.type === 'started').length;
      expect(restarts, 'kills should land while trials run').to.be.at.least(5);

      const final = Study.open(dir, { ...KILL_SEARCH, space: toySpace() });
      expect(final.trials().map(identity)).to.deep.equal(reference.trials.map(identity));
      expect(final.paretoFront().map((t) => t.id)).to.deep.equal(reference.paretoFront.map((t) => t.id));
      final.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
