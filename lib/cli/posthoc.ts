// `frnas init | retrain | evaluate | analyze`: the steps after a search (docs/workflow.md), as thin wrappers of lib/posthoc.
import { basename, join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKEND_NAMES, readTrainingConfig, type BackendName } from './library.js';
import {
  analyze,
  DISPARITY_MEASURES,
  evaluateTransfer,
  loadFrnasConfig,
  openDataset,
  resolveSettings,
  retrain,
  writeConfigTemplate,
  type DisparityMeasure,
  type FrnasConfig,
  type MeanStd,
} from '../posthoc/index.js';
import { fractionList, integerList, nonNegativeInteger, positiveInteger } from './options.js';

function measureList(text: string): DisparityMeasure[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const byName = new Map(DISPARITY_MEASURES.flatMap((m) => [[m, m], [m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), m]] as [string, DisparityMeasure][]));
  return names.map((n) => {
    const measure = byName.get(n);
    if (!measure) throw new InvalidArgumentError(`unknown measure "${n}"; choose from ${[...byName.keys()].join(', ')}`);
    return measure;
  });
}

const pm = (m: MeanStd): string => `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`;

function configOf(o: { config?: string }): FrnasConfig {
  return loadFrnasConfig({ file: o.config });
}

/** Adds `frnas init`, `frnas retrain`, `frnas evaluate` and `frnas analyze` to the program. */
export function registerPosthocCommands(program: Command): void {
  program
    .command('init')
    .description(`write a commented frnas.config.json template (dataset roots, backend, output root, seeds)`)
    .argument('[file]', 'where to write it', 'frnas.config.json')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, o: { force?: boolean }) => {
      const path = await writeConfigTemplate(file, { force: o.force });
      console.log(`Wrote ${path}; edit the data set roots, then use --data <name>.`);
    });

  program
    .command('retrain')
    .description('retrain the Pareto front (or --top K, or --trials) of a search at the full budget with several seeds')
    .argument('<search-dir>', 'study folder written by frnas search')
    .option('--config <file>', 'config file (default ./frnas.config.json over ~/.config/frnas/config.json)')
    .option('--data <name|spec>', 'the data set the search ran on: a name from the config file or a spec (default: the one the search recorded)')
    .option('--eval-data <name|spec>', 'evaluate on this other data set (default: the one the search recorded, if any)')
    .option('--seeds <list>', 'seeds of the runs (default config seeds, else 333,444,555)', integerList('--seeds'))
    .option('--top <k>', 'the K best trials at the highest budget instead of the Pareto front', positiveInteger('--top'))
    .option('--trials <ids>', 'these trial ids instead of the Pareto front', integerList('--trials'))
    .option('--epochs <n>', 'full budget (default the search\'s maximum budget)', positiveInteger('--epochs'))
    .option('--workers <n>', 'runs trained at once, each in a worker thread', positiveInteger('--workers'))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_NAMES]))
    .option('--image-size <px>', 'training image size (default the search\'s)', positiveInteger('--image-size'))
    .option('--batch-size <n>', 'training batch size (default the search\'s)', positiveInteger('--batch-size'))
    .option('--split-seed <n>', 'seed of the train/validation/test split (the search used 0)', nonNegativeInteger('--split-seed'))
    .option('--evaluate-every <n>', 'evaluate on validation every n epochs (logged in metrics.csv); default the last epoch only', positiveInteger('--evaluate-every'))
    .option('--baseline-config <files...>', 'hand-picked baselines: phase-1 configuration files (frnas createTrainingConfigs)')
    .option('--no-baseline-default', 'do not retrain the space\'s default configuration as a baseline')
    .option('--out <dir>', 'retrain folder (default <outRoot>/<search>-retrain from the config, else <search-dir>/retrain)')
    .action(async (searchDir: string, o: Record<string, unknown>) => {
      const config = configOf(o as { config?: string });
      const settings = resolveSettings(config, {
        backend: o.backend as BackendName | undefined,
        seeds: o.seeds as number[] | undefined,
        workers: o.workers as number | undefined,
        splitSeed: o.splitSeed as number | undefined,
      });
      const dataName = o.data as string | undefined;
      const opened = dataName === undefined ? undefined : await openDataset(dataName, config);
      const evaluation = o.evalData === undefined ? undefined : await openDataset(o.evalData as string, config);
      const baselines = await Promise.all(((o.baselineConfig as string[] | undefined) ?? []).map(async (file) => ({ name: basename(file).replace(/\.json$/, ''), config: await readTrainingConfig(file) })));
      const out = (o.out as string | undefined) ?? (config.outRoot ? join(config.outRoot, `${basename(resolve(searchDir))}-retrain`) : undefined);
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        controller.abort();
        process.stderr.write('\nfrnas: finishing the running runs (Ctrl-C again quits now; the same command resumes).\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const outcome = await retrain({
          searchDir,
          out,
          data: opened?.dataset,
          dataSpec: opened?.spec,
          splitMode: opened?.splitMode,
          evaluationData: evaluation?.dataset,
          evaluationDataSpec: evaluation?.spec,
          seeds: settings.seeds,
          workers: settings.workers,
          backend: settings.backend,
          splitSeed: settings.splitSeed,
          validation: settings.validation,
          test: settings.test,
          top: o.top as number | undefined,
          trials: o.trials as number[] | undefined,
          epochs: o.epochs as number | undefined,
          imageSize: o.imageSize as number | undefined,
          batchSize: o.batchSize as number | undefined,
          fallbackTraining: config.training,
          evaluateEvery: o.evaluateEvery as number | undefined,
          baselineDefault: o.baselineDefault as boolean,
          baselines,
          signal: controller.signal,
          onRunFailed: (run, error) => process.stderr.write(`failed: ${run.model} seed ${run.seed}: ${error}\n`),
          onRunEnd: (run, result, skipped) =>
            process.stderr.write(`${skipped ? 'done earlier' : 'finished'}: ${run.model} seed ${run.seed}: test error ${result.test.metrics.error.toFixed(4)}, disparity ${result.test.metrics.disparity.toFixed(4)}\n`),
        });
        console.log(`${outcome.interrupted ? 'Stopped' : 'Done'}: ${outcome.runs.length} runs in ${outcome.out}${outcome.failures.length ? `, ${outcome.failures.length} failed` : ''}`);
        if (outcome.failures.length) process.exitCode = 1;
        for (const m of outcome.summary) {
          const failed = m.failedSeeds.length ? `, ${m.failedSeeds.length} failed (seeds ${m.failedSeeds.join(',')})` : ', 0 failed';
          console.log(`  ${m.model} (${m.kind}, n=${m.seeds.length} seeds ${m.seeds.join(',')}${failed}): test error ${pm(m.test.metrics.error)}, disparity ${pm(m.test.metrics.disparity)}, rank disparity ${pm(m.test.metrics.rankDisparity)}`);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  program
    .command('evaluate')
    .description('evaluate trained models on another data set (transfer), per protected group, with verification pairs when it has them (RFW)')
    .requiredOption('--model <runs...>', 'run folders written by frnas retrain (…/<model>/seed-<s>)')
    .requiredOption('--data <name|spec>', 'data set: a config name or a spec such as rfw:<dir>')
    .option('--config <file>', 'config file')
    .option('--far <list>', 'false accept rates of the verification figures', fractionList('--far'), [0.001, 0.01, 0.1])
    .option('--name <name>', 'name of this evaluation (file transfer/<name>.json; analyze --split transfer:<name>)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_NAMES]))
    .action(async (o: { model: string[]; data: string; config?: string; far: number[]; name?: string; backend?: BackendName }) => {
      const config = configOf(o);
      const settings = resolveSettings(config, { backend: o.backend });
      const { dataset, spec } = await openDataset(o.data, config);
      for (const run of o.model) {
        const e = await evaluateTransfer({ run, data: dataset, dataSpec: spec, far: o.far, name: o.name, backend: settings.backend });
        const groups = Object.entries(e.identification.perGroup).map(([g, s]) => `${g} ${s.accuracy.toFixed(4)}`).join(', ');
        console.log(`${e.model} seed ${e.seed} on ${e.name}: error ${e.identification.metrics.error.toFixed(4)}, disparity ${e.identification.metrics.disparity.toFixed(4)}; accuracy ${groups}`);
        for (const [far, v] of Object.entries(e.verification?.byFar ?? {})) {
          const tars = Object.entries(v.perGroup).map(([g, r]) => `${g} ${r.tar.toFixed(4)}`).join(', ');
          console.log(`  TAR at FAR ${far}: ${v.overall.tar.toFixed(4)} (${tars}); TAR spread ${v.tarDifference.toFixed(4)}`);
        }
        console.log(`  wrote ${e.file}`);
      }
    });

  program
    .command('analyze')
    .description('table (CSV, markdown) and plots (SVG, HTML) of error vs disparity over seeds, fronts, and dominance over baselines')
    .argument('<dirs...>', 'retrain folders or run folders')
    .option('--baseline <dirs...>', 'folders whose runs are baselines (hand-picked models)')
    .option('--split <name>', 'test, validation, or transfer:<name> (written by frnas evaluate)', 'test')
    .option('--measures <list>', `disparity measures (default all: ${DISPARITY_MEASURES.join(', ')})`, measureList)
    .option('--config <file>', 'config file')
    .option('--out <dir>', 'output folder (default <outRoot>/analysis from the config, else <first dir>/analysis)')
    .action(async (dirs: string[], o: { baseline?: string[]; split: string; measures?: DisparityMeasure[]; config?: string; out?: string }) => {
      const config = configOf(o);
      const out = o.out ?? (config.outRoot ? join(config.outRoot, 'analysis') : join(dirs[0], 'analysis'));
      const a = await analyze({ dirs, baselines: o.baseline, split: o.split, measures: o.measures, out });
      console.log(`${a.runs.length} runs of ${a.models.length} models (${a.split}):`);
      for (const m of a.models) {
        console.log(`  ${m.model} (${m.kind}, n=${m.seeds.length}, ${m.failedSeeds.length} failed): error ${pm(m.summary.metrics.error)}, disparity ${pm(m.summary.metrics.disparity)}${m.onFront.length ? ', on the front' : ''}`);
      }
      for (const d of a.dominates) {
        if (d.measures.length) console.log(`  ${d.searched} dominates ${d.baseline} on ${d.measures.join(', ')}`);
        if (d.withinNoise.length) console.log(`  ${d.searched} vs ${d.baseline}: within noise on ${d.withinNoise.join(', ')} (only the means dominate)`);
      }
      for (const m of a.withoutResult) console.log(`  ${m.model} (${m.kind}): no result on ${a.split} (seeds ${m.seeds.join(', ')})`);
      console.log(`Wrote ${a.files.csv}, ${a.files.markdown}, ${a.files.html} and ${a.files.svgs.length} SVG plots`);
    });
}
