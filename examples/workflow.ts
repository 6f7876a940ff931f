// The whole FR-NAS workflow on synthetic faces, from code: a config file, a joint NAS+HPO search, retraining the
// Pareto front (and the default configuration as a baseline) with three seeds, a transfer evaluation on another data
// set with four groups, and the analysis (table + plots). docs/workflow.md does the same with the CLI on real data.
// Run: npx tsx examples/workflow.ts [out-dir] [--tiny]   (--tiny: seconds, as in the test suite; otherwise minutes)
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { search } from '../lib/index.js';
import { analyze, evaluateTransfer, loadFrnasConfig, openDataset, resolveSettings, retrain, type Analysis, type RetrainOutcome } from '../lib/posthoc/index.js';

export interface WorkflowOptions {
  /** Folder of everything: frnas.config.json, search/, retrain/, analysis/. */
  out: string;
  /** Seconds instead of minutes: 10 identities, 16 px, 6 trials of 1-2 epochs. */
  tiny?: boolean;
  log?: (line: string) => void;
}

export interface WorkflowOutcome {
  retrained: RetrainOutcome;
  analysis: Analysis;
  transferAnalysis: Analysis;
}

export async function runWorkflow(options: WorkflowOptions): Promise<WorkflowOutcome> {
  const out = resolve(options.out);
  const log = options.log ?? console.log;
  const tiny = options.tiny ?? false;
  await mkdir(out, { recursive: true });

  // 1. The user's config file: data sets by name, backend, seeds, training sizes (CLI flags would override it).
  const configFile = join(out, 'frnas.config.json');
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        backend: 'wasm',
        outRoot: '.',
        seeds: [333, 444, 555],
        training: tiny ? { imageSize: 16, batchSize: 32 } : { imageSize: 32, batchSize: 64 },
        datasets: {
          faces: { kind: 'synthetic', options: tiny ? 'identities=10,images=6' : 'identities=40,images=8' },
          // Another data set with RFW's four groups, for the transfer evaluation.
          'faces-4groups': { kind: 'synthetic', options: `identities=${tiny ? 12 : 40},images=4,seed=9,groups=African|Asian|Caucasian|Indian` },
        },
      },
      null,
      2,
    ),
  );
  const config = loadFrnasConfig({ file: configFile });
  const settings = resolveSettings(config);
  const faces = await openDataset('faces', config);

  // 2. The search: joint NAS+HPO over the FR-NAS DPN space, objectives error and rank disparity.
  const searchDir = join(out, 'search');
  const searched = await search({
    out: searchDir,
    data: faces.dataset,
    backend: settings.backend,
    imageSize: settings.training.imageSize,
    batchSize: settings.training.batchSize,
    trials: tiny ? 6 : 24,
    minEpochs: 1,
    maxEpochs: tiny ? 2 : 4,
    eta: 2,
    seed: 0,
    evaluateDefault: false,
    onTrialEnd: (t) => log(`search trial ${t.id} at ${t.budget} epochs: ${t.status} ${JSON.stringify(t.values)}`),
  });
  log(`search: Pareto front of ${searched.paretoFront.length} at ${searched.report.budget} epochs`);

  // 3. Retrain the front (at most 2 models when tiny) and the default configuration, 3 seeds, full budget.
  const retrained = await retrain({
    searchDir,
    out: join(out, 'retrain'),
    data: faces.dataset,
    dataSpec: faces.spec,
    seeds: settings.seeds,
    backend: settings.backend,
    workers: settings.workers,
    ...(tiny ? { top: 2 } : {}),
    fallbackTraining: settings.training,
    onRunEnd: (run, result, skipped) => log(`retrain ${run.model} seed ${run.seed}${skipped ? ' (done earlier)' : ''}: test error ${result.test.metrics.error.toFixed(4)}`),
  });

  // 4. Transfer: every retrained run on the four-group data set.
  const other = await openDataset('faces-4groups', config);
  for (const run of retrained.runs) await evaluateTransfer({ run: run.dir, data: other.dataset, dataSpec: other.spec, name: 'faces-4groups' });

  // 5. The analysis: searched models against the baseline, mean ± std over seeds, on test and on the transfer set.
  const analysis = await analyze({ dirs: [join(out, 'retrain')], out: join(out, 'analysis'), title: 'Worked example: test split' });
  const transferAnalysis = await analyze({ dirs: [join(out, 'retrain')], split: 'transfer:faces-4groups', out: join(out, 'analysis-transfer'), title: 'Worked example: transfer to four groups' });
  log(`analysis: ${analysis.files.markdown}, ${analysis.files.html}`);
  return { retrained, analysis, transferAnalysis };
}

// Run directly (not when imported by the test).
if (process.argv[1] && /examples[\\/]workflow\.(ts|js)$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const outcome = await runWorkflow({ out: args.find((a) => !a.startsWith('--')) ?? 'runs/workflow-example', tiny: args.includes('--tiny') });
  const { readFileSync } = await import('node:fs');
  console.log('\n' + readFileSync(outcome.analysis.files.markdown, 'utf8'));
}
