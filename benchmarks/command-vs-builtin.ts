// Summarises two `frnas search` study folders of the same search (one trained by the built-in trainer, one by a
// --command trainer): trials, epochs trained, training images/s, and the hypervolume of the front at the highest
// budget over time (cumulative trial seconds: one worker runs trials one after the other), against one reference
// point for both (error 1, the largest rank disparity either study saw).
//
//   npx tsx benchmarks/command-vs-builtin.ts <builtin-study> <command-study> [--training-images 4129]
import { frontAtHighestBudget, hypervolume, Study, type Trial } from '../lib/index.js';

const [builtinDir, commandDir] = process.argv.slice(2, 4);
const trainingImages = Number(process.argv[process.argv.indexOf('--training-images') + 1] || 4129);
const read = (dir: string): { trials: Trial[]; study: Study } => {
  const study = Study.open(dir, { readOnly: true });
  return { trials: study.trials(), study };
};
const runs = [['built-in (tfjs-wasm)', read(builtinDir)], ['PyTorch command', read(commandDir)]] as const;
const objectives = runs[0][1].study.objectives;
const all = runs.flatMap(([, r]) => r.trials.filter((t) => t.status === 'ok'));
const reference = objectives.map((o) => (o.name === 'error' ? 1 : Math.max(...all.map((t) => t.values[o.name])) * 1.1));
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2 : NaN;
};

console.log(`reference point ${JSON.stringify(reference)} (${objectives.map((o) => o.name).join(', ')})`);
console.log('run | trials (ok) | epochs trained | trial seconds | train images/s (median over trials) | front at budget | HV at 2 / 4 / 6 / 8 min / end');
for (const [name, { trials }] of runs) {
  const ok = trials.filter((t) => t.status === 'ok');
  const epochs = ok.reduce((s, t) => s + (t.cost.budget ?? 0), 0);
  const seconds = trials.reduce((s, t) => s + (t.cost.seconds ?? 0), 0);
  const rates = ok.map((t) => {
    const a = t.attributes as Record<string, number | undefined>;
    if (typeof a.images_per_second === 'number') return a.images_per_second;
    return typeof a.secondsPerEpoch === 'number' && a.secondsPerEpoch > 0 ? trainingImages / a.secondsPerEpoch : NaN;
  }).filter((r) => Number.isFinite(r));
  let clock = 0;
  const finishedAt = trials.map((t) => (clock += t.cost.seconds ?? 0));
  const hvAt = (limit: number): string => {
    const done = trials.filter((_, i) => finishedAt[i] <= limit);
    const { front, budget } = frontAtHighestBudget(done, objectives);
    if (front.length === 0) return '-';
    return `${hypervolume(front.map((t) => objectives.map((o) => t.values[o.name])), reference).toFixed(4)}@${budget}`;
  };
  const { front, budget } = frontAtHighestBudget(trials, objectives);
  console.log(`${name} | ${trials.length} (${ok.length}) | ${epochs} | ${seconds.toFixed(0)} | ${median(rates).toFixed(1)} | ${front.length} at ${budget} | ${[120, 240, 360, 480, Infinity].map(hvAt).join(' / ')}`);
}
for (const [, r] of runs) r.study.close();
