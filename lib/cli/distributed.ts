// `frnas worker` and `frnas coordinate`: the distributed backend (Redis + BullMQ) as commands.
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES, type FaceObjectiveName, type PromotionName, type ProposerName, type ModelTrainingData } from './library.js';
import { coordinateSearch, maskRedisUrl, startTrialWorker, type JsonObject } from '../distributed/index.js';
import { addStudyOptions, addTrainingOptions, FACE_OBJECTIVES, nonNegativeInteger, positiveInteger, positiveNumber, trainingOptionsFrom } from './options.js';

function nameList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('at least one objective is needed');
  return names;
}

function jsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`--evaluator-options must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('--evaluator-options must be a JSON object');
  return value as JsonObject;
}

/** Stops on the first SIGINT/SIGTERM after `stop()`, or at once on the second. */
function onShutdown(what: string, stop: () => Promise<void> | void): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`\nfrnas ${what}: quitting now (${signal}).\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\nfrnas ${what}: stopping after the running trials (${signal} again quits now).\n`);
    void stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Adds `frnas worker` and `frnas coordinate` to the program. */
export function registerDistributedCommands(program: Command): void {
  program
    .command('worker')
    .description('evaluate the trials a coordinator queues in Redis (run it on as many machines as you like)')
    .requiredOption('--redis <url>', 'redis://[user:password@]host:port[/db], or rediss://... for TLS')
    .requiredOption('--study <name>', 'the study to serve (the coordinator prints it)')
    .option('--concurrency <n>', 'trials evaluated at once by this process', positiveInteger('--concurrency'), 1)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend on this machine (default: best available)').choices([...BACKEND_NAMES]))
    .option('--checkpoints <dir>', "the study's shared checkpoint folder as this machine mounts it; trials write only under it (default ./frnas-checkpoints/<study>)")
    .option('--data-root <dir>', 'a folder whose data sets jobs may read (repeatable); without one, jobs may use synthetic data only', (dir: string, dirs: string[] = []) => [...dirs, dir])
    .option('--lock-duration <s>', 'seconds a running trial stays locked between renewals (renewed every half)', positiveNumber('--lock-duration'), 60)
    .option('--stalled-interval <s>', 'seconds between checks for trials whose worker died', positiveNumber('--stalled-interval'), 30)
    .option('--max-stalled <n>', 'times a trial may lose its worker before it fails', nonNegativeInteger('--max-stalled'), 2)
    .option('--command <cmd>', "this machine's trainer command line, run per trial for jobs of the 'command' evaluator (docs/command-trials.md); never taken from a job")
    .option('--kill-grace <s>', 'seconds between SIGTERM and SIGKILL when a command trial is stopped', positiveNumber('--kill-grace'))
    .option('--quiet', 'do not print a line per trial')
    .action(async (o: Record<string, unknown>) => {
      const quiet = o.quiet === true;
      const worker = await startTrialWorker({
        command: o.command as string | undefined,
        killGrace: o.killGrace as number | undefined,
        redis: o.redis as string,
        study: o.study as string,
        concurrency: o.concurrency as number,
        backend: o.backend as string | undefined,
        checkpointRoot: o.checkpoints as string | undefined,
        dataRoots: o.dataRoot as string[] | undefined,
        lockDuration: o.lockDuration as number,
        stalledInterval: o.stalledInterval as number,
        maxStalledCount: o.maxStalled as number,
        onTrialStart: (job) => {
          if (!quiet) process.stderr.write(`trial ${job.trialId} started (budget ${job.budget})\n`);
        },
        onTrialEnd: (outcome) => {
          if (quiet) return;
          const values = Object.entries(outcome.result.values).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(4) : v}`).join(' ');
          const error = outcome.result.error ? ` (${outcome.result.error})` : '';
          process.stderr.write(`trial ${outcome.trialId} ${outcome.result.status}${error} ${values} in ${((outcome.finishedAt - outcome.startedAt) / 1000).toFixed(2)} s\n`);
        },
      });
      console.log(`frnas worker ${worker.id}: serving ${worker.queueName} on ${maskRedisUrl(o.redis as string)}; Ctrl-C stops after the running trials.`);
      console.log(`  checkpoints under ${worker.checkpointRoot}; data folders ${worker.dataRoots.length ? `under ${worker.dataRoots.join(', ')}` : 'none (synthetic data only; --data-root allows a folder)'}`);
      await new Promise<void>((resolve) => {
        const detach = onShutdown('worker', async () => {
          await worker.close();
          detach();
          resolve();
        });
      });
    });

  const coordinate = program
    .command('coordinate')
    .description('run (or resume) a search whose trials are evaluated by `frnas worker` processes through Redis')
    .requiredOption('--redis <url>', 'redis://[user:password@]host:port[/db], or rediss://... for TLS')
    .requiredOption('--out <dir>', 'study folder (journal, report; checkpoints by default: share it with the workers)')
    .option('--study <name>', 'queue name the workers serve (default: the folder name)');
  addStudyOptions(coordinate, { scheduler: 'asha', data: 'data spec every worker can read at the same path' })
    .option('--objectives <list>', `comma-separated; for face training from ${FACE_OBJECTIVES.join(', ')}`, nameList)
    .option('--in-flight <n>', 'trials queued or running at once (about the total worker concurrency)', positiveInteger('--in-flight'), 4)
    .addOption(new Option('--tell-order <order>', "'trial-id' tells results in trial order (reproducible runs)").choices(['arrival', 'trial-id']).default('arrival'))
    .option('--checkpoints <dir>', 'shared checkpoint folder as this machine names it (default <out>/checkpoints)')
    .option('--trial-timeout <s>', 'seconds after which a trial is recorded as timeout', positiveNumber('--trial-timeout'))
    .option('--model <name>', 'network family: dpn (the searched cell) or a registered backbone', 'dpn')
    .option('--image-size <px>', 'training image size', positiveInteger('--image-size'))
    .option('--batch-size <n>', 'training batch size', positiveInteger('--batch-size'))
    .option('--no-threads', 'train in the workers\' main thread (blocks lock renewal: raise their --lock-duration above a trial\'s length)')
    .option('--evaluator <name>', 'evaluator installed on the workers instead of face training (e.g. zdt1 for a smoke test)')
    .option('--evaluator-options <json>', 'plain-data options of --evaluator', jsonObject);
  addTrainingOptions(coordinate)
    .action(async (o: Record<string, unknown>) => {
      const evaluatorName = o.evaluator as string | undefined;
      const objectives = o.objectives as string[] | undefined;
      if (!evaluatorName && objectives) {
        const unknown = objectives.filter((n) => !(FACE_OBJECTIVES as readonly string[]).includes(n));
        if (unknown.length > 0) throw new Error(`unknown objective "${unknown[0]}"; choose from ${FACE_OBJECTIVES.join(', ')}`);
      }
      const controller = new AbortController();
      const detach = onShutdown('coordinator', () => controller.abort());
      try {
        const outcome = await coordinateSearch({
          redis: o.redis as string,
          out: o.out as string,
          study: o.study as string | undefined,
          space: o.space as string,
          data: o.data as string,
          ...trainingOptionsFrom(o),
          objectives: evaluatorName ? undefined : (objectives as FaceObjectiveName[] | undefined),
          evaluator: evaluatorName ? { name: evaluatorName, options: (o.evaluatorOptions as JsonObject | undefined) ?? {} } : undefined,
          evaluatorObjectives: evaluatorName ? objectives : undefined,
          scheduler: o.scheduler as 'asha',
          proposer: o.proposer as ProposerName,
          proposerData: o.proposerData as ModelTrainingData | undefined,
          trainingData: o.trainingData as ModelTrainingData | undefined,
          promotion: o.promotion as PromotionName | undefined,
          minEpochs: o.minEpochs as number,
          maxEpochs: o.maxEpochs as number,
          eta: o.eta as number,
          trials: o.trials as number | undefined,
          budget: o.budget as number | undefined,
          seconds: o.time as number | undefined,
          maxConsecutiveFailures: o.maxConsecutiveFailures as number,
          inFlight: o.inFlight as number,
          tellOrder: o.tellOrder as 'arrival',
          checkpointRoot: o.checkpoints as string | undefined,
          trialTimeout: o.trialTimeout as number | undefined,
          model: o.model as string,
          imageSize: o.imageSize as number | undefined,
          threads: o.threads !== false,
          seed: o.seed as number,
          signal: controller.signal,
          onReady: ({ study, queueName }) =>
            console.log(`frnas coordinator: queue ${queueName}; start workers with: frnas worker --redis ${maskRedisUrl(o.redis as string)} --study ${study}`),
          onTrialEnd: (trial) => {
            const values = Object.entries(trial.values).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ');
            process.stderr.write(`trial ${trial.id} (budget ${trial.budget}) ${trial.status}${trial.error ? ` (${trial.error})` : ''} ${values}\n`);
          },
        });
        const failed = outcome.trials.filter((t) => t.status !== 'ok').length;
        console.log(
          `${outcome.interrupted ? 'Stopped' : 'Done'}: ${outcome.trials.length} trials (${failed} failed) through ${outcome.queueName}; ` +
            `Pareto front of ${outcome.report.front.length} at budget ${outcome.report.budget}, hypervolume ${outcome.report.hypervolume.toPrecision(4)}.`,
        );
        console.log(`Report: ${outcome.report.files.html}`);
      } finally {
        detach();
      }
    });
}
