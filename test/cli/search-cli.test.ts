import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontAtHighestBudget, JOURNAL_FILE, Study } from '../../lib/index.js';
import { repoRoot } from '../support/shared-data.js';
import { assertWellFormedXml } from '../support/xml.js';

const cli = join(repoRoot, 'lib', 'cli', 'main.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the CLI; with `killWhen`, sends `signal` once the predicate holds (checked every 100 ms). */
function runCli(args: string[], killWhen?: () => boolean, signal: NodeJS.Signals = 'SIGKILL'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env: { ...process.env, FRNAS_BACKEND: 'wasm' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let sent = false;
    const timer = killWhen
      ? setInterval(() => {
          if (!sent && killWhen()) {
            sent = true;
            child.kill(signal);
          }
        }, 100)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, output });
    });
  });
}

function journalEvents(dir: string): { type: string; trial?: number }[] {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))
    .map((l) => JSON.parse(l) as { type: string; trial?: number });
}

describe('frnas CLI: search, kill, resume, report', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'frnas-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const args = [
    'search',
    '--data', 'synthetic:identities=10,images=6',
    '--image-size', '16',
    '--batch-size', '32',
    '--min-epochs', '1', '--max-epochs', '2', '--eta', '2',
    '--trials', '5',
    '--promotion', 'hypervolume',
    '--proposer-data', 'all-budgets',
    '--seed', '7',
    '--no-default',
    '--out', dir,
  ];

  it('is killed mid-search, resumes to the end with every trial finished exactly once, and reports', async () => {
    const killed = await runCli(args, () => journalEvents(dir).filter((e) => e.type === 'result').length >= 2);
    expect(killed.signal, killed.output).to.equal('SIGKILL');
    const before = journalEvents(dir).filter((e) => e.type === 'result').length;
    expect(before).to.be.at.least(2);

    const resumed = await runCli(args);
    expect(resumed.code, resumed.output).to.equal(0);
    expect(resumed.output).to.match(/Done: 5 trials/);

    const results = journalEvents(dir).filter((e) => e.type === 'result');
    const ids = results.map((e) => e.trial);
    expect(new Set(ids).size, 'a trial was told twice').to.equal(ids.length);
    expect(ids).to.have.length(5);

    const report = await runCli(['report', dir]);
    expect(report.code, report.output).to.equal(0);
    const study = Study.open(dir);
    expect(study.promotion.name, 'the --promotion flag reaches the study').to.equal('hypervolume');
    const { front } = frontAtHighestBudget(study.trials(), study.objectives);
    study.close();
    expect(front.length).to.be.at.least(1);
    const csv = readFileSync(join(dir, 'report', 'front.csv'), 'utf8').trim().split('\n');
    expect(csv.length - 1, 'CSV rows = front size').to.equal(front.length);
    assertWellFormedXml(readFileSync(join(dir, 'report', 'front.svg'), 'utf8'), 'front.svg');
    assertWellFormedXml(readFileSync(join(dir, 'report', 'hypervolume.svg'), 'utf8'), 'hypervolume.svg');
    const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    assertWellFormedXml(html.slice(html.indexOf('<body>'), html.indexOf('</body>') + 7), 'report.html');
    expect(html).to.include('5 trials');
  });

  it('stops cleanly on Ctrl-C (SIGINT): running trials finish, the report is written, and the search resumes', async () => {
    const sigintDir = mkdtempSync(join(tmpdir(), 'frnas-cli-sigint-'));
    try {
      const sigintArgs = args.map((a) => (a === dir ? sigintDir : a));
      // Ctrl-C once the first trial is told: the handler is installed by then.
      const interrupted = await runCli(sigintArgs, () => journalEvents(sigintDir).filter((e) => e.type === 'result').length >= 1, 'SIGINT');
      expect(interrupted.code, interrupted.output).to.equal(0);
      expect(interrupted.output).to.match(/stopping after the running trials/);
      expect(interrupted.output).to.match(/Stopped: \d+ trials/);
      const told = journalEvents(sigintDir).filter((e) => e.type === 'result').length;
      expect(told).to.be.below(5);
      expect(existsSync(join(sigintDir, 'report', 'report.html'))).to.equal(true);

      const resumed = await runCli(sigintArgs);
      expect(resumed.code, resumed.output).to.equal(0);
      expect(resumed.output).to.match(/Done: 5 trials/);
      const ids = journalEvents(sigintDir).filter((e) => e.type === 'result').map((e) => e.trial);
      expect(new Set(ids).size).to.equal(5);
      expect(ids).to.have.length(5);
    } finally {
      rmSync(sigintDir, { recursive: true, force: true });
    }
  });

  it('names the bad option in one clear error', async () => {
    const bad = await runCli(['search', '--out', dir, '--objectives', 'error,fairness']);
    expect(bad.code).to.not.equal(0);
    expect(bad.output).to.match(/unknown objective "fairness"/);
    const misplaced = await runCli(['search', '--out', dir, '--proposer', 'nsga2', '--proposer-data', 'all-budgets']);
    expect(misplaced.code).to.not.equal(0);
    expect(misplaced.output).to.match(/proposerData \(--proposer-data\) applies to the model-based proposers 'rf' and 'tpe' only, got proposer 'nsga2'/);
    // The deprecated flag still reaches the same rule (and so the same refusal).
    const old = await runCli(['search', '--out', dir, '--proposer', 'nsga2', '--training-data', 'all-budgets']);
    expect(old.code).to.not.equal(0);
    expect(old.output).to.match(/proposerData \(--proposer-data\) applies to the model-based proposers/);
    const both = await runCli(['search', '--out', dir, '--proposer-data', 'all-budgets', '--training-data', 'highest-budget']);
    expect(both.code).to.not.equal(0);
    expect(both.output).to.match(/proposerData \('all-budgets'\) and its deprecated alias trainingData \('highest-budget'\) disagree/);
  });
});
