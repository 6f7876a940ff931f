// The command-trial protocol's overhead per trial: the same trivial trainer (it reads its trial file and prints one
// final line) started directly, and run as a trial by commandObjective (trial file, FRNAS_* variables, log file,
// process group, line parsing). Alternated round by round so a loaded machine slows both alike; the overhead is
// the median of the paired differences, with its interquartile range.
//
//   npx tsx benchmarks/command-overhead.ts [--rounds 30]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commandObjective } from '../lib/index.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 30);
const dir = mkdtempSync(join(tmpdir(), 'frnas-overhead-'));
const NODE_SCRIPT = "const t=JSON.parse(require('fs').readFileSync(process.env.FRNAS_TRIAL_FILE,'utf8'));console.log('frnas:'+JSON.stringify({final:true,values:{loss:t.budget}}))";
const PY_SCRIPT = "import json,os;t=json.load(open(os.environ['FRNAS_TRIAL_FILE']));print('frnas:'+json.dumps({'final':True,'values':{'loss':t['budget']}}))";
const trainers: [string, string, string[]][] = [
  ['node', process.execPath, ['-e', NODE_SCRIPT]],
  ['python3', '/usr/bin/python3', ['-c', PY_SCRIPT]],
];

function direct(command: string, args: string[], trialFile: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, FRNAS_TRIAL_FILE: trialFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`exit ${code}`))));
  });
}

const quantile = (sorted: number[], q: number): number => {
  const i = (sorted.length - 1) * q;
  return sorted[Math.floor(i)] + (sorted[Math.ceil(i)] - sorted[Math.floor(i)]) * (i - Math.floor(i));
};

console.log(`command-trial overhead, ${rounds} paired rounds per trainer (machine: ${process.env.FRNAS_BENCH_NOTE ?? 'see docs/benchmarks.md'})`);
console.log('trainer | direct start-up s (median) | as a trial s (median) | overhead s (median of pairs) | IQR');
for (const [name, command, args] of trainers) {
  const trialFile = join(dir, `${name}-trial.json`);
  writeFileSync(trialFile, JSON.stringify({ budget: 1 }));
  const evaluate = commandObjective({ command, args, logDir: join(dir, name, 'logs') });
  const plain: number[] = [];
  const trial: number[] = [];
  for (let round = 0; round < rounds; round++) {
    plain.push(await direct(command, args, trialFile));
    const started = performance.now();
    const checkpointDir = join(dir, name, 'checkpoints', `trial-${round}`);
    await evaluate({ x: 1 }, 1, { trialId: round, configId: 'c', budget: 1, previousBudget: 0, attempt: 1, checkpointDir, signal: new AbortController().signal, studyDir: join(dir, name) });
    trial.push((performance.now() - started) / 1000);
  }
  const differences = trial.map((t, i) => t - plain[i]).sort((a, b) => a - b);
  const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
  console.log(
    `${name} | ${median(plain).toFixed(3)} | ${median(trial).toFixed(3)} | ${quantile(differences, 0.5).toFixed(4)} | ${quantile(differences, 0.25).toFixed(4)} .. ${quantile(differences, 0.75).toFixed(4)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
