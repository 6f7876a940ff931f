// The real-face study at the scale that learns, with the PyTorch command trainer (docs/benchmarks.md, "Real faces";
// issue 18 goal 2): the paper's space searched with every trial trained by examples/pytorch/frnas_trainer.py on all
// 1,522 `lfw_train` people with the recommended recipe (Hyperband 3 -> 6 -> 12 epochs, eta 2), objectives measured on
// the 78 other people of `lfw_balanced`; then the search's Pareto front at 12 epochs and the default cell retrained
// with fresh seeds, and each front model compared with the default by a paired identity bootstrap of the difference
// averaged over the seeds (pairedAgainstDefault).
//
// Usage: npx tsx benchmarks/lfw-pytorch-study.ts [--out benchmarks/results/lfw-pytorch] [--search-seconds 3000]
//          [--workers 2] [--seeds 0,1,2] [--epochs 12] [--top K | --trials id,id,...] [--search <existing study folder>]
//          [--promotion nds-crowding|hypervolume|parego] [--warm-start <earlier study folder>] [--level 0.95]
// --data / --eval-data: the training and evaluation folders (default lfw_train / lfw_balanced); with --search, the
// retraining and its comparison use them while the search's choice stays as it was (e.g. a held-out check on other
// people: lfw-heldout-split.ts).
// --level: the coverage of the paired intervals (0.975 for a Bonferroni correction over two tests; written to
// summary-level<L>.md so the 95 % summary stays).
// The search uses frnas search's defaults (ASHA + rf) unless told otherwise.
// Each step resumes: the search from its journal (an existing study folder is used as it is, not searched further),
// each retraining run from its checkpoint folder (a finished run has final.json and is skipped).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fairnessReport } from '../lib/fairness/index.js';
import { Study, type PromotionName } from '../lib/search/index.js';
import type { Configuration } from '../lib/space/types.js';
import type { RankedImages } from '../lib/train/index.js';
import { writeFileAtomic } from '../lib/util/write-file-atomic.js';
import { pairedAgainstDefault, search, selectTrials, type PairedRun } from '../lib/workflows/index.js';
import { differenceCell, readRankingFile, side } from './paired.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'benchmarks/results/lfw-pytorch' },
    search: { type: 'string' },
    'search-seconds': { type: 'string', default: '3000' },
    workers: { type: 'string', default: '2' },
    seeds: { type: 'string', default: '0,1,2' },
    epochs: { type: 'string', default: '12' },
    top: { type: 'string' },
    trials: { type: 'string' },
    promotion: { type: 'string' },
    'warm-start': { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'cache-dir': { type: 'string' },
    level: { type: 'string', default: '0.95' },
    data: { type: 'string', default: '../shared/data/lfw_train' },
    'eval-data': { type: 'string', default: '../shared/data/lfw_balanced' },
  },
});
const out = resolve(args.out as string);
const searchDir = resolve(args.search ?? join(out, 'search'));
const epochs = Number(args.epochs);
const workers = Number(args.workers);
const level = Number(args.level);
if (!(level > 0 && level < 1)) throw new Error(`--level must be a coverage between 0 and 1 (e.g. 0.95), got ${args.level}`);
const seeds = (args.seeds as string).split(',').map(Number);
if (!(Number.isInteger(epochs) && epochs >= 3)) throw new Error(`--epochs must be an integer >= 3, got ${args.epochs}`);
if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a positive integer, got ${args.workers}`);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds must be non-negative integers, got ${args.seeds}`);
const data = args.data as string;
const evaluation = args['eval-data'] as string;
for (const dir of [data, evaluation]) {
  if (!existsSync(dir)) {
    console.error(`skipped: ${dir} is absent (the default folders are ../shared/data/lfw_train and lfw_balanced beside the project; --data / --eval-data name others)`);
    process.exit(0);
  }
}
// The trainer's settings, the same for the search and the retraining (the recipe of docs/trainer.md §11).
const trainerArgs = ['examples/pytorch/frnas_trainer.py', '--data', data, '--eval-data', evaluation, '--image-size', '32', '--recipe', 'recommended', '--max-epochs', String(epochs), '--threads', '1',
  ...(args['cache-dir'] ? ['--cache-dir', args['cache-dir']] : [])];
const started = performance.now();

// 1. The search (skipped when the folder already holds a study).
let searchSeconds = 0;
if (!existsSync(join(searchDir, 'journal.jsonl'))) {
  const t0 = performance.now();
  await search({
    out: searchDir, space: 'frnas-dpn', command: { command: args.python as string, args: trainerArgs }, minEpochs: epochs / 4, maxEpochs: epochs, eta: 2,
    workers, seconds: Number(args['search-seconds']), evaluateDefault: false, seed: 0,
    ...(args.promotion ? { promotion: args.promotion as PromotionName } : {}),
    ...(args['warm-start'] ? { warmStart: args['warm-start'] } : {}),
    onTrialEnd: (t) => console.error(`search: trial ${t.id} at ${t.budget} epochs ${t.status} ${JSON.stringify(t.values)}`),
  });
  searchSeconds = (performance.now() - t0) / 1000;
} else {
  console.error(`search: using the study in ${searchDir} as it is`);
}

// 2. What to retrain: the front at the top budget (or the best K there, or the trials named) and the space's default
//    configuration. A run stopped part-way continues from its last epoch's checkpoint (its s / run then counts only
//    the rest).
const { trials } = selectTrials(searchDir, args.trials ? { trials: args.trials.split(',').map(Number) } : args.top ? { top: Number(args.top) } : {});
const study = Study.open(searchDir, { readOnly: true });
const defaultConfig = study.space.defaultConfiguration();
const searchTrials = study.trials();
study.close();
const searchWall = searchTrials.reduce((s, t) => s + (t.cost?.seconds ?? 0), 0);
const label = (c: Configuration): string => `${c.edge1}${c.edge2}${c.edge3}-${c.head}-${c.optimizer}-lr${Number(c.optimizer === 'SGD' ? c.lr_sgd : c.lr_adam).toPrecision(3)}`;
const models = [{ name: 'default', config: defaultConfig, trial: undefined as number | undefined }, ...trials.map((t) => ({ name: label(t.config), config: t.config, trial: t.id }))];

// 3. Retraining: every model with every seed, `workers` runs at once, one core each.
interface RunOutcome { model: string; seed: number; error: number; rankDisparity: number; seconds: number; ranking: RankedImages }
const plans = models.flatMap((m) => seeds.map((seed) => ({ model: m, seed, dir: join(out, 'retrain', m.name, `seed-${seed}`) })));
function trainOnce(plan: (typeof plans)[number]): Promise<void> {
  if (existsSync(join(plan.dir, 'final.json'))) return Promise.resolve();
  mkdirSync(plan.dir, { recursive: true });
  const commandArgs = [...trainerArgs, '--config', JSON.stringify(plan.model.config), '--budget', String(epochs), '--checkpoint-dir', plan.dir, '--seed', String(plan.seed)];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(args.python as string, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let final: unknown;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('frnas:{"final"')) final = JSON.parse(line.slice('frnas:'.length));
    });
    child.on('close', (code) => {
      if (code !== 0 || final === undefined) return fail(new Error(`${plan.model.name} seed ${plan.seed}: trainer exited with ${code}${final === undefined ? ' without a final line' : ''}`));
      writeFileAtomic(join(plan.dir, 'final.json'), JSON.stringify({ ...(final as object), wallSeconds: (performance.now() - t0) / 1000 }, null, 1))
        .then(() => console.error(`retrain: ${plan.model.name} seed ${plan.seed} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`))
        .then(done, fail);
    });
  });
}
const retrainStarted = performance.now();
let next = 0;
await Promise.all(Array.from({ length: Math.min(workers, plans.length) }, async () => {
  while (next < plans.length) await trainOnce(plans[next++]);
}));
const retrainSeconds = (performance.now() - retrainStarted) / 1000;

// 4. Figures: each run's error and rank disparity from its per-image ranks; paired differences against the default.
const outcomes: RunOutcome[] = plans.map((plan) => {
  const ranking = readRankingFile(join(plan.dir, 'ranking.json'));
  const final = JSON.parse(readFileSync(join(plan.dir, 'final.json'), 'utf8')) as { wallSeconds: number };
  const report = fairnessReport({ ranks: ranking.ranks, groups: ranking.groups });
  return { model: plan.model.name, seed: plan.seed, error: report.error, rankDisparity: report.rankDisparity, seconds: final.wallSeconds, ranking };
});
const asPaired = (runs: RunOutcome[]): PairedRun[] => runs.map((r) => ({ seed: r.seed, test: { ranking: r.ranking } }));
const defaults = outcomes.filter((o) => o.model === 'default');
const lines = [
  `| model | search trial (values at ${epochs} epochs) | seeds | error per seed | rank disparity per seed | mean error | mean rank disparity | paired Δ error vs default | paired Δ rank disparity | verdict (error / rank disparity) | s / run |`,
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const m of models) {
  const runs = outcomes.filter((o) => o.model === m.name);
  const mean = (pick: (r: RunOutcome) => number): number => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
  const trial = m.trial === undefined ? '—' : (() => {
    const t = searchTrials.find((x) => x.id === m.trial);
    return t ? `${t.id} (${t.values.error?.toFixed(3)}, ${t.values.rank_disparity?.toFixed(3)})` : String(m.trial);
  })();
  const paired = m.name === 'default' ? undefined : pairedAgainstDefault(asPaired(runs), asPaired(defaults), { level });
  const pairedCells = paired ? `${differenceCell(paired.error)} | ${differenceCell(paired.rankDisparity)} | ${paired.verdict}: ${side(paired.error)} / ${side(paired.rankDisparity)}` : '— | — | (the default)';
  lines.push(`| ${m.name} | ${trial} | ${runs.map((r) => r.seed).join(',')} | ${runs.map((r) => r.error.toFixed(3)).join(', ')} | ${runs.map((r) => r.rankDisparity.toFixed(3)).join(', ')} | ${mean((r) => r.error).toFixed(3)} | ${mean((r) => r.rankDisparity).toFixed(3)} | ${pairedCells} | ${mean((r) => r.seconds).toFixed(0)} |`);
}
const totalSeconds = (performance.now() - started) / 1000;
const markdown = [
  `Search: ${searchTrials.length} trials (${searchTrials.filter((t) => t.status === 'ok').length} ok), ${searchWall.toFixed(0)} s of trial time${searchSeconds ? `, ${searchSeconds.toFixed(0)} s wall` : ''}; retraining ${plans.length} runs, ${retrainSeconds.toFixed(0)} s wall this call; this call ${totalSeconds.toFixed(0)} s.`,
  '',
  ...lines,
  '',
  `Paired identity bootstrap (1000 resamples, ${+(level * 100).toFixed(2)} %) of model − default on the same ${outcomes[0]?.ranking.ranks.length ?? 0} images, averaged over the seeds both have; "dominates" = both intervals below 0.`,
].join('\n');
// Another coverage gets its own file, so the 95 % summary is never overwritten by a correction's.
await writeFileAtomic(join(out, level === 0.95 ? 'summary.md' : `summary-level${level}.md`), markdown + '\n');
console.log(markdown);
