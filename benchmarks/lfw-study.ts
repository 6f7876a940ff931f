// The real-face study: FR-NAS's space searched on lfw_train, objectives measured on the identity-disjoint
// lfw_balanced, then the best front models, the default cell and three backbone families retrained with 3 seeds
// and evaluated there, with identity-bootstrap intervals, next to raw pixels (docs/benchmarks.md, "Real faces").
// Usage: npx tsx benchmarks/lfw-study.ts [--out benchmarks/results/lfw-study] [--train ../shared/data/lfw_train]
//   [--eval ../shared/data/lfw_balanced] [--size 32] [--min-images 5] [--min-epochs 1] [--max-epochs 4] [--budget 16] [--top 2]
//   [--seeds 1,2,3] [--retrain-epochs <max-epochs>] [--workers 2] [--families resnet18,mobilenetv3_large_100,ghostnet_100]
// Same as `frnas bench --suite lfw`.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { realFaceStudy } from '../lib/workflows/index.js';

const { values: v } = parseArgs({
  options: {
    out: { type: 'string', default: 'benchmarks/results/lfw-study' },
    train: { type: 'string', default: '../shared/data/lfw_train' },
    eval: { type: 'string', default: '../shared/data/lfw_balanced' },
    size: { type: 'string', default: '32' },
    'min-images': { type: 'string', default: '5' },
    'min-epochs': { type: 'string', default: '1' },
    'max-epochs': { type: 'string', default: '4' },
    budget: { type: 'string', default: '16' },
    top: { type: 'string', default: '2' },
    seeds: { type: 'string', default: '1,2,3' },
    'retrain-epochs': { type: 'string' },
    workers: { type: 'string', default: '2' },
    families: { type: 'string', default: 'resnet18,mobilenetv3_large_100,ghostnet_100' },
  },
});
for (const dir of [v.train, v.eval]) {
  if (!existsSync(dir)) {
    console.log(`skipped: ${dir} not found (the LFW folders are needed: --train <dir> --eval <dir>)`);
    process.exit(0);
  }
}
const outcome = await realFaceStudy({
  out: v.out,
  data: `folder:${v.train}`,
  evaluationData: `folder:${v.eval}`,
  imageSize: Number(v.size),
  minImagesPerIdentity: Number(v['min-images']),
  minEpochs: Number(v['min-epochs']),
  maxEpochs: Number(v['max-epochs']),
  budget: Number(v.budget),
  top: Number(v.top),
  seeds: v.seeds.split(',').map(Number),
  ...(v['retrain-epochs'] ? { retrainEpochs: Number(v['retrain-epochs']) } : {}),
  workers: Number(v.workers),
  families: v.families.split(',').filter(Boolean),
});
console.log(outcome.markdown);
console.log(`wrote ${outcome.file}`);
