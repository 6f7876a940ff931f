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

/** Wall time of a fresh process running `code`, and the CPU time it used (user + system, start-up included). */
function measure(code: string): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  // --input-type=module: top-level await, as an ESM user's first import. CPU time is less disturbed than wall time
  // when the machine is shared.
  const script = `${code};\nconst u = process.cpuUsage(); console.log((u.user + u.system) / 1000);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${code}: exit ${String(r.status)}\n${r.stderr}`);
  return { wall, cpu: Number(r.stdout.trim().split('\n').pop()) };
}

ensureBuiltDist();
for (const c of cases) measure(c.code); // warm the file system cache
const wall = cases.map(() => [] as number[]);
const cpu = cases.map(() => [] as number[]);
for (let r = 0; r < repeats; r++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (k + r) % cases.length;
    const m = measure(cases[i].code);
    wall[i].push(m.wall);
    cpu[i].push(m.cpu);
  }
}
const cell = (xs: number[]): string => `${quantile(xs, 0.5).toFixed(0)} (${quantile(xs, 0.25).toFixed(0)}-${quantile(xs, 0.75).toFixed(0)})`;
const over = (xs: number[], bare: number[]): string => { const d = quantile(xs, 0.5) - quantile(bare, 0.5); return `${d >= 0 ? '+' : ''}${d.toFixed(0)}`; };
console.log(`node ${process.version}, ${repeats} repeats per case, fresh processes; ms, median (p25-p75):`);
console.log('| case | wall | wall over bare node | CPU (user+system) | CPU over bare node |');
console.log('|---|---|---|---|---|');
cases.forEach((c, i) => {
  console.log(`| ${c.name} | ${cell(wall[i])} | ${i === 0 ? '' : over(wall[i], wall[0])} | ${cell(cpu[i])} | ${i === 0 ? '' : over(cpu[i], cpu[0])} |`);
});
