// How much more training seeds can narrow a paired rank-disparity interval on a fixed evaluation set
// (docs/benchmarks.md, "Real faces"). The paired identity bootstrap of (model − default) averaged over n seeds has a
// variance that behaves as  people + training / n:  the first part is which people were evaluated (no number of seeds
// removes it), the second one training run's luck. This splits the measured seeds into disjoint blocks of n, reads each
// block's 95 % interval, fits the two parts by least squares, and prints the floor the interval cannot go below.
// Usage: npx tsx benchmarks/lfw-seed-power.ts <retrain folder of lfw-pytorch-study.ts> [--model 424-CosFace-Adam-lr0.00183]
//          [--metric rankDisparity|error]
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pairedBootstrapMeanDifference } from '../lib/fairness/index.js';
import { readRankingFile, signed } from './paired.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string', default: '424-CosFace-Adam-lr0.00183' }, metric: { type: 'string', default: 'rankDisparity' } },
});
const folder = positionals[0];
if (!folder) {
  console.error('usage: npx tsx benchmarks/lfw-seed-power.ts <retrain folder> [--model NAME] [--metric rankDisparity|error]');
  process.exit(2);
}
const metric = args.metric as 'rankDisparity' | 'error';
if (metric !== 'rankDisparity' && metric !== 'error') throw new Error(`--metric must be rankDisparity or error, got ${args.metric}`);
const seedsOf = (model: string): number[] => {
  const dir = join(folder, model);
  if (!existsSync(dir)) throw new Error(`${dir}: no such model folder (expected <retrain>/<model>/seed-<n>/ranking.json)`);
  return readdirSync(dir).map((d) => /^seed-(\d+)$/.exec(d)).filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'ranking.json'))).map((m) => Number(m[1]));
};
const defaultSeeds = new Set(seedsOf('default'));
const seeds = seedsOf(args.model as string).filter((s) => defaultSeeds.has(s)).sort((a, b) => a - b);
if (seeds.length < 2) throw new Error(`${args.model} and default share ${seeds.length} seed(s); at least 2 are needed`);
const ranking = (model: string, seed: number) => readRankingFile(join(folder, model, `seed-${seed}`, 'ranking.json'));
const pairs = new Map(seeds.map((s) => [s, { a: ranking(args.model as string, s), b: ranking('default', s) }]));
const z = 1.959964;

interface Row { n: number; blocks: number; variance: number; halfWidth: number; estimates: number[] }
const rows: Row[] = [];
for (let n = 1; n <= seeds.length; n++) {
  const blocks = Math.floor(seeds.length / n);
  if (n > 1 && blocks === rows[rows.length - 1].blocks && n !== seeds.length) continue; // same blocks, nothing new
  let variance = 0;
  const estimates: number[] = [];
  for (let k = 0; k < blocks; k++) {
    const block = seeds.slice(k * n, (k + 1) * n).map((s) => pairs.get(s)!);
    const { groups, identities } = block[0].a;
    const interval = pairedBootstrapMeanDifference({ pairs: block.map((p) => ({ a: p.a.ranks, b: p.b.ranks })), groups, identities, seed: seeds[k * n] }).metrics[metric];
    variance += ((interval.upper - interval.lower) / (2 * z)) ** 2 / blocks;
    estimates.push(interval.estimate);
  }
  rows.push({ n, blocks, variance, halfWidth: z * Math.sqrt(variance), estimates });
}
// Least squares of variance = people + training / n, each n weighted by its number of blocks.
let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
for (const r of rows) {
  const x = 1 / r.n;
  sw += r.blocks; sx += r.blocks * x; sy += r.blocks * r.variance; sxx += r.blocks * x * x; sxy += r.blocks * x * r.variance;
}
const training = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
const people = (sy - training * sx) / sw;
const all = rows[rows.length - 1];
console.log(`${args.model} − default, ${metric}, seeds ${seeds.join(',')}: mean difference over all ${seeds.length} seeds ${signed(all.estimates[0])}`);
console.log('| seeds per block | blocks | mean 95 % half-width | block estimates |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.n} | ${r.blocks} | ${r.halfWidth.toFixed(3)} | ${r.estimates.map(signed).join(', ')} |`);
console.log(`fit: variance ≈ ${people.toFixed(4)} (people) + ${training.toFixed(4)} / seeds (training); 95 % half-width at 3 / 12 / ∞ seeds: ` +
  [3, 12, Infinity].map((n) => (z * Math.sqrt(Math.max(0, people + training / n))).toFixed(3)).join(' / '));
