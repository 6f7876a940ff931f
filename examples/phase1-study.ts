// FR-NAS phase 1, the architecture study: train a grid of backbone x head x optimizer with default hyperparameters
// (the seeds' `create-configs` + `train` workflow) and report which combinations are on the error / disparity front.
// Run: npx tsx examples/phase1-study.ts [data-spec] [epochs] [out]   (default: synthetic faces, 2 epochs; ~2 min)
import {
  configurationId,
  initBackend,
  loadFaceDataset,
  trainConfiguration,
  trainingConfigs,
  writeSearchReport,
  type ObjectiveSpec,
  type Trial,
} from '../lib/index.js';

const dataSpec = process.argv[2] ?? 'synthetic:identities=16,images=8';
const epochs = Number(process.argv[3] ?? 2);
const out = process.argv[4] ?? 'runs/phase1-study';

await initBackend();
const dataset = await loadFaceDataset(dataSpec);
const grid = trainingConfigs({
  backbones: ['resnet18', 'ghostnet_100', 'dpn107'],
  heads: ['CosFace', 'ArcFace', 'MagFace'],
  optimizers: ['AdamW', 'SGD'],
  batchSize: 32,
});

const trials: Trial[] = [];
for (const [id, config] of grid.entries()) {
  const label = `${String(config.backbone)} ${String(config.head)} ${String(config.optimizer)}`;
  try {
    const r = await trainConfiguration(config, { dataset, epochs, imageSize: 16 });
    trials.push({
      id,
      config,
      configId: configurationId(config),
      budget: epochs,
      status: 'ok',
      values: { error: r.metrics.error, disparity: r.metrics.disparity, rank_disparity: r.metrics.rankDisparity },
      cost: { seconds: r.seconds, budget: r.epochsTrained },
      attributes: { ...r.metrics, perGroup: r.perGroup },
    });
    console.log(`${label}: error ${r.metrics.error.toFixed(3)}, disparity ${r.metrics.disparity.toFixed(3)} (${r.seconds.toFixed(1)} s)`);
  } catch (error) {
    // A diverged run is a result of the study (the FR-NAS table has ~50), not a reason to stop it.
    trials.push({ id, config, configId: configurationId(config), budget: epochs, status: 'failed', values: {}, cost: { seconds: 0, budget: epochs }, attributes: {}, error: (error as Error).message });
    console.log(`${label}: failed (${(error as Error).message})`);
  }
}

const objectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'disparity', direction: 'minimize' },
];
const report = await writeSearchReport({ trials, objectives, outDir: out, title: 'FR-NAS phase 1 (architecture study)' });
console.log(`\nOn the error / disparity front (${report.front.length} of ${trials.length}):`);
for (const t of report.front) console.log(`  ${String(t.config.backbone)} ${String(t.config.head)} ${String(t.config.optimizer)}: error ${t.values.error.toFixed(3)}, disparity ${t.values.disparity.toFixed(3)}`);
console.log(`report: ${report.files.html}`);
