// The real-face benchmark helpers that decide which people are evaluated and how far seeds can narrow an interval:
// driven as a user runs them (npx tsx), on small folders made here.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fairnessReport } from '../../lib/index.js';

const tsx = (script: string, args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

describe('benchmarks/lfw-heldout-split.ts', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-split-'));
    // 12 people per group: image counts 1..6 cycling, one person with 40 (above the cap).
    const rows = ['identity,perceived_sex,n_images,label_source'];
    for (const sex of ['F', 'M']) for (let i = 0; i < 12; i++) rows.push(`${sex}_person_${i},${sex},${i === 11 ? 40 : (i % 6) + 1},test`);
    mkdirSync(join(dir, 'data', 'images'), { recursive: true });
    writeFileSync(join(dir, 'data', 'attributes.csv'), rows.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const read = (file: string): string[][] => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

  it('holds out per-group people with 2 to max images, disjoint from training, the same on every run', () => {
    const split = (out: string) => tsx('benchmarks/lfw-heldout-split.ts', ['--data', join(dir, 'data'), '--out', join(dir, out), '--per-group', '4', '--max-images', '5']);
    const first = split('a');
    expect(first.status, first.stderr).to.equal(0);
    const evaluation = read(join(dir, 'a', 'eval', 'attributes.csv'));
    const training = read(join(dir, 'a', 'train', 'attributes.csv'));
    expect(evaluation.filter((r) => r[1] === 'F')).to.have.length(4);
    expect(evaluation.filter((r) => r[1] === 'M')).to.have.length(4);
    for (const r of evaluation) expect(Number(r[2])).to.be.within(2, 5);
    expect(training).to.have.length(24 - 8);
    expect(new Set([...training, ...evaluation].map((r) => r[0])).size).to.equal(24);
    expect(lstatSync(join(dir, 'a', 'eval', 'images')).isSymbolicLink()).to.equal(true);
    expect(split('b').status).to.equal(0);
    expect(readFileSync(join(dir, 'b', 'eval', 'attributes.csv'), 'utf8')).to.equal(readFileSync(join(dir, 'a', 'eval', 'attributes.csv'), 'utf8'));
  });

  it('refuses a group with too few candidates, naming the file and the group', () => {
    const run = tsx('benchmarks/lfw-heldout-split.ts', ['--data', join(dir, 'data'), '--out', join(dir, 'c'), '--per-group', '11', '--max-images', '5']);
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/attributes\.csv: group F has \d+ people with 2 to 5 images, fewer than --per-group 11/);
  });
});

describe('benchmarks/lfw-seed-power.ts', function () {
  this.timeout(60_000);
  let dir = '';
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every shared seed, reports the mean difference over them and fits the people and training parts', () => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-power-'));
    const identities = Array.from({ length: 40 }, (_, i) => Math.floor(i / 2));
    const groups = identities.map((id) => (id % 2 === 0 ? 'F' : 'M'));
    const ranksOf = (model: string, seed: number): number[] => identities.map((id, i) => (model === 'default' ? (id * 3 + i + seed) % 7 : (id + i * seed) % 4));
    const seeds = [0, 1, 2, 3];
    for (const model of ['m', 'default']) for (const seed of [...seeds, ...(model === 'default' ? [9] : [])]) {
      mkdirSync(join(dir, model, `seed-${seed}`), { recursive: true });
      writeFileSync(join(dir, model, `seed-${seed}`, 'ranking.json'), JSON.stringify({ ranks: ranksOf(model, seed), identities, groups }));
    }
    const run = tsx('benchmarks/lfw-seed-power.ts', [dir, '--model', 'm']);
    expect(run.status, run.stderr).to.equal(0);
    // Seed 9 has no model run, so it is not paired.
    expect(run.stdout).to.include('seeds 0,1,2,3:');
    const expected = seeds.reduce((s, seed) => s + fairnessReport({ ranks: ranksOf('m', seed), groups }).rankDisparity - fairnessReport({ ranks: ranksOf('default', seed), groups }).rankDisparity, 0) / seeds.length;
    const printed = Number(/mean difference over all 4 seeds ([−+]?[\d.]+)/.exec(run.stdout)![1].replace('−', '-').replace('+', ''));
    expect(printed).to.be.closeTo(expected, 5e-4);
    expect(run.stdout).to.match(/\| 1 \| 4 \|/);
    expect(run.stdout).to.match(/fit: variance ≈ -?[\d.]+ \(people\) \+ -?[\d.]+ \/ seeds/);
  });
});
