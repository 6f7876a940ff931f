// The training recipe on real faces: trains one configuration on lfw_train and evaluates rank-1 error on the
// identity-disjoint lfw_balanced after chosen epochs, next to raw pixels with the same preprocessing.
// Usage: npx tsx benchmarks/lfw-recipe.ts [--epochs 12] [--size 32] [--center 0.4] [--head CosFace] [--s 64] [--m 0.35]
//   [--optimizer Adam] [--lr 0.001] [--batch 64] [--min-images 2] [--loss focal] [--shift 0] [--zoom 0] [--rotate 0]
//   [--brightness 0] [--contrast 0] [--cell 2,0,1] [--stem-pool true] [--warmup 3] [--eval-every 2] [--seed 222]
//   [--embedding 64] [--width 1] [--minutes 0 (no limit)]
//   --recipe recommended: the default configuration of frnas-dpn (cell 2,0,1, CosFace, Adam 0.001) with
//   RECOMMENDED_FACE_TRAINING (what `frnas train --recipe recommended` uses); only --epochs, --size, --eval-every apply.
import { parseArgs } from 'node:util';
import { initBackend } from '../lib/backend/index.js';
import { loadFaceDataset } from '../lib/data/index.js';
import { dpnScales } from '../lib/models/dpn.js';
import { embedFaces, evaluateEmbeddings, pixelEmbeddings } from '../lib/train/evaluation.js';
import { classLabels, loadFaceArrays } from '../lib/train/face-arrays.js';
import { RECOMMENDED_FACE_TRAINING, resolveTrainingSpec } from '../lib/train/run.js';
import { FaceTrainer } from '../lib/train/trainer.js';

const { values: v } = parseArgs({
  options: {
    train: { type: 'string', default: 'folder:../shared/data/lfw_train' },
    eval: { type: 'string', default: 'folder:../shared/data/lfw_balanced' },
    epochs: { type: 'string', default: '12' },
    size: { type: 'string', default: '32' },
    center: { type: 'string', default: '0.4' },
    head: { type: 'string', default: 'CosFace' },
    s: { type: 'string' },
    m: { type: 'string' },
    optimizer: { type: 'string', default: 'Adam' },
    lr: { type: 'string', default: '0.001' },
    batch: { type: 'string', default: '64' },
    'min-images': { type: 'string', default: '2' },
    loss: { type: 'string', default: 'focal' },
    shift: { type: 'string', default: '0' },
    zoom: { type: 'string', default: '0' },
    rotate: { type: 'string', default: '0' },
    brightness: { type: 'string', default: '0' },
    contrast: { type: 'string', default: '0' },
    cell: { type: 'string', default: '2,0,1' },
    'stem-pool': { type: 'string', default: 'true' },
    warmup: { type: 'string' },
    'eval-every': { type: 'string', default: '2' },
    seed: { type: 'string', default: '222' },
    embedding: { type: 'string', default: '64' },
    width: { type: 'string', default: '1' },
    wd: { type: 'string', default: '0.0001' },
    scale: { type: 'string', default: 'tiny' },
    minutes: { type: 'string', default: '0' },
    recipe: { type: 'string' },
  },
});
const recommended = v.recipe === 'recommended';
const num = (key: keyof typeof v): number => Number(v[key]);
await initBackend({ prefer: 'wasm', log: () => undefined });
const size = num('size');
const center = recommended ? (RECOMMENDED_FACE_TRAINING.centerFraction ?? 1) : num('center');
const t0 = performance.now();
const trainSet = (await loadFaceDataset(v.train)).filter({ minImagesPerIdentity: recommended ? RECOMMENDED_FACE_TRAINING.minImagesPerIdentity : num('min-images') });
const evalSet = await loadFaceDataset(v.eval);
const train = await loadFaceArrays(trainSet, size, 1, center);
const evaluation = await loadFaceArrays(evalSet, size, 1, center);
const { classes } = classLabels(train);
console.log(`loaded ${train.identities.length} training images of ${classes} people, ${evaluation.identities.length} evaluation images in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const pixels = evaluateEmbeddings(pixelEmbeddings(evaluation), size * size, evaluation);
console.log(`raw pixels: error ${pixels.metrics.error.toFixed(3)} rank disparity ${pixels.metrics.rankDisparity.toFixed(3)}`);

const [e1, e2, e3] = v.cell.split(',').map(Number);
const epochs = num('epochs');
const spec = recommended
  ? resolveTrainingSpec({ edge1: 2, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 0.001 }, { ...RECOMMENDED_FACE_TRAINING, imageSize: size, channels: 1 }, epochs)
  : resolveTrainingSpec(
  { edge1: e1, edge2: e2, edge3: e3, head: v.head, optimizer: v.optimizer, lr: num('lr'), loss: v.loss },
  {
    scale: { ...dpnScales[v.scale as keyof typeof dpnScales], stemPool: v['stem-pool'] !== 'false' },
    imageSize: size, channels: 1, batchSize: num('batch'), seed: num('seed'), embeddingSize: num('embedding'), width: num('width') === 1 ? undefined : num('width'),
    warmupEpochs: v.warmup === undefined ? undefined : Number(v.warmup), weightDecay: num('wd'),
  },
  epochs,
);
if (!recommended) spec.headSettings = { ...spec.headSettings, ...(v.s ? { scale: Number(v.s) } : {}), ...(v.m ? { margin: Number(v.m) } : {}) };
if (!recommended) spec.augmentation = { shift: num('shift'), scale: num('zoom'), rotate: num('rotate'), brightness: num('brightness'), contrast: num('contrast') };
const trainer = new FaceTrainer(spec, classes);
console.log(`spec ${JSON.stringify(spec)}; ${trainer.backbone.parameters.countTrainable()} trainable parameters`);
const { labels } = classLabels(train);
const start = performance.now();
const limit = num('minutes') * 60;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const r = trainer.trainEpoch(train, labels);
  const elapsed = (performance.now() - start) / 1000;
  let line = `epoch ${epoch} loss ${r.loss.toFixed(3)} lr ${r.learningRate.toExponential(2)} ${r.seconds.toFixed(0)} s (total ${elapsed.toFixed(0)} s)`;
  if (epoch % num('eval-every') === 0 || epoch === epochs || (limit > 0 && elapsed > limit)) {
    const m = evaluateEmbeddings(embedFaces(trainer.backbone, evaluation), trainer.backbone.embeddingSize, evaluation).metrics;
    line += ` | eval error ${m.error.toFixed(3)} rank disparity ${m.rankDisparity.toFixed(3)} disparity ${m.disparity.toFixed(3)}`;
  }
  console.log(line);
  if (limit > 0 && elapsed > limit) break;
}
trainer.dispose();
