#!/usr/bin/env node
// The `frnas` command: a thin layer over the library's workflow functions (search, report, ...).
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  BACKEND_NAMES,
  DEFAULT_SEARCH_TRIALS,
  defaultReference,
  frontAtHighestBudget,
  hypervolume,
  report,
  search,
  stopRunningCommands,
  version,
  withRecordedSettings,
  type BackendName,
  type FaceObjectiveName,
  type ObjectiveSpec,
  type PromotionName,
  type ProposerName,
  type SchedulerName,
  type ModelTrainingData,
  type SearchProgress,
  type Trial,
} from './library.js';
import { registerBenchCommand } from './bench.js';
import { registerDistributedCommands } from './distributed.js';
import { registerPosthocCommands } from './posthoc.js';
import { registerResultsCommands } from './results.js';
import { registerTrainCommands } from './train.js';
import { addStudyOptions, addTrainingOptions, FACE_OBJECTIVES, positiveInteger, positiveNumber, trainingOptionsFrom } from './options.js';

// Any names parse: a --command trainer may report its own; without one the action checks them against FACE_OBJECTIVES.
function objectiveList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('at least one objective is needed');
  return names;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** A one-line progress display on stderr (rewritten in place on a terminal, one line per trial otherwise). */
class ProgressLine {
  private readonly trials: Trial[] = [];
  private last = '';
  constructor(
    private readonly objectives: readonly ObjectiveSpec[],
    private readonly stop: { trials?: number; budget?: number; seconds?: number },
  ) {}

  trialEnded(trial: Trial): void {
    this.trials.push(trial);
  }

  update(p: SearchProgress): void {
    const { front } = frontAtHighestBudget(this.trials, this.objectives);
    const ok = this.trials.filter((t) => t.status === 'ok');
    const vec = (t: Trial) => this.objectives.map((o) => t.values[o.name]);
    const hv = front.length ? hypervolume(front.map(vec), defaultReference(ok.map(vec), this.objectives), this.objectives.map((o) => o.direction)) : 0;
    const fractions: number[] = [];
    if (this.stop.trials) fractions.push(p.finished / this.stop.trials);
    if (this.stop.budget) fractions.push(p.budgetSpent / this.stop.budget);
    if (this.stop.seconds) fractions.push(p.elapsedSeconds / this.stop.seconds);
    const done = Math.min(1, Math.max(0, ...fractions));
    const eta = done > 0 ? (p.elapsedSeconds / done) * (1 - done) : NaN;
    const width = 20;
    const bar = '#'.repeat(Math.round(done * width)).padEnd(width, '.');
    const line =
      `[${bar}] ${p.finished}${this.stop.trials ? '/' + this.stop.trials : ''} trials, ${p.running} running, ` +
      `budget ${Number(p.budgetSpent.toFixed(2))}${this.stop.budget ? '/' + this.stop.budget : ''}, front ${p.paretoFrontSize}, ` +
      `HV ${hv.toPrecision(3)}, elapsed ${formatSeconds(p.elapsedSeconds)}, ETA ${formatSeconds(eta)}`;
    if (line === this.last) return;
    this.last = line;
    if (process.stderr.isTTY) process.stderr.write('\r' + line.padEnd(process.stderr.columns ? process.stderr.columns - 1 : 0));
    else process.stderr.write(line + '\n');
  }

  end(): void {
    if (process.stderr.isTTY && this.last) process.stderr.write('\n');
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('frnas')
    .description('Joint NAS+HPO that finds fairer face-recognition models.')
    .version(version)
    .showHelpAfterError()
    // Usage errors (a bad number, an unknown option) become CommanderErrors for main() to exit with code 2;
    // commands added below inherit this.
    .exitOverride();

  const searchCommand = program
    .command('search')
    .description('run (or resume) a multi-fidelity, multi-objective search and write its report');
  addStudyOptions(searchCommand, { scheduler: 'asha', resumable: true, data: 'synthetic | orl:<dir> | celeba:<dir> | vggface2:<dir> | rfw:<dir> | folder:<dir>' })
    .option('--objectives <list>', `comma-separated, two or more of ${FACE_OBJECTIVES.join(', ')} (default error,rank_disparity; a resumed study: its own)`, objectiveList)
    .option('--workers <n>', 'trials trained at once', positiveInteger('--workers'), 1)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: best available)').choices([...BACKEND_NAMES]))
    .option('--model <name>', 'network family: dpn (the searched cell) or a registered backbone (default dpn)')
    .option('--image-size <px>', 'training image size', positiveInteger('--image-size'))
    .option('--batch-size <n>', 'training batch size', positiveInteger('--batch-size'))
    .option('--no-default', 'do not train the default configuration for comparison')
    .option('--warm-start <study-or-csv>', 'give the proposer the results of an earlier study folder or a CSV file (same space; docs/search.md, "Warm starts") when the study is new')
    .option('--command <cmd>', 'train each trial with this command line instead of the built-in trainer (docs/command-trials.md); it reads its own data')
    .option('--trial-timeout <s>', 'seconds after which a trial is recorded as timeout (a command is stopped: SIGTERM, then SIGKILL)', positiveNumber('--trial-timeout'))
    .option('--max-params <n>', 'feasible only with at most this many trainable parameters (a constraint: infeasible trials are never promoted above feasible ones nor on the front); a resumed study keeps its own', positiveNumber('--max-params'))
    .requiredOption('--out <dir>', 'study folder (journal, checkpoints, report); an existing one is resumed with its recorded data and training settings');
  addTrainingOptions(searchCommand)
    .action(async (o: Record<string, unknown>) => {
      const unknownObjective = o.command === undefined ? ((o.objectives as string[] | undefined) ?? []).find((n) => !(FACE_OBJECTIVES as readonly string[]).includes(n)) : undefined;
      if (unknownObjective !== undefined) throw new Error(`unknown objective "${unknownObjective}"; choose from ${FACE_OBJECTIVES.join(', ')} (or train with --command, whose trainer reports its own)`);
      const objectiveNames = (o.objectives as FaceObjectiveName[] | undefined) ?? withRecordedSettings({ out: o.out as string }, resolve(o.out as string)).objectives ?? ['error', 'rank_disparity'];
      const objectives = objectiveNames.map((name) => ({ name, direction: 'minimize' as const }));
      const stop = { trials: o.trials as number | undefined, budget: o.budget as number | undefined, seconds: o.time as number | undefined };
      if (stop.trials === undefined && stop.budget === undefined && stop.seconds === undefined) stop.trials = DEFAULT_SEARCH_TRIALS;
      const progress = new ProgressLine(objectives, stop);
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) {
          process.stderr.write('\nfrnas: quitting now; run the same command again to resume.\n');
          // Command trials run in their own process groups: stop them (SIGTERM, then SIGKILL) before leaving.
          void stopRunningCommands(5).finally(() => process.exit(130));
          return;
        }
        controller.abort();
        process.stderr.write('\nfrnas: stopping after the running trials (Ctrl-C again quits now; the search resumes either way).\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const outcome = await search({
          out: o.out as string,
          space: o.space as string,
          data: o.data as string | undefined,
          ...trainingOptionsFrom(o),
          objectives: o.objectives as FaceObjectiveName[] | undefined,
          scheduler: o.scheduler as SchedulerName | undefined,
          proposer: o.proposer as ProposerName | undefined,
          proposerData: o.proposerData as ModelTrainingData | undefined,
          trainingData: o.trainingData as ModelTrainingData | undefined,
          promotion: o.promotion as PromotionName | undefined,
          minEpochs: o.minEpochs as number | undefined,
          maxEpochs: o.maxEpochs as number | undefined,
          eta: o.eta as number | undefined,
          ...stop,
          maxConsecutiveFailures: o.maxConsecutiveFailures as number,
          workers: o.workers as number,
          backend: o.backend as BackendName | undefined,
          model: o.model as string | undefined,
          imageSize: o.imageSize as number | undefined,
          seed: o.seed as number | undefined,
          evaluateDefault: o.default as boolean,
          warmStart: o.warmStart as string | undefined,
          command: o.command as string | undefined,
          trialTimeout: o.trialTimeout as number | undefined,
          maxParameters: o.maxParams as number | undefined,
          signal: controller.signal,
          onTrialEnd: (t) => progress.trialEnded(t),
          onProgress: (p) => progress.update(p),
        });
        progress.end();
        if (outcome.warmStart) {
          const w = outcome.warmStart;
          console.log(w.resumed
            ? 'Warm start: the study already had trials; earlier results were not added again.'
            : `Warm start: ${w.added} earlier results added${w.outsideFidelity > 0 ? ` (${w.outsideFidelity} left out: budget outside the fidelity range)` : ''}.`);
        }
        const failed = outcome.trials.filter((t) => t.status !== 'ok').length;
        console.log(
          `${outcome.interrupted ? 'Stopped' : 'Done'}: ${outcome.trials.length} trials (${failed} failed); ` +
            `Pareto front of ${outcome.report.front.length} at ${outcome.report.budget} epochs, hypervolume ${outcome.report.hypervolume.toPrecision(4)}.`,
        );
        for (const t of outcome.report.front) {
          console.log(`  trial ${t.id}: ${objectives.map((ob) => `${ob.name}=${t.values[ob.name].toFixed(4)}`).join(' ')}  ${JSON.stringify(t.config)}`);
        }
        if (outcome.defaultTrial?.status === 'failed') {
          console.log(`  default: failed (${outcome.defaultTrial.error ?? 'no reason recorded'})`);
        } else if (outcome.defaultTrial) {
          const d = outcome.defaultTrial;
          console.log(`  default: ${objectives.map((ob) => `${ob.name}=${d.values[ob.name].toFixed(4)}`).join(' ')}  ${JSON.stringify(d.config)}`);
        }
        for (const b of outcome.baselines) console.log(`  ${b.name}: ${objectives.map((ob) => `${ob.name}=${(b.values[ob.name] ?? NaN).toFixed(4)}`).join(' ')}`);
        console.log(`Report: ${outcome.report.files.html}`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  program
    .command('report')
    .description('write the report (CSV, SVG, HTML) of a study folder')
    .argument('<dir>', 'study folder written by frnas search')
    .option('--out <dir>', 'where to write the report (default <dir>/report)')
    .action(async (dir: string, o: { out?: string }) => {
      const r = await report(dir, { outDir: o.out });
      console.log(`Pareto front of ${r.front.length} at budget ${r.budget}, hypervolume ${r.hypervolume.toPrecision(4)}.`);
      console.log(`Wrote ${r.files.csv}, ${r.files.scatterSvg}, ${r.files.hypervolumeSvg}, ${r.files.html}`);
    });

  registerTrainCommands(program);
  registerPosthocCommands(program);
  registerBenchCommand(program);
  registerDistributedCommands(program);
  registerResultsCommands(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed the message (or the help / version) already; 2 is the usual code of a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    console.error(`frnas: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

// Run when executed directly (bin or `tsx lib/cli/main.ts`), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/(^|[\\/])(main\.(ts|js)|frnas)$/.test(invoked)) await main();
