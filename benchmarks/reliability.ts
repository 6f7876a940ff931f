// Scale figures of the search engine (issue 19): a 100,000-trial in-memory study and a 10,000-trial journal.
// Run: npx tsx benchmarks/reliability.ts [--memory-trials 100000] [--journal-trials 10000] [--fsync-trials 200]
// Prints markdown tables: peak RSS and heap, ask+tell time per trial around 1k, 10k and 100k trials (in memory),
// then the journal's size, the time to re-open it (read + replay), and ask+tell time at that size.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { Space } from '../lib/space/index.js';
import { Study, type ObjectiveSpec } from '../lib/search/index.js';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const MEMORY_TRIALS = argument('memory-trials', 100_000);
const JOURNAL_TRIALS = argument('journal-trials', 10_000);
const FSYNC_TRIALS = argument('fsync-trials', 200);
/** Trials timed around each checkpoint (the window ends at the checkpoint). */
const WINDOW = 1_000;

const space = Space.fromJSON({
  name: 'small',
  hyperparameters: {
    lr: { type: 'float', lower: 1e-4, upper: 1, log: true, default: 0.01 },
    depth: { type: 'integer', lower: 1, upper: 8, default: 4 },
    optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'adamw'], default: 'sgd' },
  },
});
const objectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'disparity', direction: 'minimize' },
];
const noise = seedrandom('values');

/** One ask + tell with a cheap objective. */
function step(study: Study): void {
  const trial = study.ask();
  const lr = Number(trial.config.lr);
  study.tell(trial.id, { values: { error: Math.abs(Math.log10(lr) + 2) + 0.1 * noise(), disparity: noise() }, cost: { seconds: 0 } });
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const us = (ms: number, n: number): string => ((ms * 1000) / n).toFixed(1);

// ---- (a) in memory -------------------------------------------------------------------------------------
function inMemory(): string[] {
  const checkpoints = [1_000, 10_000, 100_000].filter((n) => n <= MEMORY_TRIALS);
  if (!checkpoints.includes(MEMORY_TRIALS)) checkpoints.push(MEMORY_TRIALS);
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const study = Study.inMemory({ space, objectives, proposer: 'random', seed: 1 });
  const rows: string[] = [];
  const start = performance.now();
  let windowStart = start;
  for (let i = 1; i <= MEMORY_TRIALS; i++) {
    if (checkpoints.some((c) => i === c - WINDOW + 1 || (c <= WINDOW && i === 1))) windowStart = performance.now();
    step(study);
    if (i % 1_000 === 0) {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }
    if (checkpoints.includes(i)) {
      const now = performance.now();
      const usage = process.memoryUsage();
      rows.push(`| ${i.toLocaleString('en')} | ${us(now - windowStart, Math.min(WINDOW, i))} | ${us(now - start, i)} | ${mib(usage.rss)} | ${mib(usage.heapUsed)} |`);
    }
  }
  const total = performance.now() - start;
  return [
    `### In memory: ${MEMORY_TRIALS.toLocaleString('en')} trials (Study.inMemory, random scheduler and proposer, 3 hyperparameters, 2 objectives)`,
    '',
    `| trials so far | ask+tell µs/trial (last ${WINDOW.toLocaleString('en')}) | ask+tell µs/trial (mean so far) | RSS MiB | heap used MiB |`,
    '|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Total ${(total / 1000).toFixed(1)} s; peak RSS ${mib(peakRss)} MiB (${mib(baseline.rss)} MiB before the study), ` +
      `peak heap used ${mib(peakHeap)} MiB (${mib(baseline.heapUsed)} MiB before), sampled every 1,000 trials.`,
    '',
  ];
}

// ---- (b) journal ---------------------------------------------------------------------------------------
function journal(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-reliability-'));
  try {
    // Built without fsync (the file is the same; fsync'd figures are measured below on the full journal).
    let study = Study.open(dir, { space, objectives, proposer: 'random', seed: 1, fsync: false });
    const buildStart = performance.now();
    for (let i = 0; i < JOURNAL_TRIALS - WINDOW; i++) step(study);
    const lastStart = performance.now();
    for (let i = 0; i < WINDOW; i++) step(study);
    const lastEnd = performance.now();
    study.close();
    const file = path.join(dir, 'journal.jsonl');
    const bytes = fs.statSync(file).size;
    const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;

    const resumes: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      study = Study.open(dir, { fsync: false });
      resumes.push(performance.now() - t0);
      if (study.trials().length !== JOURNAL_TRIALS) throw new Error(`resumed ${study.trials().length} trials, expected ${JOURNAL_TRIALS}`);
      study.close();
    }
    resumes.sort((a, b) => a - b);

    study = Study.open(dir, { fsync: false });
    const t1 = performance.now();
    for (let i = 0; i < WINDOW; i++) step(study);
    const afterResume = performance.now() - t1;
    study.close();
    study = Study.open(dir, { fsync: true });
    const t2 = performance.now();
    for (let i = 0; i < FSYNC_TRIALS; i++) step(study);
    const fsynced = performance.now() - t2;
    study.close();
    return [
      `### Journal: ${JOURNAL_TRIALS.toLocaleString('en')} trials (Study.open in ${os.tmpdir()}, same space and objectives)`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| journal size | ${(bytes / 2 ** 20).toFixed(2)} MiB (${bytes.toLocaleString('en')} bytes, ${lines.toLocaleString('en')} events, ${(bytes / lines).toFixed(0)} bytes/event) |`,
      `| resume: Study.open (read + replay), median of 3 | ${(resumes[1] / 1000).toFixed(3)} s (min ${(resumes[0] / 1000).toFixed(3)}, max ${(resumes[2] / 1000).toFixed(3)}) |`,
      `| ask+tell while writing, mean over trials 1..${JOURNAL_TRIALS.toLocaleString('en')}, no fsync | ${us(lastEnd - buildStart, JOURNAL_TRIALS)} µs/trial |`,
      `| ask+tell at ${(JOURNAL_TRIALS - WINDOW).toLocaleString('en')}..${JOURNAL_TRIALS.toLocaleString('en')} trials, no fsync | ${us(lastEnd - lastStart, WINDOW)} µs/trial |`,
      `| ask+tell after resuming at ${JOURNAL_TRIALS.toLocaleString('en')} trials (${WINDOW.toLocaleString('en')} more), no fsync | ${us(afterResume, WINDOW)} µs/trial |`,
      `| ask+tell after resuming, fsync'd (default; ${FSYNC_TRIALS} trials) | ${us(fsynced, FSYNC_TRIALS)} µs/trial |`,
      '',
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [load1, load5] = os.loadavg();
console.log(`## frnas reliability figures\n`);
console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load1.toFixed(2)} / ${load5.toFixed(2)} (1 / 5 min) at start.\n`);
console.log(inMemory().join('\n'));
console.log(journal().join('\n'));
