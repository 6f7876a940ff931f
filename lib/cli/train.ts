// `frnas create-configs` and `frnas train`: the FR-NAS phase-1 workflow (write config files, then train each).
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import {
  BACKEND_NAMES,
  createTrainingConfigs,
  initBackend,
  loadFaceDataset,
  readTrainingConfig,
  trainConfiguration,
  type BackendName,
  type OptimizerName,
  type ScheduleName,
} from './library.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { addTrainingOptions, nonNegativeNumber, positiveInteger, positiveNumber, trainingOptionsFrom } from './options.js';

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

export function registerTrainCommands(program: Command): void {
  program
    .command('create-configs')
    .description('write one training config file per backbone x head x optimizer (FR-NAS phase 1)')
    .requiredOption('--backbone <names>', 'comma-separated backbone families, e.g. ghostnet_100,dpn107', list)
    .option('--head <names>', 'comma-separated heads (default CosFace,ArcFace,MagFace)', list)
    .option('--optimizer <names>', 'comma-separated optimizers (default Adam,AdamW,SGD)', list)
    .option('--batch-size <n>', 'batch size', positiveInteger('--batch-size'))
    .option('--lr <x>', 'learning rate (default SGD 0.1, Adam/AdamW 0.001)', positiveNumber('--lr'))
    .option('--momentum <x>', 'SGD momentum', nonNegativeNumber('--momentum'))
    .option('--weight-decay <x>', 'weight decay', nonNegativeNumber('--weight-decay'))
    .addOption(new Option('--sched <name>', 'learning-rate schedule').choices(['cosine', 'step', 'constant']))
    .option('--lr-cycle-decay <x>', 'decay factor of the step schedule', positiveNumber('--lr-cycle-decay'))
    .option('--out <dir>', 'folder for the config files', 'configs')
    .action(async (o: Record<string, unknown>) => {
      const written = await createTrainingConfigs(
        {
          backbones: o.backbone as string[],
          heads: o.head as string[] | undefined,
          optimizers: o.optimizer as OptimizerName[] | undefined,
          batchSize: o.batchSize as number | undefined,
          lr: o.lr as number | undefined,
          momentum: o.momentum as number | undefined,
          weightDecay: o.weightDecay as number | undefined,
          sched: o.sched as ScheduleName | undefined,
          lrCycleDecay: o.lrCycleDecay as number | undefined,
        },
        o.out as string,
      );
      for (const w of written) console.log(w.path);
      console.log(`Wrote ${written.length} config files to ${o.out as string}.`);
    });

  const trainCommand = program
    .command('train')
    .description('train configuration files one after the other and evaluate accuracy and disparity per group')
    .requiredOption('--config <files...>', 'config files (from create-configs, or a search configuration as JSON)')
    .option('--data <spec>', 'synthetic | orl:<dir> | celeba:<dir> | vggface2:<dir> | rfw:<dir> | folder:<dir>', 'synthetic')
    .option('--epochs <n>', 'epochs to train', positiveInteger('--epochs'), 4)
    .option('--image-size <px>', 'training image size', positiveInteger('--image-size'))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: best available)').choices([...BACKEND_NAMES]))
    .option('--out <dir>', 'folder for checkpoints and results (one sub-folder per config)', 'runs/train');
  addTrainingOptions(trainCommand)
    .action(async (o: Record<string, unknown>) => {
      const backend = await initBackend(o.backend as BackendName | undefined);
      const dataset = await loadFaceDataset(o.data as string);
      const training = trainingOptionsFrom(o);
      // Loaded once for every config file.
      const evaluationData = training.evaluationData === undefined ? undefined : await loadFaceDataset(training.evaluationData);
      for (const file of o.config as string[]) {
        const config = await readTrainingConfig(file);
        const runDir = join(o.out as string, basename(file).replace(/\.json$/i, ''));
        await mkdir(runDir, { recursive: true });
        const result = await trainConfiguration(config, {
          ...training,
          dataset,
          evaluationData,
          epochs: o.epochs as number,
          imageSize: o.imageSize as number | undefined,
          checkpointDir: join(runDir, 'checkpoints'),
          onEpoch: (e) => process.stderr.write(`${basename(file)}: epoch ${e.epoch} loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)\n`),
        });
        await writeFileAtomic(join(runDir, 'result.json'), JSON.stringify({ config, backend, ...result }, null, 2) + '\n');
        const m = result.metrics;
        console.log(
          `${basename(file)}: error ${m.error.toFixed(4)}, disparity ${m.disparity.toFixed(4)}, rank disparity ${m.rankDisparity.toFixed(4)} ` +
            `after ${result.epochs} epochs (${result.seconds.toFixed(1)} s) -> ${join(runDir, 'result.json')}`,
        );
      }
    });
}
