// The paper's joint DPN space on real faces: the sex-balanced LFW set (39 women, 39 men) read through `folder:`.
// Finds the fairer architectures (error vs rank disparity between perceived women and men) and sets them beside the
// default DPN cell (2,0,1, CosFace, Adam, lr 1e-3).
// Run: npx tsx examples/lfw-fairness-search.ts [trials] [out]   (needs ../shared/data/lfw_balanced; ~10 min for 24 trials)
import { existsSync } from 'node:fs';
import { dpnScales, search } from '../lib/index.js';

const data = '../shared/data/lfw_balanced';
if (!existsSync(data)) {
  console.log(`${data} is not here: this example needs the sex-balanced LFW set (see docs/data.md). Nothing to do.`);
  process.exit(0);
}
const trials = Number(process.argv[2] ?? 24);
const out = process.argv[3] ?? 'runs/lfw-fairness';

const outcome = await search({
  out,
  space: 'frnas-dpn',
  data: `folder:${data}`,
  objectives: ['error', 'rank_disparity'],
  scheduler: 'hyperband',
  proposer: 'rf',
  minEpochs: 2,
  maxEpochs: 8,
  eta: 2,
  trials,
  seed: 0,
  // What trains on a CPU in seconds per epoch (docs/trainer.md): 16 px grey faces, the central 40 % of the aligned
  // 250 px LFW photos, and no stem max-pool (at 16 px it would throw most of the face away).
  imageSize: 16,
  centerFraction: 0.4,
  batchSize: 32,
  scale: { ...dpnScales.tiny, stemPool: false },
  onTrialEnd: (t) =>
    console.log(`trial ${t.id} @${t.budget} epochs: ${t.status} ${t.status === 'ok' ? `error ${t.values.error.toFixed(3)} rank_disparity ${t.values.rank_disparity.toFixed(3)}` : t.error}`),
});

const show = (label: string, values: Record<string, number>, config: object) =>
  console.log(`  ${label}: error ${values.error.toFixed(3)}, rank disparity ${values.rank_disparity.toFixed(3)}  ${JSON.stringify(config)}`);
console.log(`\nFairer architectures (Pareto front at ${outcome.report.budget} epochs):`);
for (const t of outcome.report.front) show(`trial ${t.id}`, t.values, t.config);
if (outcome.defaultTrial) show('default DPN cell', outcome.defaultTrial.values, outcome.defaultTrial.config);
console.log(`report: ${outcome.report.files.html}`);
