// How much hypervolume DTLZ2 (with the fidelity of docs/benchmark-problems.md) allows within a third of the budget,
// whatever the proposer: "oracle" proposers that know the true front, run through the real schedulers.
// See docs/benchmarks.md ("DTLZ2: what a third of the budget can buy").
//
//   npx tsx benchmarks/dtlz2-bound.ts [--seeds 10]
//
// - front-random: every proposal lies exactly on the true front (distance variables 0.5), angles uniform at random.
// - front-greedy: every proposal lies on the front, the n-th at the n-th point of a greedy hypervolume ordering of a
//   30 x 30 grid of the front (a near-optimal spread, known in advance).
// Hypervolume counts the true objectives of the configurations evaluated at the full budget (27 epochs), as
// benchmarks/search-compare.ts and the suite do; a promotion pays only its extra epochs.
import { forEachFlag } from './flags.js';
import { optimize, type Proposer, type ProposalContext, type SchedulerName } from '../lib/search/index.js';
import type { Configuration } from '../lib/space/types.js';
import { hypervolume } from '../lib/pareto/index.js';
import { dtlz2 } from './problems/index.js';
import { analyticProblem } from '../lib/bench/index.js';

let seeds = 10;
forEachFlag(process.argv.slice(2), (flag, { positiveInteger }) => {
  if (flag === '--seeds') seeds = positiveInteger();
  else throw new Error(`unknown option ${flag} (known: --seeds)`);
});

const problem = dtlz2();
const reference = problem.referencePoint;
const angles = (u: number, v: number): Configuration => ({ x0: u, x1: v, x2: 0.5, x3: 0.5, x4: 0.5, x5: 0.5 });
const onFront = (u: number, v: number): number[] => problem.trueObjectives(problem.variables(angles(u, v)));
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};

// Greedy hypervolume ordering of a 30 x 30 grid of the front.
const SIDE = 30;
const ORDERED = 120;
const grid: [number, number][] = [];
for (let i = 0; i < SIDE; i++) for (let j = 0; j < SIDE; j++) grid.push([i / (SIDE - 1), j / (SIDE - 1)]);
const order: [number, number][] = [];
const chosen: number[][] = [];
const left = new Set(grid.keys());
while (order.length < ORDERED) {
  const base = chosen.length > 0 ? hypervolume(chosen, reference) : 0;
  let best = -1;
  let bestGain = -Infinity;
  for (const i of left) {
    const gain = hypervolume([...chosen, onFront(...grid[i])], reference) - base;
    if (gain > bestGain) {
      bestGain = gain;
      best = i;
    }
  }
  left.delete(best);
  order.push(grid[best]);
  chosen.push(onFront(...grid[best]));
}

const COUNTS = [8, 11, 15, 20, 22, 30, 40, 50, 66, 100];
console.log(`DTLZ2 true front: hypervolume of K points (reference ${reference.join(', ')}; whole front ${analyticProblem('dtlz2').trueHypervolume().toFixed(4)})`);
console.log('| K | greedy spread | uniform random angles (median of 21 draws) |');
console.log('|---|---|---|');
for (const k of COUNTS) {
  const draws: number[] = [];
  for (let s = 0; s < 21; s++) {
    let state = 0x9e3779b9 ^ (s * 7919 + k);
    // A small LCG keeps this table independent of seedrandom's stream layout.
    const rng = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    draws.push(hypervolume(Array.from({ length: k }, () => onFront(rng(), rng())), reference));
  }
  console.log(`| ${k} | ${hypervolume(chosen.slice(0, k), reference).toFixed(3)} | ${median(draws).toFixed(3)} |`);
}

class FrontOracle implements Proposer {
  readonly name: string;
  constructor(private readonly greedy: boolean) {
    this.name = greedy ? 'front-greedy' : 'front-random';
  }
  propose(context: ProposalContext): Configuration {
    const taken = new Set(context.history.map((t) => t.configId));
    for (const config of context.pending) taken.add(context.space.configId(config));
    const n = taken.size;
    const [u, v] = this.greedy && n < order.length ? order[n] : [context.rng(), context.rng()];
    return angles(u, v);
  }
}

const LIMITS = [900, 1800];
console.log(`\nOracle proposers through the schedulers (1 worker, median of ${seeds} seeds): HV (full-budget configurations) at 900 and 1,800 epochs`);
console.log('| scheduler | proposer | HV @ 900 | full configs @ 900 | HV @ 1,800 | full configs @ 1,800 |');
console.log('|---|---|---|---|---|---|');
for (const scheduler of ['random', 'asha', 'hyperband'] as SchedulerName[]) {
  for (const greedy of [false, true]) {
    const volumes = LIMITS.map(() => [] as number[]);
    const fulls = LIMITS.map(() => [] as number[]);
    for (let seed = 1; seed <= seeds; seed++) {
      const { trials } = await optimize({
        space: problem.space(), objectives: problem.objectives, fidelity: problem.fidelity, scheduler, proposer: new FrontOracle(greedy),
        seed, stop: { budget: Math.max(...LIMITS) }, concurrency: 1, evaluate: (config, budget) => problem.evaluate(config, budget),
      });
      const ordered = trials.filter((t) => t.status === 'ok').sort((a, b) => a.id - b.id);
      LIMITS.forEach((limit, i) => {
        let spent = 0;
        const points: number[][] = [];
        for (const t of ordered) {
          spent += t.cost.budget;
          if (spent > limit) break;
          if (t.budget === problem.fidelity.max) points.push(problem.trueObjectives(problem.variables(t.config)));
        }
        volumes[i].push(points.length > 0 ? hypervolume(points, reference) : 0);
        fulls[i].push(points.length);
      });
    }
    const label = scheduler === 'random' ? 'random (full fidelity)' : scheduler;
    console.log(`| ${label} | ${greedy ? 'front-greedy' : 'front-random'} | ${median(volumes[0]).toFixed(3)} | ${median(fulls[0])} | ${median(volumes[1]).toFixed(3)} | ${median(fulls[1])} |`);
  }
}
