// Paired comparison of retrained models with the default cell on the same evaluation images (docs/benchmarks.md,
// "Real faces"): for every model of a retrain folder, the paired identity-bootstrap interval of (model − default) in
// error and rank disparity (one bootstrap of the difference averaged over the seeds both have), and the verdict. Needs runs written with
// per-image ranks (result.json test.ranking).
// Usage: npx tsx benchmarks/lfw-paired.ts <retrain folder | label[@seed]=ranking.json>...
//   A ranking.json (the PyTorch command trainer writes one beside each checkpoint) joins as model `label`, seed `seed`
//   (default 1); the default cell must be labelled `default`.
import { fairnessReport } from '../lib/fairness/index.js';
import { findRunFolders, readRunResult } from '../lib/posthoc/index.js';
import { pairedAgainstDefault, type PairedRun } from '../lib/workflows/index.js';
import { differenceCell, readRankingFile, side } from './paired.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npx tsx benchmarks/lfw-paired.ts <retrain folder | label[@seed]=ranking.json>...');
  process.exit(2);
}
/** One run as this table reads it: its seed, its test figures and (for the paired columns) its per-image ranks. */
type Run = PairedRun & { error: number; rankDisparity: number };
const byModel = new Map<string, Run[]>();
const add = (model: string, run: Run): void => void byModel.set(model, [...(byModel.get(model) ?? []), run]);
for (const dir of dirs) {
  const labelled = /^([^=@]+)(?:@(\d+))?=(.+\.json)$/.exec(dir);
  if (labelled) {
    const ranking = readRankingFile(labelled[3]);
    const report = fairnessReport({ ranks: ranking.ranks, groups: ranking.groups });
    add(labelled[1], { seed: Number(labelled[2] ?? 1), test: { ranking }, error: report.error, rankDisparity: report.rankDisparity });
    continue;
  }
  for (const run of findRunFolders(dir)) {
    const result = readRunResult(run);
    if (result) add(result.model, { seed: result.seed, test: result.test, error: result.test.metrics.error, rankDisparity: result.test.metrics.rankDisparity });
  }
}
const defaults = byModel.get('default');
if (!defaults) {
  console.error('no finished run of the default configuration (model "default") in the given folders');
  process.exit(1);
}
const mean = (runs: Run[], pick: (r: Run) => number): string => (runs.reduce((s, r) => s + pick(r), 0) / runs.length).toFixed(3);
// Per objective: better / worse beyond the noise, or noise (the pair verdict says 'within noise' as soon as one is).
console.log('| model | seeds | error | rank disparity | paired Δ error vs default | paired Δ rank disparity | verdict (error / rank disparity) |');
console.log('|---|---|---|---|---|---|---|');
for (const [model, runs] of [...byModel].sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))) {
  const paired = model === 'default' ? undefined : pairedAgainstDefault(runs, defaults);
  const pairedCells = paired ? `${differenceCell(paired.error)} | ${differenceCell(paired.rankDisparity)} | ${paired.verdict}: ${side(paired.error)} / ${side(paired.rankDisparity)} (${paired.seeds} seed${paired.seeds === 1 ? '' : 's'})` : model === 'default' ? '— | — | (the default)' : '— | — | no per-image ranks';
  console.log(`| ${model} | ${runs.map((r) => r.seed).join(',')} | ${mean(runs, (r) => r.error)} | ${mean(runs, (r) => r.rankDisparity)} | ${pairedCells} |`);
}
console.log('\nPaired identity bootstrap (1000 resamples, 95 %; the bootstrap seed is the smallest paired run seed) of model − default on the same images, averaged over the seeds both have; "dominates" = both intervals below 0.');
