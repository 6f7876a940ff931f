import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { fairnessReport, rankByIdentity } from '../../lib/index.js';
import { PYTHON, torchMissingReason } from '../support/python.js';

const METRICS = resolve('examples/pytorch/frnas_metrics.py');

/** Clustered embeddings: `identities` people of `perIdentity` images, noise `noise[group]` per group. */
function embeddings(seed: number, identities: number, perIdentity: number, dim: number, noise: readonly number[]) {
  const rng = seedrandom(String(seed));
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const rows: number[][] = [];
  const ids: string[] = [];
  const groups: string[] = [];
  for (let p = 0; p < identities; p++) {
    const centre = Array.from({ length: dim }, gauss);
    const group = p % noise.length;
    for (let k = 0; k < perIdentity; k++) {
      rows.push(centre.map((c) => c + noise[group] * gauss()));
      ids.push(`person${p}`);
      groups.push(`g${group}`);
    }
  }
  return { rows, ids, groups };
}

describe('examples/pytorch: metrics equal lib/fairness on the same embeddings', function () {
  this.timeout(60_000);
  before(function () {
    const missing = torchMissingReason();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
  });

  const cases: [string, ReturnType<typeof embeddings>, [string, string] | undefined][] = [
    ['three groups, worst pair', embeddings(1, 60, 4, 16, [0.6, 1.0, 1.4]), undefined],
    ['two groups, a reference pair', embeddings(2, 50, 3, 8, [1.2, 0.9]), ['g1', 'g0']],
    ['a group with no error (safe quotient)', embeddings(3, 30, 3, 32, [0.01, 1.5]), undefined],
  ];
  for (const [name, data, referenceGroups] of cases) {
    it(name, () => {
      const run = spawnSync(PYTHON, [METRICS], { input: JSON.stringify({ embeddings: data.rows, identities: data.ids, groups: data.groups, referenceGroups }), encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      const python = JSON.parse(run.stdout) as { ranks: number[]; metrics: Record<string, number> };
      const ranks = rankByIdentity({ embeddings: data.rows, identities: data.ids });
      expect(python.ranks).to.deep.equal(ranks);
      expect(new Set(ranks).size, 'the ranks vary').to.be.above(2);
      const report = fairnessReport({ ranks, groups: data.groups, referenceGroups });
      const expected: Record<string, number> = {
        error: report.error, mean_rank: report.meanRank, disparity: report.disparity, rank_disparity: report.rankDisparity,
        ratio: report.ratio, rank_ratio: report.rankRatio, error_ratio: report.errorRatio,
      };
      for (const [key, value] of Object.entries(expected)) expect(python.metrics[key], key).to.be.closeTo(value, 1e-12);
      if (name.includes('no error')) expect(report.perGroup.g0.error).to.equal(0);
    });
  }
});
