// Trains a small FR-NAS DPN on a face data set and compares its embedding with raw pixels on the same split.
// Usage: npx tsx benchmarks/trainer.ts [--data folder:../shared/data/lfw_balanced | synthetic] [--epochs 6]
//        [--size 32] [--scale tiny] [--cell 2,0,1] [--head CosFace] [--optimizer AdamW] [--lr 0.003]
//        [--batch 32] [--backend wasm] [--center 1] [--identities 0 (all)] [--loss focal] [--stem-pool true]
//        npx tsx benchmarks/trainer.ts --mode groups [--groups 4] [--scale tiny] [--size 16] [--batch 32]
//        npx tsx benchmarks/trainer.ts --mode memory [--scale tiny] [--size 64] [--batch 64] [--cell 2,0,1]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '../lib/backend/index.js';
import { loadFaceDataset } from '../lib/data/index.js';
import { evaluateEmbeddings, pixelEmbeddings } from '../lib/train/evaluation.js';
import { loadFaceArrays, type FaceDatasetSource } from '../lib/train/face-arrays.js';
import { dpnScales } from '../lib/models/dpn.js';
import { setLeanTraining } from '../lib/models/layers.js';
import { resolveTrainingSpec, runFaceTraining } from '../lib/train/run.js';
import { FaceTrainer } from '../lib/train/trainer.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'folder:../shared/data/lfw_balanced' },
    epochs: { type: 'string', default: '6' },
    size: { type: 'string', default: '32' },
    scale: { type: 'string', default: 'tiny' },
    cell: { type: 'string', default: '2,0,1' },
    head: { type: 'string', default: 'CosFace' },
    optimizer: { type: 'string', default: 'AdamW' },
    lr: { type: 'string', default: '0.003' },
    batch: { type: 'string', default: '32' },
    backend: { type: 'string', default: 'wasm' },
    center: { type: 'string', default: '1' },
    identities: { type: 'string', default: '0' },
    loss: { type: 'string', default: 'focal' },
    embedding: { type: 'string', default: '64' },
    width: { type: 'string', default: '1' },
    'stem-pool': { type: 'string', default: 'true' },
    // --mode groups: median seconds of one training step of the DPN with the stage widths split into
    // `groups` groups versus the same network with groups 1 (the cost of split-concat / block-diagonal conv).
    mode: { type: 'string', default: 'train' },
    groups: { type: 'string', default: '4' },
    // --mode memory: peak tensor bytes (tf.profile) and peak RSS of one DPN training step, each setting in its own
    // child process (--mode memory-child --lean true|false): lib/models with batchNormTrain + leanRelu (lean) and
    // with tf.moments + tf.batchNorm + tf.relu (plain).
    lean: { type: 'string', default: 'true' },
  },
});

interface MemoryResult { lean: boolean; heldMB: number; peakMB: number; rssMB: number; stepSeconds: number[]; loss: number }

if (values.mode === 'memory-child') {
  await initBackend({ prefer: values.backend as 'wasm' | 'cpu' | 'tensorflow', log: () => undefined });
  const lean = values.lean !== 'false';
  setLeanTraining(lean);
  const size = Number(values.size);
  const batch = Number(values.batch);
  const [e1, e2, e3] = values.cell.split(',').map(Number);
  const trainer = new FaceTrainer(
    resolveTrainingSpec({ edge1: e1, edge2: e2, edge3: e3, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.01 }, {
      scale: { ...dpnScales[values.scale as keyof typeof dpnScales], stemPool: values['stem-pool'] !== 'false' }, imageSize: size, channels: 1, batchSize: batch,
    }, 10),
    10,
  );
  const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const stepSeconds: number[] = [];
  let loss = 0;
  const timed = (): void => {
    const t = performance.now();
    loss = trainer.step(x, y, 0.01);
    stepSeconds.push((performance.now() - t) / 1000);
  };
  timed(); // the first step creates the optimizer's state; the profiled one is the second
  const heldMB = tf.memory().numBytes / 2 ** 20;
  const info = await tf.profile(timed);
  const result: MemoryResult = {
    lean, heldMB, peakMB: info.peakBytes / 2 ** 20, rssMB: process.resourceUsage().maxRSS / 1024, stepSeconds, loss,
  };
  console.log(JSON.stringify({ result }));
  process.exit(0);
}

if (values.mode === 'memory') {
  const child = (lean: boolean): Promise<MemoryResult> => new Promise((resolve, reject) => {
    const args = [...process.execArgv, process.argv[1], '--mode', 'memory-child', '--lean', String(lean),
      '--scale', values.scale, '--size', values.size, '--batch', values.batch, '--cell', values.cell,
      '--backend', values.backend, '--stem-pool', values['stem-pool']];
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"result"'));
      if (code === 0 && line !== undefined) resolve((JSON.parse(line) as { result: MemoryResult }).result);
      else reject(new Error(`memory child (lean ${lean}) exited ${code}: ${out.slice(-300)}`));
    });
  });
  console.log(`DPN ${values.scale} cell ${values.cell}, ${values.size}x${values.size} grey, batch ${values.batch}, ${values.backend}, SGD + CosFace; one process per setting`);
  console.log('| lib/models ops | tensors held between steps | peak tensor bytes of a step | process peak RSS | step s (1st, 2nd) | loss |');
  console.log('|---|---|---|---|---|---|');
  for (const lean of [false, true]) {
    const r = await child(lean);
    console.log(`| ${lean ? 'batchNormTrain + leanRelu' : 'tf.moments + tf.batchNorm + tf.relu'} | ${r.heldMB.toFixed(0)} MB | ${r.peakMB.toFixed(0)} MB | ${r.rssMB.toFixed(0)} MB | ${r.stepSeconds.map((t) => t.toFixed(2)).join(', ')} | ${r.loss.toFixed(5)} |`);
  }
  process.exit(0);
}

if (values.mode === 'groups') {
  await initBackend(values.backend as 'wasm' | 'cpu' | 'tensorflow');
  const size = Number(values.size);
  const batch = Number(values.batch);
  const [e1, e2, e3] = values.cell.split(',').map(Number);
  const stepSeconds = (groups: number): number => {
    const trainer = new FaceTrainer(
      resolveTrainingSpec({ edge1: e1, edge2: e2, edge3: e3, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.01 }, {
        scale: { ...dpnScales[values.scale as keyof typeof dpnScales], groups, stemPool: values['stem-pool'] !== 'false' }, imageSize: size, channels: 1, batchSize: batch,
      }, 10),
      10,
    );
    const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      trainer.step(x, y, 0.01);
      times.push((performance.now() - t) / 1000);
    }
    tf.dispose([x, y]);
    trainer.dispose();
    return times.slice(2).sort((a, b) => a - b)[2];
  };
  const g = Number(values.groups);
  const grouped = stepSeconds(g);
  const plain = stepSeconds(1);
  console.log(`DPN ${values.scale} cell ${values.cell}, ${size}px, batch ${batch}, ${tf.getBackend()}: step ${grouped.toFixed(3)} s with groups ${g}, ${plain.toFixed(3)} s with groups 1 (ratio ${(grouped / plain).toFixed(2)})`);
  process.exit(0);
}

const backend = await initBackend(values.backend as 'wasm' | 'cpu' | 'tensorflow');
const size = Number(values.size);
const full = await loadFaceDataset(values.data, { synthetic: { identities: 40, imagesPerIdentity: 12, seed: 1 } });
const identities = Number(values.identities);
const dataset = identities > 0 ? full.filter({ identityFraction: identities / full.identities.length, seed: 0 }) : full;
const splits = dataset.split(0, { mode: 'images', validation: 0.2 });
const pixelOptions = { size, channels: 1 as const, normalize: 'unit' as const, centerFraction: Number(values.center) };
const load = async (d: FaceDatasetSource): Promise<Awaited<ReturnType<typeof loadFaceArrays>>> => {
  const batch = await (d as unknown as { loadAll(o: typeof pixelOptions): ReturnType<FaceDatasetSource['loadAll']> }).loadAll(pixelOptions);
  const images = Float32Array.from(batch.images.dataSync());
  batch.images.dispose();
  return { images, size, channels: 1, identities: Int32Array.from(batch.identities), groups: Array.from(batch.groups, (g) => d.groups[g]) };
};
const train = await load(splits.train);
const evaluation = await load(splits.validation);
const pixels = evaluateEmbeddings(pixelEmbeddings(evaluation), size * size, evaluation);
const [edge1, edge2, edge3] = values.cell.split(',').map(Number);
const epochs = Number(values.epochs);
const optimizer = values.optimizer;
const spec = resolveTrainingSpec(
  { edge1, edge2, edge3, head: values.head, optimizer, [optimizer === 'SGD' ? 'lr_sgd' : 'lr_adam']: Number(values.lr), loss: values.loss },
  { scale: { ...dpnScales[values.scale as keyof typeof dpnScales], stemPool: values['stem-pool'] !== 'false' }, imageSize: size, channels: 1, batchSize: Number(values.batch), embeddingSize: Number(values.embedding), width: Number(values.width) },
  epochs,
);
console.log(`backend ${backend}; data ${dataset.name}: train ${train.identities.length} images, evaluation ${evaluation.identities.length} images, ${dataset.identities.length} identities; ${size}px`);
console.log(`raw pixels on the evaluation split: rank-1 accuracy ${pixels.metrics.accuracy.toFixed(3)}, rank disparity ${pixels.metrics.rankDisparity.toFixed(3)}`);
console.log(`spec ${JSON.stringify({ ...spec, scale: undefined })}`);
const result = await runFaceTraining(spec, { train, evaluation }, {
  epochs,
  onEpoch: (r) => console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, ${r.seconds.toFixed(1)} s, lr ${r.learningRate.toExponential(2)}`),
});
console.log(`trained DPN ${values.cell} (${result.trainableParameters} parameters): rank-1 accuracy ${result.metrics.accuracy.toFixed(3)}, error ${result.metrics.error.toFixed(3)}, disparity ${result.metrics.disparity.toFixed(3)}, rank disparity ${result.metrics.rankDisparity.toFixed(3)}; ${result.seconds.toFixed(1)} s in all`);
console.log(`per group: ${JSON.stringify(result.perGroup)}`);
