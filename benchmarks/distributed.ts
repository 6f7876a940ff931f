// The distributed backend's own overhead (Redis + BullMQ, not training): trials/s and scheduling latency
// (enqueue -> a worker starts the trial) at 1, 2, 4 and 8 local worker processes on a zero-cost analytic objective.
// Run: npx tsx benchmarks/distributed.ts [--trials 200] [--workers 1,2,4,8] [--fsync false]
// Needs redis-server (started here on a free loopback port with appendonly yes, appendfsync always).
// Every worker is a separate `frnas worker` process (concurrency 1); the coordinator runs in this process with an
// fsync'd journal, ASHA and the random proposer on three floats. "in flight" is how many trials the coordinator
// keeps queued or running: = workers measures dispatch latency alone; = 2 x workers keeps a next trial waiting
// for every worker (more throughput, and latency then includes the wait in the queue). The last column is the
// in-process optimize() with concurrency = workers on the same objective, for comparison.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyticEvaluator, runCoordinator } from '../lib/distributed/index.js';
import { optimize, Space, type StudyOptions } from '../lib/index.js';
import { redisMissingReason, RedisTestServer } from '../test/distributed/redis-server.js';

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const TRIALS = Number(argument('trials', '200'));
const FSYNC = argument('fsync', 'true') !== 'false';
const WORKER_COUNTS = argument('workers', '1,2,4,8').split(',').map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'test', 'distributed', 'fixtures', 'cli.ts');

function studyOptions(): StudyOptions {
  const float = { type: 'float', lower: 0, upper: 1 };
  return {
    space: Space.fromJSON({ hyperparameters: { x0: float, x1: float, x2: float } }),
    objectives: [
      { name: 'f1', direction: 'minimize' },
      { name: 'f2', direction: 'minimize' },
    ],
    fidelity: { min: 1, max: 27, eta: 3 },
    scheduler: 'asha',
    proposer: 'random',
    seed: 1,
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function startWorkers(url: string, study: string, count: number): Promise<ChildProcess[]> {
  const started = Array.from({ length: count }, () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'worker', '--redis', url, '--study', study, '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
      let output = '';
      child.stdout?.on('data', (d) => {
        output += d;
        if (output.includes('serving')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`worker exited with ${code} before serving`)));
    }),
  );
  return Promise.all(started);
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.removeAllListeners('exit');
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

interface Row {
  workers: number;
  inFlight: number;
  trialsPerSecond: number;
  latencyMedian: number;
  latencyP95: number;
  toldMedian: number;
}

async function main(): Promise<void> {
  const missing = redisMissingReason();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const redisDir = mkdtempSync(join(tmpdir(), 'frnas-bench-redis-'));
  const redis = await RedisTestServer.start({ dir: redisDir });
  const rows: Row[] = [];
  const inProcess = new Map<number, number>();
  try {
    for (const count of WORKER_COUNTS) {
      const study = `bench-${count}`;
      const children = await startWorkers(redis.url(), study, count);
      try {
        for (const inFlight of [count, 2 * count]) {
          const dir = mkdtempSync(join(tmpdir(), 'frnas-bench-study-'));
          const start = performance.now();
          const result = await runCoordinator({
            ...studyOptions(),
            redis: redis.url(),
            directory: dir,
            study,
            evaluator: { name: 'zdt1', options: { maxBudget: 27 } },
            stop: { trials: TRIALS },
            inFlight,
            fsync: FSYNC,
          });
          const seconds = (performance.now() - start) / 1000;
          rmSync(dir, { recursive: true, force: true });
          const latency = result.timings.map((t) => t.startedAt - t.enqueuedAt).sort((a, b) => a - b);
          const told = result.timings.map((t) => t.toldAt - t.finishedAt).sort((a, b) => a - b);
          rows.push({
            workers: count,
            inFlight,
            trialsPerSecond: result.trials.length / seconds,
            latencyMedian: quantile(latency, 0.5),
            latencyP95: quantile(latency, 0.95),
            toldMedian: quantile(told, 0.5),
          });
        }
      } finally {
        await stopWorkers(children);
      }
      const evaluate = await analyticEvaluator(0.5)({ maxBudget: 27 }, {});
      // Same journal settings as the coordinator, so the difference is the queue.
      const dir = mkdtempSync(join(tmpdir(), 'frnas-bench-local-'));
      const start = performance.now();
      const local = await optimize({ ...studyOptions(), evaluate, stop: { trials: TRIALS }, concurrency: count, storage: dir, fsync: FSYNC });
      inProcess.set(count, local.trials.length / ((performance.now() - start) / 1000));
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
  }
  console.log(`frnas distributed overhead: ${TRIALS} trials per row, zero-cost objective, journal fsync ${FSYNC ? 'on' : 'off'}, ${cpus().length} CPU cores, Node ${process.version}`);
  console.log('| workers | in flight | trials/s | latency median (ms) | latency p95 (ms) | finish -> told median (ms) | in-process optimize() trials/s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.workers} | ${r.inFlight} | ${r.trialsPerSecond.toFixed(1)} | ${r.latencyMedian.toFixed(1)} | ${r.latencyP95.toFixed(1)} | ${r.toldMedian.toFixed(1)} | ${(inProcess.get(r.workers) ?? NaN).toFixed(0)} |`,
    );
  }
}

await main();
