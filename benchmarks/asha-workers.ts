// ASHA with one worker against Hyperband (issue 23): median [quartiles] hypervolume / true-front hypervolume over seeds on the
// analytic fidelity problems, at two epoch budgets (docs/benchmarks.md, "ASHA with one worker").
//
//   npx tsx benchmarks/asha-workers.ts [problems=zdt1,zdt2,zdt3,dtlz2] [seeds=5] [methods=all, comma-separated prefixes]
//   BUDGETS=2700,4500 (default) chooses the budgets.
import { analyticProblem, runMetrics, runSimulated, type AnalyticProblemName, type BenchmarkMethod } from '../lib/bench/index.js';
import { RandomForestProposer } from '../lib/search/proposers/random-forest/index.js';
import { TpeProposer } from '../lib/search/proposers/tpe/index.js';
import { Asha } from '../lib/search/schedulers/asha.js';

const names = (process.argv[2] ?? 'zdt1,zdt2,zdt3,dtlz2').split(',') as AnalyticProblemName[];
const seeds = Number(process.argv[3] ?? 5);
const only = process.argv[4]?.split(',');
const budgets = (process.env.BUDGETS ?? '2700,4500').split(',').map(Number);
const methods: BenchmarkMethod[] = [
  { name: 'hb+random', scheduler: 'hyperband', proposer: 'random' },
  { name: 'hb+rf', scheduler: 'hyperband', proposer: () => new RandomForestProposer() },
  { name: 'hb+tpe', scheduler: 'hyperband', proposer: () => new TpeProposer() },
  { name: 'asha+random w1', scheduler: 'asha', proposer: 'random' },
  { name: 'asha+rf w1', scheduler: 'asha', proposer: () => new RandomForestProposer() },
  { name: 'asha+tpe w1', scheduler: 'asha', proposer: () => new TpeProposer() },
  { name: 'asha+rf w4', scheduler: 'asha', proposer: () => new RandomForestProposer(), workers: 4 },
  { name: 'asha+rf+hv w1', scheduler: 'asha', proposer: () => new RandomForestProposer(), promotion: 'hypervolume' },
  { name: 'ahb+random w1', scheduler: () => new Asha({ brackets: 'hyperband' }), proposer: 'random' },
  { name: 'ahb+rf w1', scheduler: () => new Asha({ brackets: 'hyperband' }), proposer: () => new RandomForestProposer() },
  { name: 'ahb+tpe w1', scheduler: () => new Asha({ brackets: 'hyperband' }), proposer: () => new TpeProposer() },
];
// Median [quartiles] over seeds (type-7 quantiles).
const quantile = (sorted: number[], p: number): number => {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
};
const median = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${quantile(sorted, 0.5).toFixed(3)} [${quantile(sorted, 0.25).toFixed(3)}, ${quantile(sorted, 0.75).toFixed(3)}]`;
};
for (const name of names) {
  const problem = analyticProblem(name);
  for (const method of methods) {
    if (only && !only.some((o) => method.name.startsWith(o))) continue;
    const ratios = budgets.map(() => [] as number[]);
    const fullBudgetTrials: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const records = runSimulated({ problem, method, seed, budgetEpochs: Math.max(...budgets) });
      budgets.forEach((b, i) => ratios[i].push(runMetrics(records, problem, b).hypervolumeRatio));
      fullBudgetTrials.push(records.filter((r) => r.budget === problem.fidelity.max && r.epochsSpent <= budgets[0]).length);
    }
    console.log(`${name} ${method.name.padEnd(16)} ${ratios.map(median).join(' ')}  full-budget trials within ${budgets[0]}: ${median(fullBudgetTrials).split(' ')[0]}`);
  }
}
