// What one dashboard refresh costs after a study's journal changed: reading the journal without its lock (replay included),
// and building the view with the parameter importance refitted, against the same view reusing the last importance
// (what the dashboard does until the ok trials grew by 5 %).
// Run: npx tsx benchmarks/dashboard-refresh.ts [--trials 250,1000,2000] [--seeds 3]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { readStudySnapshot, studyView } from '../lib/results/index.js';
import { Study } from '../lib/search/index.js';
import { Space } from '../lib/space/index.js';

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const SIZES = argument('trials', '250,1000,2000').split(',').map(Number);
const SEEDS = Number(argument('seeds', '3'));
const space = Space.fromFile(fileURLToPath(new URL('../search-spaces/frnas-dpn.json', import.meta.url)));

/** A Hyperband study of `trials` finished trials on the FR-NAS DPN space with analytic values and per-group attributes. */
function writeStudy(dir: string, trials: number, seed: number): void {
  const study = Study.open(dir, { space, objectives: [{ name: 'error', direction: 'minimize' }, { name: 'rank_disparity', direction: 'minimize' }], fidelity: { min: 1, max: 27, eta: 3 }, seed, fsync: false });
  const noise = seedrandom(`values:${seed}`);
  while (study.finishedCount < trials) {
    const t = study.ask();
    const error = 0.2 + 0.5 / t.budget + 0.1 * noise();
    const disparity = 0.1 + 0.3 * noise();
    study.tell(t.id, { values: { error, rank_disparity: disparity }, attributes: { perGroup: { female: { accuracy: 1 - error }, male: { accuracy: 1 - error + disparity } } }, cost: { seconds: t.budget } });
  }
  study.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}, ${Math.max(...xs).toFixed(0)}]`;

console.log(`| trials | read (ms) | view, importance refitted (ms) | view, importance reused (ms) | refitted / reused |`);
console.log(`|---|---|---|---|---|`);
for (const trials of SIZES) {
  const read: number[] = [];
  const fresh: number[] = [];
  const reused: number[] = [];
  const ratios: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-bench-dashboard-'));
    try {
      writeStudy(dir, trials, seed);
      let start = performance.now();
      const snapshot = readStudySnapshot(dir);
      read.push(performance.now() - start);
      start = performance.now();
      const first = studyView(snapshot, 'a');
      fresh.push(performance.now() - start);
      start = performance.now();
      // Force reuse: the same trials, so the ok count has not grown.
      const again = studyView(snapshot, 'b', first.importance[0]?.trials >= 100 ? first : undefined);
      reused.push(performance.now() - start);
      if (again.importance !== first.importance && trials >= 100) throw new Error('importance was not reused');
      ratios.push(fresh.at(-1)! / reused.at(-1)!);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`| ${trials} | ${range(read)} | ${range(fresh)} | ${range(reused)} | ${median(ratios).toFixed(1)}x [${Math.min(...ratios).toFixed(1)}, ${Math.max(...ratios).toFixed(1)}] |`);
}
console.log(`\nmedian [min, max] over ${SEEDS} seeds; node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
