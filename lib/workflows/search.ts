import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendName } from '../backend/index.js';
import type { FaceDataset } from '../data/index.js';
import { writeSearchReport, type ReportBaseline, type SearchReport } from '../report/index.js';
import { JOURNAL_FILE, optimize, Study, warmStart, type SchedulerName, type SearchProgress, type ProposerName, type PromotionName, type Fidelity, type WarmStartOutcome, type ConstraintsFunction } from '../search/index.js';
import type { ObjectiveSpec, Proposer, Trial } from '../search/types.js';
import { RandomForestProposer } from '../search/proposers/random-forest/index.js';
import { TpeProposer } from '../search/proposers/tpe/index.js';
import type { ModelTrainingData } from '../search/proposers/training-data.js';
import { Space } from '../space/index.js';
import { checkIdentityOverlap, FACE_TRAINING_DEFAULT_KEYS, faceRecognitionObjective, openFaceData, pixelBaseline, type FaceObjectiveName, type FaceTrainingDefaults } from '../train/index.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { commandObjective, type CommandObjectiveOptions } from '../command/index.js';

/** The folder of the JSON spaces shipped with frnas (search-spaces/ at the package root). */
export function bundledSpacesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'search-spaces')) && existsSync(join(dir, 'package.json'))) return join(dir, 'search-spaces');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('frnas: the search-spaces folder was not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** A space from a file path, or a bundled space by name (`frnas-dpn` -> search-spaces/frnas-dpn.json). */
export function loadSpace(pathOrName: string): Space {
  if (existsSync(pathOrName)) return Space.fromFile(pathOrName);
  const bundled = join(bundledSpacesDir(), pathOrName.endsWith('.json') ? pathOrName : `${pathOrName}.json`);
  if (existsSync(bundled)) return Space.fromFile(bundled);
  throw new Error(`search space "${pathOrName}": no such file, and no bundled space of that name in ${bundledSpacesDir()}`);
}

/** The study settings that `search()` and `coordinateSearch()` share (the CLI's study options). */
export interface FaceStudySettings {
  scheduler?: SchedulerName;
  proposer?: ProposerName;
  /**
   * What the model of the 'rf' or 'tpe' proposer learns from under a multi-fidelity scheduler: 'highest-budget'
   * (BOHB / SMAC-MF; rf's default) or 'all-budgets' (every result; tpe's default). docs/proposers.md.
   * Named for the proposer so that it is not read as the face images a model trains on (`data`).
   */
  proposerData?: ModelTrainingData;
  /** @deprecated Use `proposerData` (the same rule); still read when `proposerData` is left out. */
  trainingData?: ModelTrainingData;
  /** How rungs are ranked for promotion with several objectives; default 'hypervolume' under ASHA, else 'nds-crowding' (faceSearchPromotion). */
  promotion?: PromotionName;
  /** Epoch budgets: minEpochs (default 1) to maxEpochs (default 4), times eta (default 2) between rungs. */
  minEpochs?: number;
  maxEpochs?: number;
  eta?: number;
  /** Stop rules (total trials, epochs, seconds). */
  trials?: number;
  budget?: number;
  seconds?: number;
  /** Stop with an error after this many failed trials in a row (default 5; 0 or Infinity: never); see optimize(). */
  maxConsecutiveFailures?: number;
  seed?: number;
  /**
   * Feasible only with at most this many trainable parameters (CLI `--max-params`): a constraint on the count the
   * trainer reports (`trainableParameters`; a command trainer's `trainable_parameters` attribute). Infeasible trials
   * are kept with their reason but never promoted above feasible ones nor put on the front, and the rf / tpe
   * proposers learn to avoid them (docs/search.md, "Constraints"). Recorded in the study, so a resume keeps it.
   */
  maxParameters?: number;
}

/** The attribute names under which a trainer reports its trainable parameter count (built-in, command protocol). */
const PARAMETER_ATTRIBUTES = ['trainableParameters', 'trainable_parameters'] as const;

/** The constraint of `maxParameters`: parameters − max (<= 0 feasible); undefined without one. */
export function parameterConstraint(maxParameters: number | undefined): ConstraintsFunction | undefined {
  if (maxParameters === undefined) return undefined;
  if (!(typeof maxParameters === 'number' && Number.isFinite(maxParameters) && maxParameters > 0)) throw new Error(`maxParameters (--max-params) must be a positive number, got ${String(maxParameters)}`);
  return (trial) => {
    const name = PARAMETER_ATTRIBUTES.find((n) => typeof trial.attributes[n] === 'number');
    if (name === undefined) throw new Error(`--max-params needs the trainer to report its trainable parameter count (attribute ${PARAMETER_ATTRIBUTES.join(' or ')}); trial ${trial.id} has none`);
    return [(trial.attributes[name] as number) - maxParameters];
  };
}

/** The proposer of a face search from its settings: a name, or the 'rf' / 'tpe' proposer built with its training-data rule. */
export function faceSearchProposer(settings: FaceStudySettings): ProposerName | Proposer {
  const proposer = settings.proposer ?? 'rf';
  const trainingData = proposerDataOf(settings);
  if (trainingData === undefined) return proposer;
  if (proposer === 'rf') return new RandomForestProposer({ trainingData });
  if (proposer === 'tpe') return new TpeProposer({ trainingData });
  throw new Error(`proposerData (--proposer-data) applies to the model-based proposers 'rf' and 'tpe' only, got proposer '${proposer}'`);
}

/** The proposer's data rule: `proposerData`, else its deprecated alias `trainingData`; the two disagreeing is an error. */
function proposerDataOf(settings: FaceStudySettings): ModelTrainingData | undefined {
  const { proposerData, trainingData } = settings;
  if (proposerData !== undefined && trainingData !== undefined && proposerData !== trainingData) {
    throw new Error(`proposerData ('${proposerData}') and its deprecated alias trainingData ('${trainingData}') disagree; give proposerData (--proposer-data) only`);
  }
  return proposerData ?? trainingData;
}

/**
 * The scheduler of a face search: the one given, else ASHA + (by faceSearchProposer) rf when the fidelity has more
 * than one budget, with any number of workers and any budget (docs/benchmarks.md, "One default per situation"), else
 * random (one budget: nothing to promote). A resumed study keeps the scheduler its header recorded.
 */
export function faceSearchScheduler(settings: FaceStudySettings): SchedulerName {
  const fidelity = faceSearchFidelity(settings);
  return settings.scheduler ?? (fidelity.min < fidelity.max ? 'asha' : 'random');
}

/**
 * The promotion rule of a face search: the one given, else 'hypervolume' under ASHA (the default scheduler) and
 * 'nds-crowding' under the others. Crowding distance ranks a rung's two extremes first whatever they cost in the other
 * objective, and with error and rank disparity one extreme is often a useless model whose groups are equally bad
 * (a searched model at 96 % error was promoted so); the hypervolume contribution ranks it last. Measured on YAHPO and
 * the analytic fidelity problems (docs/benchmarks.md, "One default per situation").
 */
export function faceSearchPromotion(settings: FaceStudySettings): PromotionName {
  return settings.promotion ?? (faceSearchScheduler(settings) === 'asha' ? 'hypervolume' : 'nds-crowding');
}

/** The fidelity of a face search from its settings: epochs minEpochs..maxEpochs, eta between rungs. */
export function faceSearchFidelity(settings: FaceStudySettings): Fidelity {
  return { min: settings.minEpochs ?? 1, max: settings.maxEpochs ?? 4, eta: settings.eta ?? 2 };
}

/** `search()` options; with no stop rule the search stops after DEFAULT_SEARCH_TRIALS (20) trials. */
export interface SearchOptions extends Omit<FaceTrainingDefaults, 'maxEpochs' | 'seed'>, FaceStudySettings {
  /** Study folder: journal, checkpoints, report. Searching an existing folder resumes it. */
  out: string;
  /** A space file, a bundled space name, or a Space; default the paper's `frnas-dpn`. */
  space?: string | Space;
  /** The training data: a data spec (`synthetic`, `folder:<dir>`, ...) or a loaded data set; default `synthetic`. */
  data?: string | FaceDataset;
  /**
   * Evaluate every trial on this other data set (a spec or a data set; all its images) instead of a split of `data`:
   * FR-NAS's protocol, train on some people and measure error and disparity on others. Its groups are the fairness groups.
   */
  evaluationData?: string | FaceDataset;
  /** Allow evaluation identities that are also training identities (refused by default). */
  allowIdentityOverlap?: boolean;
  /** Train only on identities with at least this many images (default 1: all). */
  minImagesPerIdentity?: number;
  /**
   * Default FR-NAS's error and rank disparity (all minimised). With `command`, any names the command reports
   * (all minimised).
   */
  objectives?: readonly FaceObjectiveName[] | readonly string[];
  /**
   * Train with the user's own command instead of the built-in trainer (docs/command-trials.md): a shell command
   * line, or commandObjective's options. The data are then the command's business: `data`, `evaluationData` and the
   * training settings must be left out. The command line is recorded in the study, so a resume runs the same trainer.
   */
  command?: string | Omit<CommandObjectiveOptions, 'objectives' | 'seed' | 'signal'>;
  /** Seconds after which a trial is recorded as `timeout` (a command is stopped: SIGTERM, then SIGKILL). */
  trialTimeout?: number;
  /** Trials trained at once. */
  workers?: number;
  backend?: BackendName;
  /** Train the default configuration at the maximum budget too, so the report compares the front with it (default true). */
  evaluateDefault?: boolean;
  /**
   * An earlier study folder or a CSV file of results (docs/search.md, "Warm starts"): added to a new study as known
   * trials (Study#addTrial) before the search, so the proposer's model starts from them. Ignored when resuming a study
   * that already has trials (they were added when it was created).
   */
  warmStart?: string;
  /** Aborting stops starting trials; running ones finish and everything stays resumable. */
  signal?: AbortSignal;
  onProgress?: (progress: SearchProgress) => void;
  onTrialEnd?: (trial: Trial) => void;
}

export interface SearchOutcome {
  trials: Trial[];
  paretoFront: Trial[];
  /** The default configuration's result at the maximum budget, when evaluated; status 'failed' (with `error`) when it could not be trained. */
  defaultTrial?: Trial;
  report: SearchReport;
  /** Results outside the space on the same evaluation data: raw pixels as the embedding (`baselines.json`). */
  baselines: ReportBaseline[];
  /** True when the search stopped because `signal` was aborted. */
  interrupted: boolean;
  /** What `warmStart` added; `resumed`: the study already had trials, nothing was added again. */
  warmStart?: WarmStartOutcome & { resumed: boolean };
}

const DEFAULT_TRIAL_FILE = 'default.json';
const BASELINES_FILE = 'baselines.json';

/** The baselines a study folder keeps (`baselines.json`), [] when none. */
function readBaselines(dir: string): ReportBaseline[] {
  const file = join(dir, BASELINES_FILE);
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { baselines?: ReportBaseline[] };
  return parsed.baselines ?? [];
}

/** The raw-pixel baseline, computed once per study (kept in `baselines.json` with the settings it was computed for). */
async function pixelBaselines(dir: string, options: Parameters<typeof pixelBaseline>[0] & { settings: Record<string, unknown> }): Promise<ReportBaseline[]> {
  const file = join(dir, BASELINES_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { settings?: unknown; baselines?: ReportBaseline[] };
    if (JSON.stringify(saved.settings) === JSON.stringify(options.settings) && saved.baselines) return saved.baselines;
  }
  const pixels = await pixelBaseline(options);
  const baselines: ReportBaseline[] = [{ name: 'raw pixels', ...pixels }];
  await writeFileAtomic(file, JSON.stringify({ settings: options.settings, baselines }, null, 2) + '\n');
  return baselines;
}

/** Trials a search runs when no stop rule is given. */
export const DEFAULT_SEARCH_TRIALS = 20;

/**
 * A whole joint NAS+HPO search for fairer face recognition: trains configurations of the space on the data at budgets
 * from `minEpochs` to `maxEpochs`, promotes the promising ones on every objective, and writes the report of the Pareto front.
 * Everything lives in `out`: running it again on the same folder resumes the search.
 */
export async function search(givenOptions: SearchOptions): Promise<SearchOutcome> {
  if (givenOptions.command !== undefined) return commandSearch(givenOptions);
  // A command study resumed without --command: its recorded command trains, as its recorded data would.
  const recordedCommand = recordedSearchSettings(resolve(givenOptions.out));
  if (typeof recordedCommand.command === 'string') {
    const args = Array.isArray(recordedCommand.args) ? (recordedCommand.args as string[]) : undefined;
    return commandSearch({ ...givenOptions, command: args ? { command: recordedCommand.command, args } : recordedCommand.command });
  }
  const out = resolve(givenOptions.out);
  // A resumed study supplies its recorded data and training settings: nothing needs repeating.
  const options = withRecordedSettings(givenOptions, out);
  const space = typeof options.space === 'object' ? options.space : loadSpace(options.space ?? 'frnas-dpn');
  const dataset = await openFaceData(options.data ?? 'synthetic');
  const evaluationData = options.evaluationData === undefined ? undefined : await openFaceData(options.evaluationData);
  // Refused before any trial runs, not trial by trial.
  if (evaluationData) checkIdentityOverlap(dataset, evaluationData, options.allowIdentityOverlap);
  const objectiveNames = (options.objectives ?? ['error', 'rank_disparity']) as readonly FaceObjectiveName[];
  const objectives: ObjectiveSpec[] = objectiveNames.map((name) => ({ name, direction: 'minimize' }));
  const fidelity = faceSearchFidelity(options);
  const proposer = faceSearchProposer(options);
  const seed = options.seed ?? 0;
  const stop = {
    trials: options.trials,
    budget: options.budget,
    seconds: options.seconds,
    when: () => options.signal?.aborted === true,
  };
  if (stop.trials === undefined && stop.budget === undefined && stop.seconds === undefined) stop.trials = DEFAULT_SEARCH_TRIALS;

  const { out: _out, space: _space, data: _data, evaluationData: _evaluationData, allowIdentityOverlap, minImagesPerIdentity, objectives: _objectives, scheduler: _scheduler, proposer: _proposer, proposerData: _proposerData, trainingData: _trainingData, promotion: _promotion, minEpochs: _min, maxEpochs: _max, eta: _eta,
    trials: _trials, budget: _budget, seconds: _seconds, maxConsecutiveFailures, workers, backend, seed: _seed, evaluateDefault, signal, warmStart: warmStartSource, onProgress, onTrialEnd, command: _command, trialTimeout, maxParameters, ...training } = options;
  const constraints = parameterConstraint(maxParameters);
  // Always choose a backend: left to itself tfjs runs its pure-JS cpu backend, far too slow to train (backend.md).
  await initBackend(backend);
  const evaluate = faceRecognitionObjective({
    ...training,
    dataset,
    evaluationData,
    allowIdentityOverlap,
    minImagesPerIdentity,
    maxEpochs: fidelity.max,
    objectives: objectiveNames,
    backend,
    seed: 222 + seed,
    // A training epoch is synchronous: parallel trials need worker threads (wasm runs one thread each).
    workerThreads: (workers ?? 1) > 1,
  });
  const settings = faceSearchSettings(options, dataset, evaluationData);

  await mkdir(out, { recursive: true });
  const studyOptions = {
    space,
    objectives,
    fidelity,
    scheduler: faceSearchScheduler(options),
    proposer,
    promotion: faceSearchPromotion(options),
    seed,
    settings,
    ...(constraints ? { constraints } : {}),
  };
  const warmStarted = warmStartStudy(out, studyOptions, warmStartSource);
  const result = await optimize({
    ...studyOptions,
    storage: out,
    evaluate,
    stop,
    concurrency: workers ?? 1,
    maxConsecutiveFailures,
    trialTimeout,
    onProgress,
    onTrialEnd,
  });
  const interrupted = signal?.aborted === true;

  let defaultTrial: Trial | undefined;
  if ((evaluateDefault ?? true) && !interrupted) {
    defaultTrial = await evaluateDefaultConfiguration(space, fidelity.max, out, result.trials, evaluate, settings);
  }
  // Raw pixels on the same evaluation images with the same preprocessing: the floor a trained model must beat.
  const baselines = interrupted ? readBaselines(out) : await pixelBaselines(out, { ...training, dataset, evaluationData, objectives: objectiveNames, settings });
  const report = await writeSearchReport({
    trials: result.trials,
    objectives,
    outDir: join(out, 'report'),
    title: `frnas search (${space.name ?? 'space'})`,
    defaultTrial,
    defaultConfigId: space.configId(space.defaultConfiguration()),
    baselines,
  });
  return { trials: result.trials, paretoFront: result.paretoFront, defaultTrial, baselines, report, interrupted, ...(warmStarted ? { warmStart: warmStarted } : {}) };
}

/** Adds the earlier results of `source` to a new study (nothing on resume); undefined without a source. */
function warmStartStudy(out: string, studyOptions: Parameters<typeof Study.open>[1], source: string | undefined): SearchOutcome['warmStart'] {
  if (source === undefined) return undefined;
  const study = Study.open(out, studyOptions);
  try {
    const resumed = study.trials().length > 0;
    return { ...(resumed ? { added: 0, outsideFidelity: 0 } : warmStart(study, source)), resumed };
  } finally {
    study.close();
  }
}

/** The options a command search refuses: the command reads its own data and trains with its own settings. */
const BUILT_IN_TRAINER_KEYS: readonly string[] = [
  'data', 'evaluationData', 'allowIdentityOverlap', 'minImagesPerIdentity', 'backend',
  ...FACE_TRAINING_DEFAULT_KEYS.filter((key) => key !== 'seed' && key !== 'maxEpochs'),
];

/** `search()` with the user's command as the trainer (docs/command-trials.md). */
async function commandSearch(givenOptions: SearchOptions): Promise<SearchOutcome> {
  const out = resolve(givenOptions.out);
  const recorded = recordedStudy(out);
  const options: SearchOptions = withRecordedRules(givenOptions, recorded?.settings ?? {});
  for (const [key, value] of Object.entries(recorded?.study ?? {})) {
    if (options[key as keyof SearchOptions] === undefined && value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  const constraints = parameterConstraint(options.maxParameters);
  const given = BUILT_IN_TRAINER_KEYS.filter((key) => (options as unknown as Record<string, unknown>)[key] !== undefined);
  if (given.length > 0) {
    throw new Error(`search with a command: ${given.join(', ')} belong to the built-in trainer; give the command its data and training settings on its own command line`);
  }
  const commandOptions = typeof options.command === 'string' ? { command: options.command } : (options.command as Omit<CommandObjectiveOptions, 'objectives' | 'seed' | 'signal'>);
  const space = typeof options.space === 'object' ? options.space : loadSpace(options.space ?? 'frnas-dpn');
  const objectiveNames = [...(options.objectives ?? ['error', 'rank_disparity'])] as string[];
  const objectives: ObjectiveSpec[] = objectiveNames.map((name) => ({ name, direction: 'minimize' }));
  const fidelity = faceSearchFidelity(options);
  const seed = options.seed ?? 0;
  const stop = { trials: options.trials, budget: options.budget, seconds: options.seconds, when: () => options.signal?.aborted === true };
  if (stop.trials === undefined && stop.budget === undefined && stop.seconds === undefined) stop.trials = DEFAULT_SEARCH_TRIALS;
  const evaluate = commandObjective({ ...commandOptions, objectives: objectiveNames, seed });
  // The trainer is what changes a command study's results: a resume with another command line is refused.
  const settings: Record<string, unknown> = { command: commandOptions.command, ...(commandOptions.args ? { args: [...commandOptions.args] } : {}), ...searchRuleSettings(options) };
  await mkdir(out, { recursive: true });
  const studyOptions = {
    space,
    objectives,
    fidelity,
    scheduler: faceSearchScheduler(options),
    proposer: faceSearchProposer(options),
    promotion: faceSearchPromotion(options),
    seed,
    settings,
    ...(constraints ? { constraints } : {}),
  };
  const warmStarted = warmStartStudy(out, studyOptions, options.warmStart);
  const result = await optimize({
    ...studyOptions,
    storage: out,
    evaluate,
    stop,
    concurrency: options.workers ?? 1,
    maxConsecutiveFailures: options.maxConsecutiveFailures,
    trialTimeout: options.trialTimeout,
    onProgress: options.onProgress,
    onTrialEnd: options.onTrialEnd,
  });
  const interrupted = options.signal?.aborted === true;
  let defaultTrial: Trial | undefined;
  if ((options.evaluateDefault ?? true) && !interrupted) {
    defaultTrial = await evaluateDefaultConfiguration(space, fidelity.max, out, result.trials, evaluate, settings);
  }
  const report = await writeSearchReport({
    trials: result.trials,
    objectives,
    outDir: join(out, 'report'),
    title: `frnas search (${space.name ?? 'space'}, command)`,
    defaultTrial,
    defaultConfigId: space.configId(space.defaultConfiguration()),
    baselines: [],
  });
  return { trials: result.trials, paretoFront: result.paretoFront, defaultTrial, baselines: [], report, interrupted, ...(warmStarted ? { warmStart: warmStarted } : {}) };
}

/** The FaceTrainingDefaults keys a search records (its seed and maxEpochs are the study's own). */
const RECORDED_TRAINING_KEYS = FACE_TRAINING_DEFAULT_KEYS.filter((key) => key !== 'seed' && key !== 'maxEpochs');

/** A short fingerprint of a data set's file list (ids, identities, groups), so a changed folder is noticed. */
export function datasetFingerprint(dataset: FaceDataset): string {
  const hash = createHash('sha256');
  for (const item of dataset.items) hash.update(`${item.id}\t${item.identity}\t${item.group}\n`);
  return `${dataset.size} images, ${dataset.identities.length} identities, sha256:${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The settings outside the engine that change a face search's results: the data (spec and fingerprint), the
 * evaluation data, the identity rules and every training default given. Recorded in the study header.
 */
export function faceSearchSettings(options: SearchOptions, dataset: FaceDataset, evaluationData?: FaceDataset): Record<string, unknown> {
  const training: Record<string, unknown> = {};
  for (const key of RECORDED_TRAINING_KEYS) if (options[key] !== undefined) training[key] = options[key];
  const settings: Record<string, unknown> = {
    data: typeof options.data === 'string' ? options.data : (options.data?.name ?? 'synthetic'),
    dataFingerprint: datasetFingerprint(dataset),
    training,
  };
  if (evaluationData) {
    settings.evaluationData = typeof options.evaluationData === 'string' ? options.evaluationData : evaluationData.name;
    settings.evaluationDataFingerprint = datasetFingerprint(evaluationData);
  }
  if (options.allowIdentityOverlap) settings.allowIdentityOverlap = true;
  if (options.minImagesPerIdentity !== undefined && options.minImagesPerIdentity > 1) settings.minImagesPerIdentity = options.minImagesPerIdentity;
  Object.assign(settings, searchRuleSettings(options));
  return JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
}

/**
 * The search's own rules that the header records beside the trainer's settings, the same for the built-in trainer and
 * a command: the proposer's data rule (its name is in the engine's header) and the parameter limit.
 */
function searchRuleSettings(options: FaceStudySettings): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  const proposerData = proposerDataOf(options);
  // The header key keeps its first name, so studies written before `trainingData` became `proposerData` resume with equal settings.
  if (proposerData !== undefined) rules.proposerTrainingData = proposerData;
  if (options.maxParameters !== undefined) rules.maxParameters = options.maxParameters;
  return rules;
}

/** The rules of searchRuleSettings that a resumed study recorded, for the options that leave them out. */
function withRecordedRules<T extends FaceStudySettings>(options: T, recorded: Record<string, unknown>): T {
  const filled = { ...options };
  if (filled.proposerData === undefined && filled.trainingData === undefined && typeof recorded.proposerTrainingData === 'string') filled.proposerData = recorded.proposerTrainingData as ModelTrainingData;
  if (filled.maxParameters === undefined && typeof recorded.maxParameters === 'number') filled.maxParameters = recorded.maxParameters;
  return filled;
}

/** The settings recorded in a study folder's header ({} when it holds no study or recorded none). */
export function recordedSearchSettings(dir: string): Record<string, unknown> {
  return recordedStudy(dir)?.settings ?? {};
}

/** What a study folder's header recorded: the engine's settings and the search's own (undefined: no study). */
function recordedStudy(dir: string): { settings: Record<string, unknown>; study: Partial<SearchOptions> } | undefined {
  if (!existsSync(join(dir, JOURNAL_FILE))) return undefined;
  const study = Study.open(dir, { readOnly: true });
  try {
    const names = (list: readonly string[], name: string): string | undefined => (list.includes(name) ? name : undefined);
    return {
      settings: { ...study.settings },
      study: {
        objectives: study.objectives.map((o) => o.name as FaceObjectiveName),
        minEpochs: study.fidelity.min,
        maxEpochs: study.fidelity.max,
        eta: study.fidelity.eta,
        seed: typeof study.seed === 'number' ? study.seed : undefined,
        scheduler: names(['hyperband', 'sh', 'asha', 'random'], study.scheduler.name) as SchedulerName | undefined,
        proposer: names(['rf', 'tpe', 'random', 'nsga2'], study.proposer.name) as ProposerName | undefined,
        promotion: study.promotion.name as PromotionName,
      },
    };
  } finally {
    study.close();
  }
}

/** `options` with the data and training settings a resumed study recorded filled in where the options leave them out. */
export function withRecordedSettings(options: SearchOptions, dir: string): SearchOptions {
  const found = recordedStudy(dir);
  if (!found) return options;
  const filled: SearchOptions = withRecordedRules(options, found.settings);
  const fill = <K extends keyof SearchOptions>(key: K, value: unknown): void => {
    if (filled[key] === undefined && value !== undefined) filled[key] = value as SearchOptions[K];
  };
  for (const [key, value] of Object.entries(found.study)) fill(key as keyof SearchOptions, value);
  const recorded = found.settings;
  if (typeof recorded.data === 'string') fill('data', recorded.data);
  if (typeof recorded.evaluationData === 'string') fill('evaluationData', recorded.evaluationData);
  fill('allowIdentityOverlap', recorded.allowIdentityOverlap);
  fill('minImagesPerIdentity', recorded.minImagesPerIdentity);
  const training = (recorded.training ?? {}) as Record<string, unknown>;
  for (const key of RECORDED_TRAINING_KEYS) fill(key, training[key]);
  return filled;
}

/** The default configuration at `budget`: taken from the study when it ran there, else trained once and kept in `default.json`. */
async function evaluateDefaultConfiguration(
  space: Space,
  budget: number,
  out: string,
  trials: readonly Trial[],
  evaluate: ReturnType<typeof faceRecognitionObjective> | ReturnType<typeof commandObjective>,
  settings: Record<string, unknown>,
): Promise<Trial> {
  const config = space.defaultConfiguration();
  const configId = space.configId(config);
  const inStudy = trials.find((t) => t.configId === configId && t.budget === budget && t.status === 'ok');
  if (inStudy) return inStudy;
  const file = join(out, DEFAULT_TRIAL_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Trial;
    // A failure is tried again when the search is resumed: it may have been passing (out of memory, a full disk).
    // Reused only when it was trained with the same data and training settings as this study (a folder's old
    // default.json next to a new journal is trained again).
    const sameSettings = JSON.stringify(saved.attributes?.settings ?? null) === JSON.stringify(settings);
    if (saved.configId === configId && saved.budget === budget && saved.status === 'ok' && sameSettings) return saved;
  }
  const checkpointDir = join(out, 'default-checkpoints');
  await mkdir(checkpointDir, { recursive: true });
  const started = performance.now();
  let trial: Trial;
  try {
    const result = await evaluate(config, budget, {
      trialId: -1,
      configId,
      budget,
      previousBudget: 0,
      attempt: 1,
      checkpointDir,
      signal: new AbortController().signal,
      studyDir: out,
    });
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(result)) if (typeof v === 'number') values[k] = v;
    trial = {
      id: -1,
      config,
      configId,
      budget,
      status: 'ok',
      values,
      cost: { seconds: result.cost?.seconds ?? (performance.now() - started) / 1000, budget: result.cost?.budget ?? budget },
      attributes: { ...result.attributes, settings },
    };
  } catch (error) {
    // The baseline is only a comparison: its failure is reported, never a reason to lose the search's report.
    trial = {
      id: -1,
      config,
      configId,
      budget,
      status: 'failed',
      values: {},
      error: error instanceof Error ? error.message : String(error),
      cost: { seconds: (performance.now() - started) / 1000, budget: 0 },
      attributes: { settings },
    };
  }
  await writeFileAtomic(file, JSON.stringify(trial, null, 2));
  return trial;
}

/** Re-writes the report of a study folder (the journal is the source of truth; `default.json` when present). */
export async function report(dir: string, options: { outDir?: string; title?: string } = {}): Promise<SearchReport> {
  const out = resolve(dir);
  if (!existsSync(join(out, JOURNAL_FILE))) throw new Error(`frnas report: ${out} holds no study (no ${JOURNAL_FILE})`);
  // Read-only: no lock, so a study a search is still writing can be reported on (its finished trials).
  const study = Study.open(out, { readOnly: true });
  try {
    const defaultFile = join(out, DEFAULT_TRIAL_FILE);
    const defaultTrial = existsSync(defaultFile) ? (JSON.parse(readFileSync(defaultFile, 'utf8')) as Trial) : undefined;
    return await writeSearchReport({
      trials: study.trials(),
      objectives: study.objectives,
      outDir: options.outDir ?? join(out, 'report'),
      title: options.title ?? `frnas search (${study.space.name ?? 'space'})`,
      defaultTrial,
      defaultConfigId: study.space.configId(study.space.defaultConfiguration()),
      baselines: readBaselines(out),
    });
  } finally {
    study.close();
  }
}
