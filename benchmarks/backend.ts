// Training throughput (images/s: forward + backward + Adam, batch 64) and peak RSS of the reference backbone
// for each available TensorFlow.js backend, side by side with the same network in PyTorch (CPU, 2 threads).
// Every configuration runs in its own child process so that its peak RSS is its own.
//
//   npx tsx benchmarks/backend.ts                      # wasm (and tensorflow if installed) + PyTorch, 32x32 and 64x64, 3 rounds
//   npx tsx benchmarks/backend.ts --backends wasm,cpu --sizes 32 --seconds 20 --rounds 1
//   npx tsx benchmarks/backend.ts --profile --size 64   # wasm step time per kernel (--previous-grads: before the matrix-product conv gradients)
//   npx tsx benchmarks/backend.ts --workers --size 32  # two trials as worker_threads in one process
//   npx tsx benchmarks/backend.ts --grouped            # groupedConv2d: split vs block-diagonal on wasm
//   npx tsx benchmarks/backend.ts --filter-grad        # Conv2DBackpropFilter: previous vs current algorithm, per layer
//   npx tsx benchmarks/backend.ts --filter-grad --input  # the same for Conv2DBackpropInput of the strided layers
//   npx tsx benchmarks/backend.ts --grad-steps         # whole 64x64 steps alternating previous and current conv gradients
// Writes benchmarks/results/backend.csv (and prints the table).
import { spawn } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import {
  tf, initBackend, describeBackend, labelMask, groupedConv2d, batchNormTrain, leanRelu, type BackendName,
} from '../lib/backend/index.js';
import { filterGradTuning, inputGradTuning } from '../lib/backend/wasm_kernels.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BATCH = 64;
const CLASSES = 100;

// ---------- the reference backbone (same layers as benchmarks/backend_pytorch.py) ----------
// stem conv3x3(3->32)+BN+ReLU; residual blocks 32->32 (s1), 32->64 (s2), 64->128 (s2); depthwise-separable
// 128->512 (s2); global average pool; 128-d embedding (dense + BN); ArcFace head over 100 classes.

type Params = Map<string, tf.Variable>;

function makeParams(rng: () => number): Params {
  const p: Params = new Map();
  const he = (shape: number[], fanIn: number): tf.Variable => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    const s = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) v[i] = (rng() * 2 - 1) * s * Math.sqrt(3);
    return tf.variable(tf.tensor(v, shape));
  };
  const conv = (name: string, k: number, cin: number, cout: number): void => {
    p.set(name, he([k, k, cin, cout], k * k * cin));
  };
  const bn = (name: string, c: number): void => {
    p.set(`${name}.g`, tf.variable(tf.ones([c])));
    p.set(`${name}.b`, tf.variable(tf.zeros([c])));
  };
  conv('stem', 3, 3, 32); bn('stem.bn', 32);
  const blocks: [string, number, number][] = [['r1', 32, 32], ['r2', 32, 64], ['r3', 64, 128]];
  for (const [name, cin, cout] of blocks) {
    conv(`${name}.c1`, 3, cin, cout); bn(`${name}.bn1`, cout);
    conv(`${name}.c2`, 3, cout, cout); bn(`${name}.bn2`, cout);
    if (cin !== cout) { conv(`${name}.sc`, 1, cin, cout); bn(`${name}.scbn`, cout); }
  }
  p.set('dw', he([3, 3, 128, 1], 9)); bn('dw.bn', 128);
  conv('pw', 1, 128, 512); bn('pw.bn', 512);
  p.set('emb', he([512, 128], 512)); bn('emb.bn', 128);
  p.set('arc', he([128, CLASSES], 128));
  return p;
}

// --tfjs-ops: tf.moments + tf.batchNorm + tf.relu (tfjs's own ops) instead of frnas's batchNormTrain + leanRelu.
const TFJS_OPS = process.argv.includes('--tfjs-ops');
const leanOrTfRelu = (x: tf.Tensor): tf.Tensor => (TFJS_OPS ? tf.relu(x) : leanRelu(x));

function batchNorm(x: tf.Tensor, p: Params, name: string): tf.Tensor {
  const gamma = p.get(`${name}.g`) as tf.Tensor1D;
  const beta = p.get(`${name}.b`) as tf.Tensor1D;
  if (!TFJS_OPS) return batchNormTrain(x, gamma, beta, 1e-5);
  const { mean, variance } = tf.moments(x, x.rank === 4 ? [0, 1, 2] : [0]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
}

function convBn(x: tf.Tensor4D, p: Params, name: string, bnName: string, stride: number, relu: boolean): tf.Tensor4D {
  const y = batchNorm(tf.conv2d(x, p.get(name) as tf.Tensor4D, stride, 'same'), p, bnName);
  return (relu ? leanOrTfRelu(y) : y) as tf.Tensor4D;
}

function forwardLoss(p: Params, x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
  let h = convBn(x, p, 'stem', 'stem.bn', 1, true);
  for (const [name, stride] of [['r1', 1], ['r2', 2], ['r3', 2]] as [string, number][]) {
    const a = convBn(h, p, `${name}.c1`, `${name}.bn1`, stride, true);
    const b = convBn(a, p, `${name}.c2`, `${name}.bn2`, 1, false);
    const sc = p.has(`${name}.sc`) ? convBn(h, p, `${name}.sc`, `${name}.scbn`, stride, false) : h;
    h = leanOrTfRelu(tf.add(b, sc)) as tf.Tensor4D;
  }
  h = leanOrTfRelu(batchNorm(tf.depthwiseConv2d(h, p.get('dw') as tf.Tensor4D, 2, 'same'), p, 'dw.bn')) as tf.Tensor4D;
  h = convBn(h, p, 'pw', 'pw.bn', 1, true);
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const emb = batchNorm(tf.matMul(pooled, p.get('emb') as tf.Tensor2D), p, 'emb.bn') as tf.Tensor2D;
  // ArcFace: s * cos(theta + m) on the target class, s * cos(theta) elsewhere.
  const e = tf.div(emb, tf.norm(emb, 2, 1, true));
  const w = p.get('arc') as tf.Tensor2D;
  const wn = tf.div(w, tf.norm(w, 2, 0, true));
  const cos = tf.clipByValue(tf.matMul(e, wn), -1 + 1e-6, 1 - 1e-6);
  const target = tf.cos(tf.add(tf.acos(cos), 0.5));
  const mask = labelMask(labels, CLASSES);
  const logits = tf.mul(tf.add(tf.mul(mask, target), tf.mul(tf.sub(1, mask), cos)), 30);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), mask), 1))) as tf.Scalar;
}

/** The reference backbone's parameters, a random batch and Adam; `step` runs one training step and returns the loss. */
function trainingSetup(size: number): { vars: tf.Variable[]; step: () => number } {
  const rng = seedrandom(`bench-${size}`);
  const params = makeParams(rng);
  const x = tf.tensor4d(new Float32Array(BATCH * size * size * 3).map(() => rng() * 2 - 1), [BATCH, size, size, 3]);
  const labels = tf.tensor1d(Array.from({ length: BATCH }, () => Math.floor(rng() * CLASSES)), 'int32');
  const opt = tf.train.adam(1e-3);
  const vars = [...params.values()];
  const step = (): number => {
    const l = opt.minimize(() => forwardLoss(params, x, labels), true, vars) as tf.Scalar;
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  return { vars, step };
}

interface ChildResult {
  backend: string; size: number; imagesPerSec: number; peakRssMB: number; steps: number; params: number; loss: number;
}

async function child(backend: BackendName, size: number, seconds: number, maxSteps: number): Promise<ChildResult> {
  await initBackend({ prefer: backend, log: () => undefined });
  // --previous-grads: the previous wasm conv gradient kernels, for before/after runs (images/s, peak RSS).
  if (process.argv.includes('--previous-grads')) useGradKernels(false);
  const { vars, step } = trainingSetup(size);
  const count = vars.reduce((a, v) => a + v.size, 0);
  step(); // warm-up: kernel setup, XNNPACK operator creation
  let steps = 0;
  let loss = 0;
  const t0 = performance.now();
  while (steps < maxSteps && (steps < 2 || performance.now() - t0 < seconds * 1000)) {
    loss = step();
    steps++;
  }
  const dt = (performance.now() - t0) / 1000;
  return {
    backend: describeBackend(), size, imagesPerSec: (steps * BATCH) / dt,
    peakRssMB: process.resourceUsage().maxRSS / 1024, steps, params: count, loss,
  };
}

// ---------- where a wasm training step spends its time, kernel by kernel ----------
async function profileStep(size: number): Promise<void> {
  await initBackend({ prefer: 'wasm', log: () => undefined, releaseGradients: !process.argv.includes('--keep-gradients') });
  if (process.argv.includes('--previous-grads')) useGradKernels(false);
  const { step } = trainingSetup(size);
  step();
  const info = await tf.profile(step);
  const byName = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.n++;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`${size}x${size}: ${total.toFixed(0)} ms in kernels; peak bytes ${(info.peakBytes / 2 ** 20).toFixed(0)} MB`);
  for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.log(`${name.padEnd(40)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(5)} calls ${(100 * e.ms / total).toFixed(1).padStart(5)} %`);
  }
  const detail = arg('detail', '');
  for (const k of info.kernels) {
    if (k.name === detail) console.log(`  ${detail} ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)} ${Number(k.kernelTimeMs).toFixed(1)} ms`);
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

// ---------- grouped convolution: split vs block-diagonal ----------
async function groupedBench(): Promise<void> {
  await initBackend({ prefer: 'wasm', log: () => undefined });
  const rng = seedrandom('grouped');
  console.log('| shape (N,H,W,C) | groups | split ms | blockdiag ms | blockdiag / split |');
  console.log('|---|---|---|---|---|');
  for (const [n, hw, c] of [[64, 16, 64], [64, 8, 128], [64, 32, 32]]) {
    for (const groups of [2, 4, 8, 16, 32]) {
      if (c % groups !== 0) continue;
      const x = tf.tensor4d(new Float32Array(n * hw * hw * c).map(() => rng() - 0.5), [n, hw, hw, c]);
      const f = tf.variable(tf.tensor4d(new Float32Array(9 * (c / groups) * c).map(() => rng() - 0.5), [3, 3, c / groups, c]));
      const time = (method: 'split' | 'blockdiag'): number => {
        const run = (): void => {
          const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(groupedConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same', groups, method)));
          tf.dispose(g([x, f]).map((t) => { t.dataSync(); return t; }));
        };
        run();
        const t0 = performance.now();
        for (let i = 0; i < 3; i++) run();
        return (performance.now() - t0) / 3;
      };
      const s = time('split');
      const b = time('blockdiag');
      console.log(`| ${n},${hw},${hw},${c} | ${groups} | ${s.toFixed(1)} | ${b.toFixed(1)} | ${(b / s).toFixed(2)} |`);
      tf.dispose([x, f]);
    }
  }
}

// ---------- conv gradients: previous algorithm vs current, on the reference backbone's layers ----------
// Each layer's kernel runs with the previous algorithm and the current one (matrix products over chunks),
// alternating, `--reps` times; medians and their ratios. Conv2DBackpropFilter: previous = one XNNPACK conv with all
// of dy as its filter. With --input: Conv2DBackpropInput of the strided layers (stride 1 is unchanged), previous =
// one stride-1 conv per output phase. `--chunk-kb a,b,...` compares chunk sizes.
async function convGradBench(size: number, reps: number, input: boolean): Promise<void> {
  await initBackend({ prefer: 'wasm', log: () => undefined });
  const rng = seedrandom('filter-grad');
  const s = size;
  // [H of x, Cin, Cout, k, stride, times per step]
  const layers: [number, number, number, number, number, number][] = [
    [s, 3, 32, 3, 1, 1], [s, 32, 32, 3, 1, 2], [s, 32, 64, 3, 2, 1], [s, 32, 64, 1, 2, 1], [s / 2, 64, 64, 3, 1, 1],
    [s / 2, 64, 128, 3, 2, 1], [s / 2, 64, 128, 1, 2, 1], [s / 4, 128, 128, 3, 1, 1], [s / 8, 128, 512, 1, 1, 1],
  ].filter((l) => !input || l[4] > 1) as [number, number, number, number, number, number][];
  const tuning: { method: string; chunkBytes: number } = input ? inputGradTuning : filterGradTuning;
  const current = { ...tuning };
  const configs: [string, { method: string; chunkBytes: number }][] = [['previous', { method: input ? 'phases' : 'conv', chunkBytes: current.chunkBytes }]];
  for (const kb of arg('chunk-kb', String(current.chunkBytes / 1024)).split(',').map(Number)) {
    configs.push([`gemm ${kb} KB`, { method: 'gemm', chunkBytes: kb * 1024 }]);
  }
  const rand = (shape: number[]): tf.Tensor => tf.tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => rng() - 0.5), shape);
  const totals = configs.map(() => 0);
  console.log(`${input ? 'Conv2DBackpropInput' : 'Conv2DBackpropFilter'}, ms:`);
  console.log(`| x | dy | filter | stride | ${configs.map(([name]) => `${name} ms`).join(' | ')} | ${configs.slice(1).map(([name]) => `${name} / previous`).join(' | ')} |`);
  console.log(`|---|---|---|---|${configs.map(() => '---|').join('')}${configs.slice(1).map(() => '---|').join('')}`);
  for (const [h, cin, cout, k, stride, times] of layers) {
    const o = Math.ceil(h / stride);
    const x = rand([BATCH, h, h, cin]);
    const dy = rand([BATCH, o, o, cout]);
    const f = rand([k, k, cin, cout]);
    const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, cin, cout], inputShape: x.shape } as unknown as tf.NamedAttrMap;
    const ms: number[][] = configs.map(() => []);
    for (let rep = -1; rep < reps; rep++) {
      for (let c = 0; c < configs.length; c++) {
        Object.assign(tuning, configs[c][1]);
        const t0 = performance.now();
        const out = input
          ? tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, attrs) as tf.Tensor
          : tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
        out.dispose();
        if (rep >= 0) ms[c].push(performance.now() - t0);
      }
    }
    const med = ms.map((m) => median(m));
    med.forEach((m, c) => { totals[c] += m * times; });
    console.log(`| ${x.shape.join(',')} | ${dy.shape.join(',')} | ${k}x${k}x${cin}x${cout} | ${stride} | ` +
      `${med.map((m) => m.toFixed(1)).join(' | ')} | ${med.slice(1).map((m) => (m / med[0]).toFixed(2)).join(' | ')} |`);
    tf.dispose([x, dy, f]);
  }
  console.log(`| one step${input ? '' : " (r1's 3x3 layer twice)"} | | | | ${totals.map((t) => t.toFixed(0)).join(' | ')} | ` +
    `${totals.slice(1).map((t) => (t / totals[0]).toFixed(2)).join(' | ')} |`);
  Object.assign(tuning, current);
  console.log(`\nbatch ${BATCH}, ${size}x${size}, medians of ${reps} alternating runs; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

// ---------- whole training steps, alternating the previous and the current conv gradient kernels ----------
// One process, one model; steps alternate between the previous algorithms (Conv2DBackpropFilter: one conv over all
// of dy; Conv2DBackpropInput at stride 2: one conv per phase) and the current ones (matrix products), so both see
// the same heap and machine load. Times the step and, through wrappers registered over the kernels, the kernels.
function useGradKernels(current: boolean): void {
  filterGradTuning.method = current ? 'gemm' : 'conv';
  inputGradTuning.method = current ? 'gemm' : 'phases';
}

async function gradSteps(size: number, pairs: number): Promise<void> {
  await initBackend({ prefer: 'wasm', log: () => undefined });
  const names = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
  const kernelMs = [0, 0];
  const kernels = names.map((name, i) => {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`no wasm ${name}`);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...kernel,
      kernelFunc: (a) => {
        const t0 = performance.now();
        const out = kernel.kernelFunc(a);
        kernelMs[i] += performance.now() - t0;
        return out;
      },
    });
    return kernel;
  });
  const { step } = trainingSetup(size);
  // [previous, current] x [step, filter gradient, input gradient]
  const ms: number[][][] = [[[], [], []], [[], [], []]];
  for (let i = -2; i < 2 * pairs; i++) {
    const m = ((i % 2) + 2) % 2;
    useGradKernels(m === 1);
    kernelMs.fill(0);
    const t0 = performance.now();
    step();
    if (i >= 0) [performance.now() - t0, ...kernelMs].forEach((v, j) => ms[m][j].push(v));
  }
  useGradKernels(true);
  for (const [i, name] of names.entries()) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(kernels[i]);
  }
  console.log(`${size}x${size}, batch ${BATCH}, ${pairs} pairs of steps (previous, current), medians:`);
  for (const m of [0, 1]) {
    console.log(`${m === 0 ? 'previous' : 'current '}: step ${median(ms[m][0]).toFixed(0)} ms ` +
      `(${(BATCH / median(ms[m][0]) * 1000).toFixed(1)} images/s), Conv2DBackpropFilter ${median(ms[m][1]).toFixed(0)} ms, ` +
      `Conv2DBackpropInput ${median(ms[m][2]).toFixed(0)} ms`);
  }
  const ratio = (j: number): string => median(ms[1][j].map((t, i) => t / ms[0][j][i])).toFixed(2);
  console.log(`current / previous, median of per-pair ratios: step ${ratio(0)}, Conv2DBackpropFilter ${ratio(1)}, Conv2DBackpropInput ${ratio(2)}`);
}

// ---------- parent: run every configuration in child processes ----------
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult | string> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    c.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"result"'));
      if (code === 0 && line !== undefined) resolve((JSON.parse(line) as { result: ChildResult }).result);
      else resolve(`exit ${code}: ${(err.trim().split('\n').pop() ?? '').slice(0, 200)}`);
    });
  });
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function tfBackendAvailable(name: BackendName): Promise<boolean> {
  try {
    await initBackend({ prefer: name, log: () => undefined });
    return true;
  } catch {
    return false;
  }
}

function median(v: number[]): number {
  const s = [...v].sort((p, q) => p - q);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Rounds interleave PyTorch and tfjs so that both see the same machine load; ratios are taken within a
// round (against that round's PyTorch run) and the table gives medians over rounds.
async function parent(): Promise<void> {
  const sizes = arg('sizes', '32,64').split(',').map(Number);
  const seconds = arg('seconds', '20');
  const rounds = Number(arg('rounds', '3'));
  const wanted = arg('backends', 'tensorflow,wasm').split(',') as BackendName[];
  const python = arg('python', '/usr/bin/python3');
  const backends: BackendName[] = [];
  for (const b of wanted) if (await tfBackendAvailable(b)) backends.push(b); else console.log(`(backend ${b} unavailable here: skipped)`);
  const self = fileURLToPath(import.meta.url);
  const tsx = ['--import', 'tsx', self];
  type Run = { round: number; config: string; size: number; imagesPerSec: number; ratio: number; peakRssMB: number; steps: number; loss: number };
  const runs: Run[] = [];
  const csv = ['round,config,input,images_per_s,ratio_to_pytorch_same_round,peak_rss_mb,steps,final_loss'];
  const record = (round: number, config: string, size: number, r: ChildResult | string, torch: number): void => {
    if (typeof r === 'string') {
      console.log(`round ${round} ${config} ${size}x${size}: failed: ${r}`);
      return;
    }
    const run = { round, config, size, imagesPerSec: r.imagesPerSec, ratio: r.imagesPerSec / torch, peakRssMB: r.peakRssMB, steps: r.steps, loss: r.loss };
    runs.push(run);
    console.log(`round ${round} ${config} ${size}x${size}: ${r.imagesPerSec.toFixed(1)} images/s (${run.ratio.toFixed(2)} x PyTorch), ${r.peakRssMB.toFixed(0)} MB`);
    csv.push([round, JSON.stringify(config), `${size}x${size}`, r.imagesPerSec.toFixed(2), run.ratio.toFixed(3), r.peakRssMB.toFixed(0), r.steps, r.loss.toFixed(4)].join(','));
  };
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      const t = await runChild(python, [join(HERE, 'backend_pytorch.py'), '--size', String(size), '--seconds', seconds, '--threads', '2']);
      if (typeof t === 'string') {
        console.log(`round ${round} PyTorch ${size}x${size}: failed: ${t} (no ratios this round)`);
        continue;
      }
      record(round, `PyTorch ${t.backend.replace(/^PyTorch /, '')}`, size, t, t.imagesPerSec);
      for (const b of backends) {
        const r = await runChild(process.execPath, [...tsx, '--child', b, '--size', String(size), '--seconds', seconds]);
        record(round, `tfjs ${typeof r === 'string' ? b : r.backend}, 1 trial`, size, r, t.imagesPerSec);
      }
      if (backends.includes('wasm')) {
        const two = await Promise.all([0, 1].map(() =>
          runChild(process.execPath, [...tsx, '--child', 'wasm', '--size', String(size), '--seconds', seconds])));
        for (const r of two) record(round, 'tfjs wasm, one of 2 parallel trials', size, r, t.imagesPerSec);
        if (two.every((r) => typeof r !== 'string')) {
          const total = (two as ChildResult[]).reduce((a, r) => a + r.imagesPerSec, 0);
          record(round, 'tfjs wasm, 2 parallel trials: total', size,
            { ...(two[0] as ChildResult), imagesPerSec: total, peakRssMB: Math.max(...(two as ChildResult[]).map((r) => r.peakRssMB)) }, t.imagesPerSec);
        }
      }
    }
  }
  console.log(`\nbatch ${BATCH}, forward + backward + Adam, random data; ${rounds} rounds; ${new Date().toISOString()}`);
  console.log('| config | input | images/s, median (min-max) | / PyTorch, median of same-round ratios | peak RSS MB (max) |');
  console.log('|---|---|---|---|---|');
  for (const size of sizes) {
    const configs = [...new Set(runs.filter((r) => r.size === size).map((r) => r.config))];
    for (const config of configs) {
      const rs = runs.filter((r) => r.size === size && r.config === config);
      const ips = rs.map((r) => r.imagesPerSec);
      const line = `| ${config} | ${size}x${size} | ${median(ips).toFixed(1)} (${Math.min(...ips).toFixed(1)}-${Math.max(...ips).toFixed(1)}) | ` +
        `${median(rs.map((r) => r.ratio)).toFixed(2)} | ${Math.max(...rs.map((r) => r.peakRssMB)).toFixed(0)} |`;
      console.log(line);
      csv.push(['median', JSON.stringify(config), `${size}x${size}`, median(ips).toFixed(2), median(rs.map((r) => r.ratio)).toFixed(3),
        Math.max(...rs.map((r) => r.peakRssMB)).toFixed(0), '', ''].join(','));
    }
  }
  const file = join(HERE, 'results', 'backend.csv');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, csv.join('\n') + '\n');
  console.log(`\nwritten ${file}`);
}

/** Two trials as worker_threads of one process (each has its own wasm instance); total images/s. */
async function workersBench(size: number, seconds: number, count: number): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => new Promise<ChildResult>((resolve, reject) => {
    // A worker does not inherit the tsx loader of its parent: register it, then load this file.
    const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(pathToFileURL(self).href)}); });`;
    const w = new Worker(boot, { eval: true, workerData: { size, seconds } });
    w.on('message', (m: ChildResult) => resolve(m));
    w.on('error', reject);
  })));
  const total = results.reduce((a, r) => a + r.imagesPerSec, 0);
  console.log(`${count} worker_threads at ${size}x${size}: ${results.map((r) => r.imagesPerSec.toFixed(1)).join(' + ')} = ${total.toFixed(1)} images/s; ` +
    `process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function main(): Promise<void> {
  if (!isMainThread) {
    const d = workerData as { size: number; seconds: number };
    parentPort?.postMessage(await child('wasm', d.size, d.seconds, 1000));
    return;
  }
  if (process.argv.includes('--workers')) return workersBench(Number(arg('size', '32')), Number(arg('seconds', '20')), Number(arg('count', '2')));
  const c = process.argv.indexOf('--child');
  if (c >= 0) {
    const r = await child(process.argv[c + 1] as BackendName, Number(arg('size', '32')), Number(arg('seconds', '20')), Number(arg('steps', '1000')));
    console.log(JSON.stringify({ result: r }));
    return;
  }
  if (process.argv.includes('--grouped')) return groupedBench();
  if (process.argv.includes('--grad-steps')) return gradSteps(Number(arg('size', '64')), Number(arg('pairs', '5')));
  if (process.argv.includes('--filter-grad')) return convGradBench(Number(arg('size', '64')), Number(arg('reps', '5')), process.argv.includes('--input'));
  if (process.argv.includes('--profile')) return profileStep(Number(arg('size', '32')));
  return parent();
}

await main();
