// The search engine's own overhead: time per ask + tell, with an instant evaluation, for each scheduler.
// Run: npx tsx benchmarks/search-overhead.ts [--trials 10000] [--journal-trials 1000]
// In memory with one and two objectives, then with the journal (fsync'd, and without fsync), then the time to
// re-open (replay) the journal. The random-forest proposer's figures are measured by its own benchmark.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { fileURLToPath } from 'node:url';
import { Space } from '../lib/space/index.js';
import { Study, type ObjectiveSpec, type SchedulerName, type StudyOptions } from '../lib/search/index.js';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const TRIALS = argument('trials', 10_000);
const JOURNAL_TRIALS = argument('journal-trials', 1_000);
const space = Space.fromFile(fileURLToPath(new URL('../search-spaces/frnas-dpn.json', import.meta.url)));
const fidelity = { min: 1, max: 27, eta: 3 };
const ONE: ObjectiveSpec[] = [{ name: 'error', direction: 'minimize' }];
const TWO: ObjectiveSpec[] = [...ONE, { name: 'disparity', direction: 'minimize' }];

/** Sequential ask/tell of `trials` trials; returns microseconds per ask + tell. */
function run(study: Study, trials: number): number {
  const noise = seedrandom('values');
  const start = performance.now();
  for (let i = 0; i < trials; i++) {
    const trial = study.ask();
    const edge = Number(trial.config.edge1);
    study.tell(trial.id, {
      values: { error: (edge + 1) / (trial.budget + 1) + 0.1 * noise(), disparity: noise() },
      cost: { seconds: 0 },
    });
  }
  return ((performance.now() - start) * 1000) / trials;
}

function options(scheduler: SchedulerName, objectives: ObjectiveSpec[]): StudyOptions {
  return { space, objectives, fidelity, scheduler, proposer: 'random', seed: 1, onWarning: () => undefined };
}

const schedulers: SchedulerName[] = ['random', 'sh', 'hyperband', 'asha'];
const format = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

console.log(`search engine overhead, per ask + tell (Node ${process.version}, ${os.cpus().length} CPUs, frnas-dpn space, fidelity 1..27 eta 3)`);
console.log(`\nin memory, ${TRIALS} trials:`);
for (const scheduler of schedulers) {
  const one = run(Study.inMemory(options(scheduler, ONE)), TRIALS);
  const two = run(Study.inMemory(options(scheduler, TWO)), TRIALS);
  console.log(`  ${scheduler.padEnd(10)} 1 objective ${format(one).padStart(10)}   2 objectives ${format(two).padStart(10)}`);
}

// ASHA with several objectives re-ranks its bottom rung at every decision, so its cost grows with the study.
const small = Math.min(1_000, TRIALS);
console.log(`  asha, ${small} trials: 2 objectives ${format(run(Study.inMemory(options('asha', TWO)), small))}`);
// Hypervolume promotion has no incremental ranking: the whole rung is ranked at each decision.
for (const n of [small, TRIALS]) {
  console.log(`  asha, hypervolume promotion, ${n} trials: 2 objectives ${format(run(Study.inMemory({ ...options('asha', TWO), promotion: 'hypervolume' }), n))}`);
}

console.log(`\njournal, ${JOURNAL_TRIALS} trials, 2 objectives (replay = Study.open of the finished journal, per trial):`);
for (const scheduler of schedulers) {
  const cells: string[] = [];
  for (const fsync of [true, false]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-bench-'));
    const study = Study.open(dir, { ...options(scheduler, TWO), fsync });
    cells.push(`fsync ${fsync ? 'on ' : 'off'} ${format(run(study, JOURNAL_TRIALS)).padStart(10)}`);
    study.close();
    if (!fsync) {
      const start = performance.now();
      Study.open(dir, options(scheduler, TWO)).close();
      cells.push(`replay ${format(((performance.now() - start) * 1000) / JOURNAL_TRIALS).padStart(9)}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`  ${scheduler.padEnd(10)} ${cells.join('   ')}`);
}
