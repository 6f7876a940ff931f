import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JournalStorage, LOCK_FILE } from '../../../lib/search/storage/journal.js';

const child = fileURLToPath(new URL('../fixtures/lock-child.ts', import.meta.url));
const RACERS = 6;
const ROUNDS = 8;
const GAP_MS = 50;

/** Starts RACERS processes that race for the lock of each dir at the same moments; resolves with each round's winners. */
async function race(dirs: string[]): Promise<{ winners: number[][]; losses: string[] }> {
  const racers = Array.from({ length: RACERS }, () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...dirs], { stdio: ['pipe', 'pipe', 'pipe'] });
    const state = { proc, out: '', exited: new Promise<number | null>((resolve) => proc.on('close', resolve)) };
    proc.stdout.on('data', (d) => (state.out += d));
    proc.stderr.on('data', (d) => (state.out += d));
    return state;
  });
  const waitFor = async (word: string): Promise<void> => {
    while (!racers.every((r) => r.out.includes(`${word}\n`))) {
      const crashed = racers.find((r) => r.proc.exitCode !== null);
      if (crashed) throw new Error(`racer exited ${crashed.proc.exitCode}: ${crashed.out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    // Every racer has loaded the journal module before the start is given; winners hold until all are done.
    await waitFor('ready');
    const startAt = Date.now() + 300;
    for (const r of racers) r.proc.stdin.write(`${startAt} ${GAP_MS}\n`);
    await waitFor('done');
  } finally {
    for (const r of racers) r.proc.stdin.end();
    await Promise.all(racers.map((r) => r.exited));
  }
  const winners = dirs.map(() => [] as number[]);
  const losses: string[] = [];
  racers.forEach(({ out }, racer) => {
    for (const line of out.split('\n').filter((l) => l !== '' && l !== 'ready' && l !== 'done')) {
      const match = /^round (\d+) (won|lost)(.*)$/.exec(line);
      if (!match) throw new Error(`racer ${racer}: ${line}`);
      if (match[2] === 'won') winners[Number(match[1])].push(racer);
      else losses.push(match[3].trim());
    }
  });
  return { winners, losses };
}

describe('journal lock: processes started at once on one folder', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-lock-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('exactly one process takes a free lock; the others are told who holds it', async () => {
    const dirs = Array.from({ length: ROUNDS }, (_, i) => path.join(root, `free-${i}`));
    const { winners, losses } = await race(dirs);
    expect(winners.map((w) => w.length)).to.deep.equal(Array(ROUNDS).fill(1));
    expect(losses).to.have.length(ROUNDS * (RACERS - 1));
    for (const loss of losses) expect(loss).to.match(/is in use by process \d+/);
  });

  it('exactly one process takes over a stale lock (its holder is dead)', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    const dirs = Array.from({ length: ROUNDS }, (_, i) => path.join(root, `stale-${i}`));
    for (const dir of dirs) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${dead}\n`);
    }
    const { winners } = await race(dirs);
    expect(winners.map((w) => w.length)).to.deep.equal(Array(ROUNDS).fill(1));
    for (const dir of dirs) expect(fs.readdirSync(dir)).to.deep.equal([LOCK_FILE]);
  });

  it('close() releases only its own lock', () => {
    const dir = path.join(root, 'own');
    const journal = new JournalStorage(dir);
    journal.read();
    const lock = path.join(dir, LOCK_FILE);
    expect(fs.readFileSync(lock, 'utf8').trim()).to.equal(String(process.pid));
    // Another process took the lock over meanwhile (this one was thought dead): closing must leave it alone.
    fs.writeFileSync(lock, `${process.ppid}\n`);
    journal.close();
    expect(fs.readFileSync(lock, 'utf8').trim()).to.equal(String(process.ppid));
  });
});
