import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFrnas } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';
import { writeSyntheticStudy } from '../results/synthetic-study.js';

describe('frnas CLI: export and dashboard', function () {
  this.timeout(120_000);
  let dir = '';
  let trials = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-results-cli-'));
    trials = (await writeSyntheticStudy(dir, { trials: 20 })).length;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('frnas export --format csv --out writes one row per trial; a bad format is a usage error', () => {
    const out = join(dir, 'trials.csv');
    const r = runFrnas(['export', dir, '--format', 'csv', '--out', out]);
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.include(`Wrote ${trials} trials to ${out}`);
    expect(readFileSync(out, 'utf8').split('\n')[0]).to.match(/^trial,config_id,status,budget,/);
    const bad = runFrnas(['export', dir, '--format', 'xlsx']);
    expect(bad.code).to.equal(2);
    expect(bad.output).to.include('xlsx');
  });

  it('frnas dashboard serves the study on the printed URL and stops on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'lib', 'cli', 'main.ts'), 'dashboard', dir, '--port', '0'], { cwd: repoRoot });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          const found = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
          if (found) resolve(found[1]);
        });
        child.on('exit', () => reject(new Error(`exited before printing its URL: ${text}`)));
      });
      const studies = (await (await fetch(`${url}api/studies`)).json()) as { directory: string }[];
      expect(studies.map((s) => s.directory)).to.deep.equal([dir]);
      const summary = (await (await fetch(`${url}api/studies/0/summary`)).json()) as { counts: { total: number } };
      expect(summary.counts.total).to.equal(trials);
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
