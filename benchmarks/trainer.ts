// Trains a small FR-NAS DPN on a face data set and compares its embedding with raw pixels on the same split.
// Usage: npx tsx benchmarks/trainer.ts [--data folder:../shared/data/lfw_balanced | synthetic] [--epochs 6]
//        [--size 32] [--scale tiny] [--cell 2,0,1] [--head CosFace] [--optimizer AdamW] [--lr 0.003]
//        [--batch 32] [--backend wasm] [--center 1] [--identities 0 (all)] [--loss focal] [--stem-pool true]
import { parseArgs } from 'node:util';
import { initBackend } from '../lib/backend/index.js';
import { loadFaceDataset } from '../lib/data/index.js';
import { evaluateEmbeddings, pixelEmbeddings } from '../lib/train/evaluation.js';
import { loadFaceArrays, type FaceDatasetSource } from '../lib/train/face-arrays.js';
import { dpnScales } from '../lib/models/dpn.js';
import { resolveTrainingSpec, runFaceTraining } from '../lib/train/run.js';

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
  },
});

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
