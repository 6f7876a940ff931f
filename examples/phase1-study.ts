// FR-NAS phase 1, the architecture study: train a grid of backbone x head x optimizer with default hyperparameters
// (the seeds' `create-configs` + `train` workflow) and report which combinations are on the error / disparity front.
// Run: npx tsx examples/phase1-study.ts [data-spec] [epochs] [out]   (default: synthetic faces, 2 epochs; ~2 min)
// Each result goes into a Study with `addTrial` (results obtained outside the search engine), so the study's journal keeps
// them, a re-run skips the configurations already trained, and the report reads them like any search.
import {
  initBackend,
  loadFaceDataset,
  Space,
  Study,
  trainConfiguration,
  trainingConfigs,
  writeSearchReport,
  type ObjectiveSpec,
} from '../lib/index.js';

const dataSpec = process.argv[2] ?? 'synthetic:identities=16,images=8';
const epochs = Number(process.argv[3] ?? 2);
const out = process.argv[4] ?? 'runs/phase1-study';

const backbones = ['resnet18', 'ghostnet_100', 'dpn107'];
const heads = ['CosFace', 'ArcFace', 'MagFace'];
const optimizers = ['AdamW', 'SGD'] as const;
const objectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'disparity', direction: 'minimize' },
];
// The study's space is the grid's three dimensions; the rest of each training config is fixed and kept as attributes.
const space = Space.fromJSON({
  hyperparameters: {
    backbone: { type: 'categorical', choices: backbones },
    head: { type: 'categorical', choices: heads },
    optimizer: { type: 'categorical', choices: [...optimizers] },
  },
});
const study = Study.open(`${out}/study`, { space, objectives, fidelity: { min: epochs, max: epochs, eta: 2 } });
const done = new Set(study.trials().map((t) => t.configId));

await initBackend();
const dataset = await loadFaceDataset(dataSpec);
const grid = trainingConfigs({ backbones, heads, optimizers, batchSize: 32 });

for (const config of grid) {
  const cell = { backbone: config.backbone, head: config.head, optimizer: config.optimizer };
  const label = `${String(config.backbone)} ${String(config.head)} ${String(config.optimizer)}`;
  if (done.has(space.configId(cell))) {
    console.log(`${label}: already in ${out}/study`);
    continue;
  }
  try {
    const r = await trainConfiguration(config, { dataset, epochs, imageSize: 16 });
    study.addTrial({
      config: cell,
      budget: epochs,
      values: { error: r.metrics.error, disparity: r.metrics.disparity, rank_disparity: r.metrics.rankDisparity },
      cost: { seconds: r.seconds, budget: r.epochsTrained },
      attributes: { ...r.metrics, perGroup: r.perGroup, trainingConfig: config },
    });
    console.log(`${label}: error ${r.metrics.error.toFixed(3)}, disparity ${r.metrics.disparity.toFixed(3)} (${r.seconds.toFixed(1)} s)`);
  } catch (error) {
    // A diverged run is a result of the study (the FR-NAS table has ~50), not a reason to stop it.
    study.addTrial({ config: cell, budget: epochs, status: 'failed', error: (error as Error).message, cost: { budget: epochs } });
    console.log(`${label}: failed (${(error as Error).message})`);
  }
}

const trials = study.trials();
study.close();
const report = await writeSearchReport({ trials, objectives, outDir: out, title: 'FR-NAS phase 1 (architecture study)' });
console.log(`\nOn the error / disparity front (${report.front.length} of ${trials.length}):`);
for (const t of report.front) console.log(`  ${String(t.config.backbone)} ${String(t.config.head)} ${String(t.config.optimizer)}: error ${t.values.error.toFixed(3)}, disparity ${t.values.disparity.toFixed(3)}`);
console.log(`report: ${report.files.html}`);
