// Trains one configuration of the FR-NAS DPN space and prints FR-NAS's metrics.
// Usage: npx tsx examples/train-one.ts [data spec, default synthetic] [epochs, default 4]
//   e.g. npx tsx examples/train-one.ts folder:../shared/data/lfw_balanced 8
import { initBackend, loadFaceDataset, trainConfiguration } from '../lib/index.js';

const [spec = 'synthetic', epochs = '4'] = process.argv.slice(2);
await initBackend('wasm');
const dataset = await loadFaceDataset(spec);
const result = await trainConfiguration(
  { edge1: 1, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'AdamW', lr_adam: 0.005 },
  {
    dataset,
    epochs: Number(epochs),
    imageSize: 16,
    centerFraction: spec.includes('lfw') ? 0.4 : 1,
    batchSize: 32,
    checkpointDir: 'runs/train-one',
    onEpoch: (r) => console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)} (${r.seconds.toFixed(1)} s)`),
  },
);
console.log(`rank-1 error ${result.metrics.error.toFixed(3)}, disparity ${result.metrics.disparity.toFixed(3)}, rank disparity ${result.metrics.rankDisparity.toFixed(3)}`);
console.log('per group', result.perGroup);
