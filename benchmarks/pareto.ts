// Timings of the Pareto and fairness kernels: npx tsx benchmarks/pareto.ts
// Each figure is the median of several runs after one warm-up run; machines are shared, so expect noise.
import seedrandom from 'seedrandom';
import { hypervolume, hypervolumeContributions, nonDominatedSort } from '../lib/pareto/index.js';
import { rankByIdentity } from '../lib/fairness/index.js';

const rng = seedrandom('frnas-pareto-benchmark');

function medianMilliseconds(runs: number, task: () => unknown): number {
  task();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    task();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Points on the positive octant of the unit sphere: all mutually non-dominated, the hard case. */
function pointsOnSphere(count: number): number[][] {
  return Array.from({ length: count }, () => {
    const v = [Math.abs(gaussian()), Math.abs(gaussian()), Math.abs(gaussian())];
    const norm = Math.hypot(v[0], v[1], v[2]);
    return v.map((x) => x / norm);
  });
}

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

const uniform = (count: number, d: number): number[][] => Array.from({ length: count }, () => Array.from({ length: d }, () => rng()));

const report: Record<string, string> = {};
const sphere = pointsOnSphere(10_000);
report['hypervolume 3-D, 10,000 points on a sphere'] = `${medianMilliseconds(7, () => hypervolume(sphere, [1, 1, 1])).toFixed(1)} ms`;
const uniform2 = uniform(10_000, 2);
const uniform3 = uniform(10_000, 3);
report['nonDominatedSort 2-D, 10,000 uniform points'] = `${medianMilliseconds(7, () => nonDominatedSort(uniform2)).toFixed(1)} ms`;
report['nonDominatedSort 3-D, 10,000 uniform points'] = `${medianMilliseconds(7, () => nonDominatedSort(uniform3)).toFixed(1)} ms`;
report['nonDominatedSort 3-D, 10,000 points on a sphere (one front)'] = `${medianMilliseconds(3, () => nonDominatedSort(sphere)).toFixed(1)} ms`;
const sphere1000 = sphere.slice(0, 1_000);
report['hypervolumeContributions 3-D, 1,000 points on a sphere'] = `${medianMilliseconds(3, () => hypervolumeContributions(sphere1000, [1, 1, 1])).toFixed(0)} ms`;
const sphere4 = Array.from({ length: 300 }, () => {
  const v = [0, 0, 0, 0].map(() => Math.abs(gaussian()));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
});
report['hypervolume 4-D, 300 points on a sphere (WFG)'] = `${medianMilliseconds(3, () => hypervolume(sphere4, [1, 1, 1, 1])).toFixed(1)} ms`;

// 5,000 images of 500 identities, 128-d: identity centre plus noise, flat Float32Array as a tensor gives it.
const images = 5_000;
const dim = 128;
const centres = Array.from({ length: 500 }, () => Array.from({ length: dim }, gaussian));
const identities = Array.from({ length: images }, (_, i) => i % 500);
const embeddings = new Float32Array(images * dim);
identities.forEach((id, i) => centres[id].forEach((c, k) => (embeddings[i * dim + k] = c + 1.5 * gaussian())));
report['rankByIdentity, 5,000 x 128-d embeddings, 500 identities'] = `${medianMilliseconds(3, () => rankByIdentity({ embeddings, dim, identities })).toFixed(0)} ms`;

for (const [name, figure] of Object.entries(report)) console.log(`${name.padEnd(62)} ${figure}`);
