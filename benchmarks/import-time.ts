// Import time of the built package: `frnas/search`, `frnas` (the root) and, for scale, what the root cost when it loaded
// TensorFlow.js, sharp and BullMQ at import (those three imported directly), each against a bare `node -e ''` in the same run.
// Every repeat runs the cases in a rotated order in fresh processes; figures are medians with the 25th-75th percentile range.
// Run: npx tsx benchmarks/import-time.ts [--repeats 15]   (builds dist/lib first when lib/ changed)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quantile } from 'simple-statistics';
import { ensureBuiltDist, repoRoot } from '../test/support/built-dist.js';

const repeatsFlag = process.argv.indexOf('--repeats');
const repeats = repeatsFlag >= 0 ? Number(process.argv[repeatsFlag + 1]) : 15;
if (!Number.isInteger(repeats) || repeats < 3) throw new Error(`--repeats must be an integer >= 3, got ${process.argv[repeatsFlag + 1]}`);

const dist = (path: string): string => pathToFileURL(join(repoRoot, 'dist', 'lib', path)).href;
const cases: { name: string; code: string }[] = [
  { name: "node -e ''", code: '' },
  { name: 'frnas/search', code: `await import(${JSON.stringify(dist('search/index.js'))})` },
  { name: 'frnas/pareto', code: `await import(${JSON.stringify(dist('pareto/index.js'))})` },
  { name: 'frnas (root)', code: `await import(${JSON.stringify(dist('index.js'))})` },
  { name: 'tfjs + sharp + bullmq (the root before)', code: "await Promise.all([import('@tensorflow/tfjs'), import('sharp'), import('bullmq')])" },
];

function wallMs(code: string): number {
  const start = process.hrtime.bigint();
  // --input-type=module: top-level await, as an ESM user's first import.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${code}: exit ${String(r.status)}\n${r.stderr}`);
  return ms;
}

ensureBuiltDist();
for (const c of cases) wallMs(c.code); // warm the file system cache
const times = cases.map(() => [] as number[]);
for (let r = 0; r < repeats; r++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (k + r) % cases.length;
    times[i].push(wallMs(cases[i].code));
  }
}
const bare = quantile(times[0], 0.5);
console.log(`node ${process.version}, ${repeats} repeats per case, wall time of a fresh process (ms):`);
console.log('| case | median | p25-p75 | over bare node (median) |');
console.log('|---|---|---|---|');
cases.forEach((c, i) => {
  const median = quantile(times[i], 0.5);
  console.log(`| ${c.name} | ${median.toFixed(0)} | ${quantile(times[i], 0.25).toFixed(0)}-${quantile(times[i], 0.75).toFixed(0)} | ${i === 0 ? '' : `+${(median - bare).toFixed(0)}`} |`);
});
