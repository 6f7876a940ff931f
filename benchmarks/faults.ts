// Fault injection (issue 19, "Faults"): SIGKILL a search at seeded random moments, resume it, and check from the
// journal that every trial is told exactly once and that the front equals the uninterrupted run's where the
// scheduler is deterministic.
//
// Run: npx tsx benchmarks/faults.ts [--seed 1] [--trials 60] [--kills 20,15,15] [--dist-trials 60] [--dist-events 12] [--dist-sleep-ms 200]
//                                   [--only in-process|distributed] [--pause-ms 500]
//
// In-process: each scenario runs optimize() (lib/search) with a journal folder in a child process
// (`node --import tsx benchmarks/faults.ts --child <dir> <scenario>`) on a ZDT1-like objective of three floats that
// sleeps SLEEP_MS per budget unit (so most kills land mid-trial). The parent picks, per kill, a seeded journal line
// count to wait for and a seeded 0..30 ms delay after it, SIGKILLs the child there, and starts it again on the same
// folder until the search finishes. Scenarios: Hyperband + random proposer at concurrency 1 (deterministic: its
// trials and front are compared with an uninterrupted in-memory run with the same seed), and Hyperband and ASHA at
// concurrency 2 (which trials run depends on timing: exactly-once only).
//
// Distributed (needs redis-server; skipped otherwise): a private redis-server (appendonly, appendfsync always) on a
// loopback port, a coordinator (`frnas coordinate`, tell order trial-id, ASHA + random) and 2 workers
// (`frnas worker`), all separate processes; at seeded moments (a seeded number of told results, then 0..300 ms)
// one of: SIGKILL the coordinator and start it again, SIGKILL a worker and start another, SIGKILL redis-server and
// start it again on the same data folder and port. Each event waits until at least one more result was told since the
// last. The front is compared with the in-process ask/tell sequence the trial-id tell order reproduces.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { Space } from '../lib/space/index.js';
import { optimize, Study, type OptimizeOptions, type Trial } from '../lib/search/index.js';
import type { Configuration } from '../lib/space/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const SPACE_JSON = {
  name: 'zdt-3',
  hyperparameters: {
    x0: { type: 'float', lower: 0, upper: 1 },
    x1: { type: 'float', lower: 0, upper: 1 },
    x2: { type: 'float', lower: 0, upper: 1 },
  },
};

/** Milliseconds between a kill and the restart (the restart's start-up is the benchmark's main CPU cost). */
const PAUSE_MS = Number(argument('pause-ms', '500'));
/** Milliseconds an in-process trial sleeps per budget unit. */
const SLEEP_MS = 15;
const MAX_BUDGET = 9;

/** ZDT1 on (x0, x1, x2) with a bias that shrinks as the budget grows (like analyticEvaluator in lib/distributed). */
function zdt(config: Configuration, budget: number): { f1: number; f2: number } {
  const x = ['x0', 'x1', 'x2'].map((k) => Number(config[k]));
  const g = 1 + (9 * (x[1] + x[2])) / 2;
  const f2 = g * (1 - Math.sqrt(x[0] / g));
  const bias = 0.2 * Math.max(0, 1 - budget / MAX_BUDGET) * (1 + Math.sin(7 * x[0] + 3 * x[1]));
  return { f1: x[0] + bias, f2: f2 + bias };
}

interface InProcessScenario {
  name: string;
  scheduler: 'hyperband' | 'asha';
  concurrency: number;
  /** Whether which trials run is independent of timing (then the front is compared). */
  deterministic: boolean;
}

const SCENARIOS: InProcessScenario[] = [
  { name: 'in-process, Hyperband, 1 worker', scheduler: 'hyperband', concurrency: 1, deterministic: true },
  { name: 'in-process, Hyperband, 2 workers', scheduler: 'hyperband', concurrency: 2, deterministic: false },
  { name: 'in-process, ASHA, 2 workers', scheduler: 'asha', concurrency: 2, deterministic: false },
];

function searchOptions(scenario: InProcessScenario, trials: number, seed: number): Omit<OptimizeOptions, 'evaluate'> {
  return {
    space: Space.fromJSON(SPACE_JSON),
    objectives: [
      { name: 'f1', direction: 'minimize' },
      { name: 'f2', direction: 'minimize' },
    ],
    fidelity: { min: 1, max: MAX_BUDGET, eta: 3 },
    scheduler: scenario.scheduler,
    proposer: 'random',
    seed,
    concurrency: scenario.concurrency,
    stop: { trials },
  };
}

/** The child: runs (or resumes) one scenario's search in `dir`. */
async function child(): Promise<void> {
  const [dir, index, trials, seed] = process.argv.slice(process.argv.indexOf('--child') + 1);
  const scenario = SCENARIOS[Number(index)];
  await optimize({
    ...searchOptions(scenario, Number(trials), Number(seed)),
    storage: dir,
    evaluate: async (config, budget) => {
      await new Promise((resolve) => setTimeout(resolve, SLEEP_MS * budget));
      return zdt(config, budget);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface JournalEvent {
  type: string;
  trial?: number;
  status?: string;
}

function readJournal(dir: string): JournalEvent[] {
  const file = path.join(dir, 'journal.jsonl');
  if (!fs.existsSync(file)) return [];
  // A torn last line (killed mid-write) is not an event; Study.open drops it with a warning.
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))
    .map((l) => JSON.parse(l) as JournalEvent);
}

/** Journal lines, re-counted only when the file grew. */
class LineCounter {
  private size = -1;
  private count = 0;
  constructor(private readonly file: string) {}
  lines(): number {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return 0;
    }
    if (size !== this.size) {
      this.size = size;
      const text = fs.readFileSync(this.file, 'utf8');
      this.count = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.count++;
    }
    return this.count;
  }
  results(): number {
    return readJournal(path.dirname(this.file)).filter((e) => e.type === 'result').length;
  }
}

interface Row {
  scenario: string;
  kills: string;
  trials: number;
  expectedTrials: number;
  toldOnce: boolean;
  duplicates: number;
  lost: number;
  rerun: number;
  front: 'yes' | 'no' | 'n.a.';
  allTrials: 'yes' | 'no' | 'n.a.';
  unexpectedExits: number;
  seconds: number;
}

/** Exactly-once figures from the journal: trials asked, result events per trial. */
function exactlyOnce(events: JournalEvent[], expected: number): Pick<Row, 'trials' | 'toldOnce' | 'duplicates' | 'lost' | 'rerun'> {
  const asked = events.filter((e) => e.type === 'asked' || e.type === 'promoted').map((e) => e.trial as number);
  const results = new Map<number, number>();
  for (const e of events) if (e.type === 'result') results.set(e.trial as number, (results.get(e.trial as number) ?? 0) + 1);
  const distinctAsked = new Set(asked);
  let duplicates = asked.length - distinctAsked.size; // a trial id asked twice
  for (const n of results.values()) duplicates += Math.max(0, n - 1);
  let lost = 0;
  for (const id of distinctAsked) if (!results.has(id)) lost++;
  for (const id of results.keys()) if (!distinctAsked.has(id)) lost++; // a result for a trial never asked: broken journal
  const idsInOrder = [...distinctAsked].sort((a, b) => a - b).every((id, i) => id === i);
  return {
    trials: distinctAsked.size,
    toldOnce: duplicates === 0 && lost === 0 && idsInOrder && distinctAsked.size === expected,
    duplicates,
    lost,
    rerun: events.filter((e) => e.type === 'started').length,
  };
}

const frontKey = (t: Trial): string => JSON.stringify([t.configId, t.budget, t.status, t.values]);
const trialKey = (t: Trial): string => JSON.stringify([t.id, t.configId, t.budget, t.bracket, t.rung, t.parentTrialId, t.status, t.values]);
const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function inProcess(index: number, kills: number, trials: number, seed: number): Promise<Row> {
  const scenario = SCENARIOS[index];
  const rng = seedrandom(`faults:${seed}:${index}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-faults-'));
  const journal = new LineCounter(path.join(dir, 'journal.jsonl'));
  // Kill moments: seeded journal line counts spread over the search (header + asked + result per trial), sorted.
  const lastLine = 2 * trials;
  const targets = Array.from({ length: kills }, () => 1 + Math.floor(rng() * (lastLine - 1))).sort((a, b) => a - b);
  const delays = Array.from({ length: kills }, () => Math.floor(rng() * 30));
  let killed = 0;
  let midTrial = 0;
  let unexpectedExits = 0;
  const t0 = performance.now();
  try {
    for (;;) {
      const proc = spawn(process.execPath, ['--import', 'tsx', self, '--child', dir, String(index), String(trials), String(seed)], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const done = exited(proc);
      if (killed < kills) {
        while (journal.lines() < targets[killed] && proc.exitCode === null && proc.signalCode === null) await sleep(5);
        await sleep(delays[killed]);
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGKILL');
          await done;
          killed++;
          const events = readJournal(dir);
          const told = new Set(events.filter((e) => e.type === 'result').map((e) => e.trial));
          if (events.some((e) => (e.type === 'asked' || e.type === 'promoted') && !told.has(e.trial))) midTrial++;
          await sleep(PAUSE_MS); // keeps the machine's load light (a restart compiles TypeScript)
          continue;
        }
      }
      const { code } = await done;
      if (code === 0) break;
      unexpectedExits++;
      console.error(`${scenario.name}: the child exited with ${code}:\n${stderr.slice(-2000)}`);
      if (unexpectedExits > 3) throw new Error(`${scenario.name}: the search keeps failing`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const events = readJournal(dir);
    const once = exactlyOnce(events, trials);
    let front: Row['front'] = 'n.a.';
    let allTrials: Row['allTrials'] = 'n.a.';
    const study = Study.open(dir, { readOnly: true });
    if (study.runningCount > 0) once.toldOnce = false;
    if (scenario.deterministic) {
      const reference = await optimize({ ...searchOptions(scenario, trials, seed), evaluate: (config, budget) => zdt(config, budget) });
      front = sameList(study.paretoFront().map(frontKey), reference.paretoFront.map(frontKey)) ? 'yes' : 'no';
      allTrials = sameList(study.trials().map(trialKey), reference.trials.map(trialKey)) ? 'yes' : 'no';
    }
    study.close();
    return { scenario: scenario.name, kills: `${killed} (${midTrial} mid-trial)`, expectedTrials: trials, ...once, front, allTrials, unexpectedExits, seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

interface Proc {
  proc: ChildProcess;
  output: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set when this benchmark killed it on purpose. */
  killed: boolean;
}

async function distributed(events: number, trials: number, seed: number): Promise<Row | string> {
  const { redisMissingReason, RedisTestServer } = await import('../test/distributed/redis-server.js');
  const missing = redisMissingReason();
  if (missing) return missing;
  const { inProcessReference, resultKey } = await import('../test/distributed/helpers.js');
  const cli = path.join(root, 'test', 'distributed', 'fixtures', 'cli.ts');
  const rng = seedrandom(`faults:${seed}:distributed`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-faults-dist-'));
  fs.mkdirSync(path.join(dir, 'redis'));
  const redis = await RedisTestServer.start({ password: 'faults', dir: path.join(dir, 'redis') });
  const url = redis.url();
  const spaceFile = path.join(dir, 'space.json');
  fs.writeFileSync(spaceFile, JSON.stringify(SPACE_JSON));
  const out = path.join(dir, 'study');
  const window = 2;
  const distSeed = 11;
  const coordinatorArgs = [
    'coordinate', '--redis', url, '--out', out, '--study', 'faults', '--space', spaceFile,
    '--evaluator', 'zdt1', '--evaluator-options', JSON.stringify({ maxBudget: 4, sleepMs: Number(argument('dist-sleep-ms', '200')) }), '--objectives', 'f1,f2',
    '--scheduler', 'asha', '--proposer', 'random', '--min-epochs', '1', '--max-epochs', '4', '--eta', '2',
    '--trials', String(trials), '--in-flight', String(window), '--tell-order', 'trial-id', '--seed', String(distSeed),
  ];
  const workerArgs = ['worker', '--redis', url, '--study', 'faults', '--lock-duration', '2', '--stalled-interval', '1', '--max-stalled', '1000',
    '--checkpoints', path.join(dir, 'checkpoints')];
  const all: Proc[] = [];
  const start = (args: string[]): Proc => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const p: Proc = { proc, output: () => output, done: exited(proc), killed: false };
    all.push(p);
    return p;
  };
  const kill = async (p: Proc): Promise<void> => {
    p.killed = true;
    p.proc.kill('SIGKILL');
    await p.done;
  };
  const running = (p: Proc): boolean => p.proc.exitCode === null && p.proc.signalCode === null;

  // The event schedule: kinds in a seeded order (as even a mix as the count allows), each at a seeded result count.
  const kinds = Array.from({ length: events }, (_, i) => (['coordinator', 'worker', 'redis'] as const)[i % 3]);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const targets = Array.from({ length: events }, () => 1 + Math.floor(rng() * (trials - 2))).sort((a, b) => a - b);
  const delays = Array.from({ length: events }, () => Math.floor(rng() * 300));
  const counts = { coordinator: 0, worker: 0, redis: 0 };
  let unexpectedExits = 0;
  const journal = new LineCounter(path.join(out, 'journal.jsonl'));
  const t0 = performance.now();
  try {
    const workers = [start(workerArgs), start(workerArgs)];
    let coordinator = start(coordinatorArgs);
    let resultsAtLastEvent = -1;
    let lastLines = -1;
    let results = 0;
    let event = 0;
    for (;;) {
      // Supervise: restart whatever died without being killed here (a finding: reported as unexpected exits).
      if (!running(coordinator)) {
        const { code } = await coordinator.done;
        if (!coordinator.killed && code === 0) break;
        if (!coordinator.killed) {
          unexpectedExits++;
          console.error(`coordinator exited with ${code}:\n${coordinator.output().slice(-1500)}`);
          if (unexpectedExits > 10) throw new Error('the coordinator keeps failing');
          await sleep(500);
        }
        coordinator = start(coordinatorArgs);
      }
      for (let w = 0; w < workers.length; w++) {
        if (running(workers[w])) continue;
        if (!workers[w].killed) {
          unexpectedExits++;
          console.error(`a worker exited with ${workers[w].proc.exitCode}:\n${workers[w].output().slice(-1500)}`);
          if (unexpectedExits > 10) throw new Error('the workers keep failing');
        }
        workers[w] = start(workerArgs);
      }
      const lines = journal.lines();
      if (lines !== lastLines) {
        lastLines = lines;
        results = journal.results();
      }
      if (event < events && results > resultsAtLastEvent && results >= targets[event]) {
        await sleep(delays[event]);
        const kind = kinds[event];
        if (kind === 'coordinator') {
          if (running(coordinator)) await kill(coordinator);
        } else if (kind === 'worker') {
          const victim = workers[Math.floor(rng() * workers.length)];
          if (running(victim)) await kill(victim);
        } else {
          await redis.kill();
          await redis.launch();
        }
        counts[kind]++;
        await sleep(PAUSE_MS);
        resultsAtLastEvent = journal.results();
        event++;
        continue;
      }
      await sleep(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const w of workers) if (running(w)) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
    const once = exactlyOnce(readJournal(out), trials);
    const study = Study.open(out, { readOnly: true });
    if (study.runningCount > 0) once.toldOnce = false;
    const reference = await inProcessReference(distSeed, trials, window, 4);
    const front = sameList(study.paretoFront().map(resultKey), reference.front.map(resultKey)) ? 'yes' : 'no';
    const allTrials = sameList(study.trials().map(resultKey), reference.trials.map(resultKey)) ? 'yes' : 'no';
    study.close();
    const total = counts.coordinator + counts.worker + counts.redis;
    return {
      scenario: 'distributed: coordinator + 2 workers + Redis',
      kills: `${total} (coordinator ${counts.coordinator}, worker ${counts.worker}, Redis ${counts.redis})`,
      expectedTrials: trials,
      ...once,
      front,
      allTrials,
      unexpectedExits,
      seconds,
    };
  } finally {
    for (const p of all) if (running(p)) p.proc.kill('SIGKILL');
    await Promise.all(all.map((p) => p.done));
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const seed = Number(argument('seed', '1'));
  const trials = Number(argument('trials', '60'));
  const kills = argument('kills', '20,15,15').split(',').map(Number);
  const distTrials = Number(argument('dist-trials', '60'));
  const distEvents = Number(argument('dist-events', '12'));
  const only = argument('only', 'all');
  const rows: Row[] = [];
  const notes: string[] = [];
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(', ');
  const loadBefore = load();
  const t0 = performance.now();
  if (only !== 'distributed') {
    for (let i = 0; i < SCENARIOS.length; i++) {
      if (!(kills[i] > 0)) continue;
      const row = await inProcess(i, kills[i], trials, seed);
      console.error(`${row.scenario}: ${row.kills} kills, ${row.seconds.toFixed(1)} s`);
      rows.push(row);
    }
  }
  if (only !== 'in-process' && distEvents > 0) {
    const row = await distributed(distEvents, distTrials, seed);
    if (typeof row === 'string') notes.push(`distributed: skipped (${row})`);
    else rows.push(row);
  }
  console.log('| scenario | kills | trials | results told once | duplicates | lost | re-run trials | front equal to uninterrupted | all trials equal | unexpected exits | wall time |');
  console.log('|---|---|---:|---|---:|---:|---:|---|---|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.kills} | ${r.trials} / ${r.expectedTrials} | ${r.toldOnce ? 'yes' : 'no'} | ${r.duplicates} | ${r.lost} | ${r.rerun} | ${r.front} | ${r.allTrials} | ${r.unexpectedExits} | ${r.seconds.toFixed(1)} s |`,
    );
  }
  for (const note of notes) console.log(`\n${note}`);
  console.log(
    `\n${new Date().toISOString()}; Node ${process.version}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); ` +
      `load average ${loadBefore} before, ${load()} after; ${((performance.now() - t0) / 1000).toFixed(0)} s in all.`,
  );
  if (rows.some((r) => !r.toldOnce || r.front === 'no')) process.exitCode = 1;
}

if (process.argv.includes('--child')) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
