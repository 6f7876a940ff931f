import { expect } from 'chai';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStudySnapshot } from '../../lib/results/index.js';
import { JOURNAL_FILE, LOCK_FILE } from '../../lib/search/storage/journal.js';
import { runFrnas } from '../support/cli.js';
import { startWriter, writeSyntheticStudy } from './synthetic-study.js';

describe('results: reading a study while a search writes it', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-live-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('takes no lock, never fails, and sees the trial count grow to the end', async () => {
    const dir = tempDir();
    const writer = startWriter(dir, 40, 60);
    let exited = false;
    void writer.done.then(() => (exited = true));
    const counts: number[] = [];
    let lockHolders = new Set<string>();
    while (!exited) {
      if (existsSync(join(dir, JOURNAL_FILE)) && readFileSync(join(dir, JOURNAL_FILE)).length > 0) {
        const snapshot = readStudySnapshot(dir);
        counts.push(snapshot.finishOrder.length);
        if (existsSync(join(dir, LOCK_FILE))) lockHolders = new Set([...lockHolders, readFileSync(join(dir, LOCK_FILE), 'utf8').trim()]);
      }
      await sleep(15);
    }
    expect(await writer.done).to.equal(0);
    // The lock was only ever the writer's, and every read saw a prefix of the search.
    expect([...lockHolders]).to.deep.equal([String(writer.child.pid)]);
    expect(counts.length).to.be.greaterThan(10);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).to.be.at.least(counts[i - 1]);
    expect(new Set(counts).size, 'several intermediate states were seen').to.be.greaterThan(5);
    const final = readStudySnapshot(dir);
    expect(final.finishOrder).to.have.length(40);
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
  });

  it('leaves out a half-written last line without an error and without touching the file', async () => {
    const dir = tempDir();
    const trials = await writeSyntheticStudy(dir, { trials: 12 });
    const journal = join(dir, JOURNAL_FILE);
    appendFileSync(journal, '{"type":"result","trial":12,"status":"o');
    const before = readFileSync(journal);
    const snapshot = readStudySnapshot(dir);
    expect(snapshot.trials.map((t) => [t.id, t.status])).to.deep.equal(trials.map((t) => [t.id, t.status]));
    expect(readFileSync(journal).equals(before), 'the journal is unchanged').to.equal(true);
    expect(existsSync(join(dir, LOCK_FILE))).to.equal(false);
  });

  it('frnas report and frnas export work on a running search', async () => {
    const dir = tempDir();
    const writer = startWriter(dir, 3000, 40);
    try {
      while (!existsSync(join(dir, JOURNAL_FILE)) || readStudySnapshot(dir).finishOrder.length < 15) await sleep(50);
      const report = runFrnas(['report', dir]);
      expect(report.code, report.output).to.equal(0);
      expect(report.output).to.match(/Pareto front of \d+ at budget/);
      expect(existsSync(join(dir, 'report', 'report.html'))).to.equal(true);
      const exported = runFrnas(['export', dir, '--format', 'json']);
      expect(exported.code, exported.output).to.equal(0);
      const rows = JSON.parse(exported.output) as unknown[];
      expect(rows.length).to.be.at.least(15);
      // The search was still running throughout (its lock held, its process alive).
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).to.equal(String(writer.child.pid));
      expect(writer.child.exitCode).to.equal(null);
    } finally {
      writer.child.kill('SIGKILL');
      await writer.done;
    }
  });
});
