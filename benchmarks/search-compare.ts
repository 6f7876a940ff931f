// Compares schedulers x proposers on the fidelity test problems: hypervolume of the configurations that
// reached the full budget, against the epochs spent. See docs/proposers.md ("Search comparison").
//
//   npx tsx benchmarks/search-compare.ts [--seeds 5] [--budget 2700] [--problems zdt1,zdt2,zdt3,dtlz2]
//                                        [--methods all] [--out benchmarks/results/search-compare]
//                                        [--overhead-trials 1000] [--skip-overhead]
import { forEachFlag } from './flags.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { optimize, type Trial, type Proposer, type ProposalContext, type PromotionName } from '../lib/search/index.js';
import type { SchedulerName } from '../lib/search/schedulers/index.js';
import { RandomForestProposer } from '../lib/search/proposers/random-forest/index.js';
import { Nsga2Proposer } from '../lib/search/proposers/nsga2.js';
import { TpeProposer } from '../lib/search/proposers/tpe/index.js';
import { hypervolume } from '../lib/pareto/index.js';
import { fidelityProblems, type FidelityProblem } from './problems/index.js';

interface Method {
  name: string;
  scheduler: SchedulerName;
  proposer: () => 'random' | Proposer;
  promotion?: PromotionName;
  /** Full-fidelity methods are the baselines the multi-fidelity ones are measured against. */
  fullFidelity: boolean;
}

const METHODS: Method[] = [
  { name: 'random', scheduler: 'random', proposer: () => 'random', fullFidelity: true },
  { name: 'nsga2', scheduler: 'random', proposer: () => new Nsga2Proposer(), fullFidelity: true },
  { name: 'rf', scheduler: 'random', proposer: () => new RandomForestProposer(), fullFidelity: true },
  { name: 'hyperband+random', scheduler: 'hyperband', proposer: () => 'random', fullFidelity: false },
  { name: 'hyperband+rf', scheduler: 'hyperband', proposer: () => new RandomForestProposer(), fullFidelity: false },
  { name: 'asha+rf', scheduler: 'asha', proposer: () => new RandomForestProposer(), fullFidelity: false },
  { name: 'tpe', scheduler: 'random', proposer: () => new TpeProposer(), fullFidelity: true },
  { name: 'hyperband+tpe', scheduler: 'hyperband', proposer: () => new TpeProposer(), fullFidelity: false },
  { name: 'asha+tpe', scheduler: 'asha', proposer: () => new TpeProposer(), fullFidelity: false },
  { name: 'asha+rf+hv', scheduler: 'asha', proposer: () => new RandomForestProposer(), promotion: 'hypervolume', fullFidelity: false },
  { name: 'hyperband+rf-all', scheduler: 'hyperband', proposer: () => new RandomForestProposer({ trainingData: 'all-budgets' }), fullFidelity: false },
  { name: 'asha+rf-all', scheduler: 'asha', proposer: () => new RandomForestProposer({ trainingData: 'all-budgets' }), fullFidelity: false },
  { name: 'asha+rf-all+hv', scheduler: 'asha', proposer: () => new RandomForestProposer({ trainingData: 'all-budgets' }), promotion: 'hypervolume', fullFidelity: false },
  { name: 'asha+tpe+hv', scheduler: 'asha', proposer: () => new TpeProposer(), promotion: 'hypervolume', fullFidelity: false },
  // TPE's former default (BOHB), for comparison with its 'all-budgets' default.
  { name: 'hyperband+tpe-highest', scheduler: 'hyperband', proposer: () => new TpeProposer({ trainingData: 'highest-budget' }), fullFidelity: false },
  { name: 'asha+tpe-highest', scheduler: 'asha', proposer: () => new TpeProposer({ trainingData: 'highest-budget' }), fullFidelity: false },
];

interface Args {
  seeds: number;
  budget: number;
  problems: string[];
  methods: string[];
  out: string;
  overheadTrials: number;
  skipOverhead: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seeds: 5,
    budget: 2700,
    problems: ['zdt1', 'zdt2', 'zdt3', 'dtlz2'],
    methods: METHODS.map((m) => m.name),
    out: 'benchmarks/results/search-compare',
    overheadTrials: 1000,
    skipOverhead: false,
  };
  forEachFlag(argv, (flag, { value, positiveInteger }) => {
    if (flag === '--seeds') args.seeds = positiveInteger();
    else if (flag === '--budget') args.budget = positiveInteger();
    else if (flag === '--problems') args.problems = value().split(',');
    else if (flag === '--methods') {
      const v = value();
      args.methods = v === 'all' ? METHODS.map((m) => m.name) : v.split(',');
    }
    else if (flag === '--out') args.out = value();
    else if (flag === '--overhead-trials') args.overheadTrials = positiveInteger();
    else if (flag === '--skip-overhead') args.skipOverhead = true;
    else throw new Error(`unknown option ${flag} (known: --seeds, --budget, --problems, --methods, --out, --overhead-trials, --skip-overhead)`);
  });
  const known = new Set(METHODS.map((m) => m.name));
  for (const m of args.methods) if (!known.has(m)) throw new Error(`unknown method ${m} (known: ${[...known].join(', ')})`);
  const problems = new Set(fidelityProblems().map((p) => p.name));
  for (const p of args.problems) if (!problems.has(p)) throw new Error(`unknown problem ${p} (known: ${[...problems].join(', ')})`);
  return args;
}

/** Hypervolume after each finished trial, against the epochs spent so far (a promotion pays only the extra epochs). */
interface Curve {
  epochs: number[];
  hypervolume: number[];
  trials: number;
  fullBudgetConfigs: number;
  seconds: number;
}

async function runOne(problem: FidelityProblem, method: Method, seed: number, budget: number): Promise<Curve> {
  const started = performance.now();
  const { trials } = await optimize({
    space: problem.space(),
    objectives: problem.objectives,
    fidelity: problem.fidelity,
    scheduler: method.scheduler,
    proposer: method.proposer(),
    promotion: method.promotion,
    seed,
    stop: { budget },
    concurrency: 1,
    evaluate: (config, b) => problem.evaluate(config, b),
  });
  const seconds = (performance.now() - started) / 1000;
  return { ...curveOf(problem, trials), seconds };
}

function curveOf(problem: FidelityProblem, trials: readonly Trial[]): Omit<Curve, 'seconds'> {
  // Concurrency 1: trial ids are the order results were told.
  const ordered = [...trials].filter((t) => t.status !== 'pending' && t.status !== 'running').sort((a, b) => a.id - b.id);
  const front: number[][] = [];
  const seen = new Set<string>();
  const epochs: number[] = [];
  const volumes: number[] = [];
  let spent = 0;
  let volume = 0;
  for (const t of ordered) {
    spent += t.cost.budget;
    if (t.status === 'ok' && t.budget === problem.fidelity.max && !seen.has(t.configId)) {
      seen.add(t.configId);
      // The true (noiseless) objectives; at the full budget they equal the observed ones.
      front.push(problem.trueObjectives(problem.variables(t.config)));
      volume = hypervolume(front, problem.referencePoint);
    }
    epochs.push(spent);
    volumes.push(volume);
  }
  return { epochs, hypervolume: volumes, trials: ordered.length, fullBudgetConfigs: seen.size };
}

/** Hypervolume reached with at most `epochs` spent. */
function valueAt(curve: Curve, epochs: number): number {
  let value = 0;
  for (let i = 0; i < curve.epochs.length && curve.epochs[i] <= epochs; i++) value = curve.hypervolume[i];
  return value;
}

/** Epochs at which the curve first reaches `target`, or undefined. */
function epochsToReach(curve: Curve, target: number): number | undefined {
  for (let i = 0; i < curve.epochs.length; i++) if (curve.hypervolume[i] >= target) return curve.epochs[i];
  return undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

/** One panel per problem: median hypervolume against epochs, one line per method. */
function svgPlot(results: Map<string, Map<string, Curve[]>>, budget: number, grid: number[]): string {
  const panelW = 420;
  const panelH = 300;
  const margin = { left: 60, right: 15, top: 30, bottom: 45 };
  const problems = [...results.keys()];
  const methods = [...(results.get(problems[0])?.keys() ?? [])];
  const columns = Math.min(2, problems.length);
  const rows = Math.ceil(problems.length / columns);
  const legendH = 20 * methods.length + 10;
  const width = columns * panelW;
  const height = rows * panelH + legendH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  problems.forEach((problem, p) => {
    const x0 = (p % columns) * panelW + margin.left;
    const y0 = Math.floor(p / columns) * panelH + margin.top;
    const w = panelW - margin.left - margin.right;
    const h = panelH - margin.top - margin.bottom;
    const byMethod = results.get(problem)!;
    const medians = methods.map((m) => grid.map((e) => median(byMethod.get(m)!.map((c) => valueAt(c, e)))));
    const top = Math.max(1e-9, ...medians.flat()) * 1.05;
    const sx = (e: number) => x0 + (e / budget) * w;
    const sy = (v: number) => y0 + h - (v / top) * h;
    parts.push(`<text x="${x0 + w / 2}" y="${y0 - 10}" text-anchor="middle" font-size="13" font-weight="bold">${problem}</text>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
    for (let k = 0; k <= 4; k++) {
      const e = (budget * k) / 4;
      const v = (top * k) / 4;
      parts.push(`<text x="${sx(e)}" y="${y0 + h + 15}" text-anchor="middle">${Math.round(e)}</text>`);
      parts.push(`<text x="${x0 - 5}" y="${sy(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
      parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`);
    }
    parts.push(`<text x="${x0 + w / 2}" y="${y0 + h + 32}" text-anchor="middle">epochs spent</text>`);
    parts.push(`<text x="${x0 - 45}" y="${y0 + h / 2}" text-anchor="middle" transform="rotate(-90 ${x0 - 45} ${y0 + h / 2})">median hypervolume</text>`);
    medians.forEach((series, m) => {
      const points = series.map((v, i) => `${sx(grid[i]).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${COLORS[m % COLORS.length]}" stroke-width="1.8"/>`);
    });
  });
  methods.forEach((m, i) => {
    const y = rows * panelH + 15 + 20 * i;
    parts.push(`<line x1="20" x2="50" y1="${y}" y2="${y}" stroke="${COLORS[i % COLORS.length]}" stroke-width="3"/>`);
    parts.push(`<text x="58" y="${y + 4}">${m}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Median milliseconds of one model proposal with `trials` results at the full budget (the model fits on all of them). */
function proposalOverhead(trials: number, proposer: Proposer): { fitPoints: number; medianMs: number; minMs: number; medianCpuMs: number; calls: number } {
  const problem = fidelityProblems()[0];
  const space = problem.space();
  const configs = space.sample(trials, 'overhead');
  const history: Trial[] = configs.map((config, id) => ({
    id, config, configId: space.configId(config), budget: problem.fidelity.max, status: 'ok',
    values: problem.evaluate(config, problem.fidelity.max), cost: { seconds: 0, budget: problem.fidelity.max }, attributes: {},
  }));
  const times: number[] = [];
  // CPU time of this process too: on a shared machine the wall time includes waiting for a core.
  const cpuTimes: number[] = [];
  const calls = 25;
  for (let i = 0; i < calls; i++) {
    const context: ProposalContext = {
      space, objectives: problem.objectives, history, pending: [], budget: problem.fidelity.min, fidelity: problem.fidelity, rng: seedrandom(`overhead${i}`),
    };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    proposer.propose(context);
    const cpu = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return { fitPoints: trials, medianMs: median(times), minMs: Math.min(...times), medianCpuMs: median(cpuTimes), calls };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const methods = METHODS.filter((m) => args.methods.includes(m.name));
  const problems = fidelityProblems().filter((p) => args.problems.includes(p.name));
  mkdirSync(args.out, { recursive: true });
  const grid = Array.from({ length: 101 }, (_, i) => (args.budget * i) / 100);
  const results = new Map<string, Map<string, Curve[]>>();
  const csv: string[] = ['problem,method,seed,epochs,hypervolume'];
  const runs: string[] = ['problem,method,seed,trials,full_budget_configs,final_hypervolume,seconds'];
  console.log(`search-compare: ${problems.length} problems x ${methods.length} methods x ${args.seeds} seeds, budget ${args.budget} epochs (= ${args.budget / 27} full evaluations)`);
  for (const problem of problems) {
    const byMethod = new Map<string, Curve[]>();
    results.set(problem.name, byMethod);
    for (const method of methods) {
      const curves: Curve[] = [];
      for (let seed = 0; seed < args.seeds; seed++) {
        const curve = await runOne(problem, method, seed, args.budget);
        curves.push(curve);
        for (const e of grid) csv.push(`${problem.name},${method.name},${seed},${e},${valueAt(curve, e)}`);
        const final = curve.hypervolume[curve.hypervolume.length - 1] ?? 0;
        runs.push(`${problem.name},${method.name},${seed},${curve.trials},${curve.fullBudgetConfigs},${final},${curve.seconds.toFixed(2)}`);
      }
      byMethod.set(method.name, curves);
      const seconds = curves.reduce((s, c) => s + c.seconds, 0);
      console.log(`  ${problem.name} ${method.name.padEnd(17)} median final HV ${median(curves.map((c) => valueAt(c, args.budget))).toFixed(4)}  (${seconds.toFixed(1)} s)`);
    }
  }
  writeFileSync(join(args.out, 'hypervolume.csv'), csv.join('\n') + '\n');
  writeFileSync(join(args.out, 'runs.csv'), runs.join('\n') + '\n');
  writeFileSync(join(args.out, 'hypervolume.svg'), svgPlot(results, args.budget, grid));

  const summary: string[] = [];
  const say = (line: string) => {
    summary.push(line);
    console.log(line);
  };
  say('');
  say(`Median hypervolume (true objectives of configurations evaluated at the full budget) at equal epochs; ${args.seeds} seeds`);
  const fractions = [1 / 3, 2 / 3, 1];
  say(`| problem | method | ${fractions.map((f) => `${Math.round(f * args.budget)} epochs`).join(' | ')} |`);
  say(`|---|---|${fractions.map(() => '---').join('|')}|`);
  for (const [problem, byMethod] of results) {
    for (const [method, curves] of byMethod) {
      say(`| ${problem} | ${method} | ${fractions.map((f) => median(curves.map((c) => valueAt(c, f * args.budget))).toFixed(4)).join(' | ')} |`);
    }
  }
  say('');
  say('Share of the budget at which each multi-fidelity method first reaches the final median HV of each full-fidelity');
  say('method (median over seeds of epochs-to-reach / budget; "—" when the median seed does not reach it; seeds reaching it in brackets)');
  const fullMethods = methods.filter((m) => m.fullFidelity);
  const multiMethods = methods.filter((m) => !m.fullFidelity);
  say(`| problem | method | ${fullMethods.map((m) => `${m.name} final HV → share`).join(' | ')} |`);
  say(`|---|---|${fullMethods.map(() => '---').join('|')}|`);
  for (const [problem, byMethod] of results) {
    const targets = fullMethods.map((m) => median(byMethod.get(m.name)!.map((c) => valueAt(c, args.budget))));
    for (const m of multiMethods) {
      const curves = byMethod.get(m.name)!;
      const cells = targets.map((target) => {
        const reached = curves.map((c) => epochsToReach(c, target) ?? Infinity);
        const share = median(reached) / args.budget;
        const hits = reached.filter(Number.isFinite).length;
        if (!(target > 0)) return `${target.toFixed(3)} (nothing to reach)`;
        return `${target.toFixed(3)} → ${Number.isFinite(share) ? `${(100 * share).toFixed(0)} %` : '—'} (${hits}/${curves.length})`;
      });
      say(`| ${problem} | ${m.name} | ${cells.join(' | ')} |`);
    }
  }
  if (!args.skipOverhead) {
    say('');
    for (const [name, proposer] of [['rf', new RandomForestProposer({ randomFraction: 0 })], ['tpe', new TpeProposer()]] as const) {
      const overhead = proposalOverhead(args.overheadTrials, proposer);
      say(`${name} proposer overhead: median ${overhead.medianMs.toFixed(1)} ms wall (fastest ${overhead.minMs.toFixed(1)} ms; median CPU time ${overhead.medianCpuMs.toFixed(1)} ms) per propose with ${overhead.fitPoints} trials at the full budget (model fit on all of them), ${overhead.calls} calls; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
    }
  }
  writeFileSync(join(args.out, 'summary.md'), summary.join('\n') + '\n');
  console.log(`\nwrote ${join(args.out, 'hypervolume.csv')}, runs.csv, hypervolume.svg, summary.md`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
