// Micro-benchmark of lib/space on a 20-hyperparameter conditional space with forbidden clauses:
// configurations sampled, encoded, decoded, validated and one-exchange neighbourhoods per second.
// Run: npx tsx benchmarks/space-sampling.ts   (or npm run bench:space). Figures are machine-dependent.
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { Space } from '../lib/space/index.js';
import type { Configuration } from '../lib/space/index.js';

const space = Space.fromJSON({
  name: 'benchmark-20',
  hyperparameters: {
    arch: { type: 'categorical', choices: ['resnet', 'dpn', 'vit'] },
    depth: { type: 'integer', lower: 2, upper: 50, log: true, default: 10 },
    width: { type: 'integer', lower: 8, upper: 512, log: true, default: 64 },
    kernel: { type: 'ordinal', sequence: [1, 3, 5, 7], default: 3 },
    groups: { type: 'integer', lower: 1, upper: 64, log: true },
    k_r: { type: 'integer', lower: 16, upper: 256, q: 16 },
    patch: { type: 'ordinal', sequence: [4, 8, 16, 32] },
    heads: { type: 'integer', lower: 1, upper: 16, default: 4 },
    mlp_ratio: { type: 'float', lower: 1, upper: 8 },
    head: { type: 'categorical', choices: ['CosFace', 'ArcFace', 'MagFace'] },
    margin: { type: 'float', lower: 0.1, upper: 0.8, default: 0.35 },
    scale: { type: 'float', lower: 8, upper: 64, q: 8, default: 64 },
    optimizer: { type: 'categorical', choices: ['Adam', 'AdamW', 'SGD'], weights: [1, 1, 2], default: 'Adam' },
    lr_adam: { type: 'float', lower: 1e-5, upper: 1e-2, log: true, default: 1e-3 },
    beta1: { type: 'float', lower: 0.8, upper: 0.99, default: 0.9 },
    lr_sgd: { type: 'float', lower: 0.09, upper: 0.8, log: true, default: 0.1 },
    momentum: { type: 'float', lower: 0, upper: 0.99, default: 0.9 },
    nesterov: { type: 'categorical', choices: [true, false] },
    weight_decay: { type: 'float', lower: 1e-6, upper: 1e-2, log: true, default: 1e-4 },
    dropout: { type: 'float', lower: 0, upper: 0.5, default: 0 },
  },
  conditions: [
    { child: 'kernel', parent: 'arch', notEquals: 'vit' },
    { child: 'groups', parent: 'arch', equals: 'dpn' },
    { child: 'k_r', parent: 'arch', equals: 'dpn' },
    { child: 'patch', parent: 'arch', equals: 'vit' },
    { child: 'heads', parent: 'arch', equals: 'vit' },
    { child: 'mlp_ratio', parent: 'heads', greaterThan: 1 },
    { child: 'margin', parent: 'head', in: ['CosFace', 'ArcFace'] },
    { child: 'lr_adam', parent: 'optimizer', in: ['Adam', 'AdamW'] },
    { child: 'beta1', parent: 'optimizer', in: ['Adam', 'AdamW'] },
    { child: 'lr_sgd', parent: 'optimizer', equals: 'SGD' },
    { child: 'momentum', parent: 'optimizer', equals: 'SGD' },
    { child: 'nesterov', parent: 'momentum', greaterThan: 0.5 },
    { child: 'dropout', any: [{ parent: 'arch', equals: 'vit' }, { parent: 'depth', greaterThan: 20 }] },
  ],
  forbidden: [
    { equals: { arch: 'resnet', kernel: 7 } },
    { all: [{ equals: { optimizer: 'SGD' } }, { in: { head: ['MagFace'] } }] },
    { relation: 'heads > depth' },
  ],
});

/** Operations per second of `operation`, best of `rounds` timed rounds of about `roundMs` each. */
function opsPerSecond(operation: (i: number) => void, rounds = 3, roundMs = 400): number {
  let best = 0;
  for (let round = -1; round < rounds; round++) { // round -1 warms up the JIT
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < 100; i++) operation(count++);
      elapsed = performance.now() - start;
    }
    if (round >= 0) best = Math.max(best, (count / elapsed) * 1000);
  }
  return best;
}

const pool: Configuration[] = space.sample(5000, 'benchmark-pool');
const vectors = pool.map((config) => space.encode(config));
const rng = seedrandom('benchmark');
let neighbourCount = 0;
let neighbourhoods = 0;

const rows: Array<[string, number]> = [
  ['sample: configurations (sampleWith)', opsPerSecond(() => space.sampleWith(rng))],
  ['sample: configurations (sample(100, seed))', opsPerSecond((i) => space.sample(100, i)) * 100],
  ['encode', opsPerSecond((i) => space.encode(pool[i % pool.length]))],
  ['decode', opsPerSecond((i) => space.decode(vectors[i % vectors.length]))],
  ['validate', opsPerSecond((i) => space.validate(pool[i % pool.length]))],
  ['configId (SHA-1)', opsPerSecond((i) => space.configId(pool[i % pool.length]))],
  [
    'neighbours (whole neighbourhood)',
    opsPerSecond((i) => {
      neighbourCount += space.neighbours(pool[i % pool.length], rng).length;
      neighbourhoods++;
    }),
  ],
];

const activeMean = pool.reduce((sum, config) => sum + Object.keys(config).length, 0) / pool.length;
console.log(`lib/space micro-benchmark — ${space.names.length} hyperparameters, ${space.conditions.length} conditions, ${space.forbiddenClauses.length} forbidden clauses`);
console.log(`mean active hyperparameters per configuration: ${activeMean.toFixed(1)}; mean neighbourhood size: ${(neighbourCount / neighbourhoods).toFixed(1)}`);
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('');
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'operation'.padEnd(width)} | per second`);
console.log(`${'-'.repeat(width)}-|-----------`);
for (const [name, rate] of rows) console.log(`${name.padEnd(width)} | ${Math.round(rate).toLocaleString('en-US').padStart(10)}`);
const neighbourhoodRate = rows[rows.length - 1][1];
console.log(`${'neighbours: configurations'.padEnd(width)} | ${Math.round((neighbourhoodRate * neighbourCount) / neighbourhoods).toLocaleString('en-US').padStart(10)}`);
