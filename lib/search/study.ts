import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Space } from '../space/index.js';
import type { Configuration } from '../space/types.js';
import { resolvePromotion, type PromotionName } from './promotion/index.js';
import type { PromotionStrategy } from './promotion/strategy.js';
import { resolveProposer, type ProposerName } from './proposers/index.js';
import { resolveScheduler, type SchedulerName } from './schedulers/index.js';
import { deriveRng, validateFidelity, type Scheduler, type TrialPlan } from './schedulers/scheduler.js';
import type { AddedEvent, HeaderEvent, ResultEvent, StudyEvent, StudyStorage } from './storage/events.js';
import { JournalStorage, type JournalOptions } from './storage/journal.js';
import { MemoryStorage } from './storage/memory.js';
import { frontAtHighestBudget } from './front.js';
import { CONSTRAINTS_ATTRIBUTE, evaluateConstraints, type ConstraintsFunction } from './constraints.js';
import type { Fidelity, KnownTrial, ObjectiveSpec, Proposer, Trial, TrialResult } from './types.js';

export class StudyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StudyError';
  }
}

export interface StudyOptions {
  space: Space;
  /** One or more objectives, e.g. `[{ name: 'error', direction: 'minimize' }]`. */
  objectives: readonly ObjectiveSpec[];
  /** Budget range; default `{ min: 1, max: 1, eta: 3 }` (a single fidelity). */
  fidelity?: Fidelity;
  /** Default 'hyperband' when fidelity.min < fidelity.max, else 'random'. */
  scheduler?: SchedulerName | Scheduler;
  /** Default 'random'. */
  proposer?: ProposerName | Proposer;
  /** How a rung is ranked for promotion with several objectives; default 'nds-crowding'. */
  promotion?: PromotionName | PromotionStrategy;
  /** Default 0. Same seed and same results told in the same order give the same proposals. */
  seed?: number | string;
  /**
   * Settings outside the engine that change results (data, preprocessing, training defaults), as plain JSON. Kept in
   * the study header; re-opening with other settings is refused with the differences listed, and `study.settings`
   * gives them back, so a resumed search needs no flags repeated.
   */
  settings?: Record<string, unknown>;
  /** Warnings (e.g. a torn journal line that was dropped); default console.warn. */
  onWarning?: (message: string) => void;
  /**
   * Constraint values of an ok trial, feasible when all are <= 0 (Optuna's constraints_func). Called once when the
   * trial is told; the values are kept in `attributes.constraints`. Infeasible trials are never on the Pareto front,
   * are promoted only after every feasible one, and count as bad results for the proposers. An ask/tell user may
   * instead tell `attributes: { constraints: [...] }` directly.
   */
  constraints?: ConstraintsFunction;
}

/** Options of `Study.open`: the study options (optional when the directory already holds a study) and journal settings. */
export type OpenStudyOptions = Partial<StudyOptions> & Pick<JournalOptions, 'fsync' | 'readOnly'>;

const RESERVED_OBJECTIVE_NAMES = new Set(['cost', 'attributes']);

/**
 * A study: the trials of one search, asked and told. Its state is a replay of its storage's events:
 * opening a study directory again continues the search where it stopped, trials that were running when the
 * process died are handed out again (same id, same configuration and budget) before anything new.
 */
export class Study {
  readonly space: Space;
  readonly objectives: readonly ObjectiveSpec[];
  readonly fidelity: Fidelity;
  readonly seed: number | string;
  /** The study's recorded settings (`StudyOptions.settings`); {} when none were given. */
  readonly settings: Readonly<Record<string, unknown>>;
  private readonly constraints: ConstraintsFunction | undefined;
  readonly scheduler: Scheduler;
  readonly proposer: Proposer;
  readonly promotion: PromotionStrategy;
  readonly storage: StudyStorage;

  private readonly all: Trial[] = [];
  /** Finished trials in the order they were told (the proposers' history). */
  private readonly finished: Trial[] = [];
  private readonly running = new Map<number, Trial>();
  /** Trials left running by a previous process, handed out again first. */
  private orphans: number[] = [];
  private readonly attempts = new Map<number, number>();
  private readonly askedAt = new Map<number, number>();
  private proposals = 0;
  private spent = 0;
  /** Configurations queued by `enqueue`, not asked yet (first in, first out). */
  private readonly queued: { config: Configuration; configId: string }[] = [];
  private added = 0;
  private temporaryDirectory: string | undefined;

  private constructor(storage: StudyStorage, options: Partial<StudyOptions>, events: StudyEvent[]) {
    this.storage = storage;
    if (options.constraints !== undefined && typeof options.constraints !== 'function') {
      throw new StudyError('study options: "constraints" must be a function of the trial returning numbers (<= 0 feasible)');
    }
    this.constraints = options.constraints;
    const header = events[0]?.type === 'header' ? events[0] : undefined;
    if (events.length > 0 && !header) throw new StudyError(`${storage.locate(0)}: the first event must be the study header`);
    // A value read from the header that does not load is an error naming the header's line.
    const fromHeader = <T>(given: unknown, build: () => T): T => {
      if (given !== undefined || !header) return build();
      try {
        return build();
      } catch (error) {
        throw new StudyError(`${storage.locate(0)}: the study header: ${(error as Error).message}`);
      }
    };
    const space = options.space ?? (header ? fromHeader(undefined, () => Space.fromJSON(header.space)) : undefined);
    const objectives = options.objectives ?? header?.objectives;
    if (!space) throw new StudyError('study options: "space" is required for a new study');
    if (!objectives) throw new StudyError('study options: "objectives" is required for a new study');
    fromHeader(options.objectives, () => validateObjectives(objectives));
    this.space = space;
    this.objectives = objectives.map((o) => ({ name: o.name, direction: o.direction }));
    this.fidelity = { ...(options.fidelity ?? header?.fidelity ?? { min: 1, max: 1, eta: 3 }) };
    fromHeader(options.fidelity, () => validateFidelity(this.fidelity));
    this.seed = options.seed ?? header?.seed ?? 0;
    this.settings = JSON.parse(JSON.stringify(options.settings ?? header?.settings ?? {})) as Record<string, unknown>;
    const schedulerChoice =
      options.scheduler ??
      (header?.scheduler.name as SchedulerName | undefined) ??
      (this.fidelity.min < this.fidelity.max ? 'hyperband' : 'random');
    this.scheduler = fromHeader(options.scheduler, () => resolveScheduler(schedulerChoice));
    this.proposer = fromHeader(options.proposer, () => resolveProposer(options.proposer ?? (header?.proposer as ProposerName | undefined) ?? 'random'));
    this.promotion = fromHeader(options.promotion, () => resolvePromotion(options.promotion ?? (header?.promotion as PromotionName | undefined)));
    this.scheduler.init({ fidelity: this.fidelity, objectives: this.objectives, promotion: this.promotion, seed: String(this.seed) });

    const mine = this.header();
    if (header) {
      checkCompatible(header, mine, options, storage.locate(0));
    } else {
      storage.append(mine);
    }
    this.replay(events);
  }

  /** A study kept in memory (tests, throw-away searches). */
  static inMemory(options: StudyOptions): Study {
    return Study.fromStorage(new MemoryStorage(), options);
  }

  /**
   * Creates the study in `directory` (its journal is `directory/journal.jsonl`), or re-opens it: the journal is
   * replayed, and the options, when given, must match those it was created with.
   */
  static open(directory: string, options: OpenStudyOptions = {}): Study {
    if (options.readOnly && !JournalStorage.exists(directory)) throw new StudyError(`${directory}: no study journal to open read-only`);
    const storage = new JournalStorage(directory, { fsync: options.fsync, onWarning: options.onWarning, readOnly: options.readOnly });
    return Study.fromStorage(storage, options);
  }

  /** A study on any storage; an empty storage starts a new study, otherwise its events are replayed. */
  static fromStorage(storage: StudyStorage, options: Partial<StudyOptions> = {}): Study {
    try {
      return new Study(storage, options, storage.read());
    } catch (error) {
      storage.close();
      throw error;
    }
  }

  /** The study directory (journal and checkpoints), when the storage has one. */
  get directory(): string | undefined {
    return this.storage.directory;
  }

  /**
   * The next trial to run: first any trial a crash left running, then what the scheduler wants (a promotion,
   * or a new configuration from the proposer). The trial is running from now until it is told.
   */
  ask(): Trial {
    const trial = this.tryAsk();
    if (!trial) throw new StudyError(`scheduler '${this.scheduler.name}' has nothing to run until a running trial is told`);
    return trial;
  }

  /** Like `ask`, but null when the scheduler has nothing to run until a running trial is told. */
  tryAsk(): Trial | null {
    // A restart told directly (without being asked again) is no longer pending.
    while (this.orphans.length > 0 && this.all[this.orphans[0]].status !== 'running') this.orphans.shift();
    const orphan = this.orphans.shift();
    if (orphan !== undefined) {
      const attempt = (this.attempts.get(orphan) ?? 1) + 1;
      this.storage.append({ type: 'started', trial: orphan, attempt });
      this.attempts.set(orphan, attempt);
      this.askedAt.set(orphan, performance.now());
      return copyTrial(this.all[orphan]);
    }
    const plan = this.scheduler.next();
    if (!plan) return null;
    const id = this.all.length;
    let trial: Trial;
    if (plan.parentTrialId !== undefined) {
      const parent = this.all[plan.parentTrialId];
      if (!parent || parent.status !== 'ok') {
        throw new StudyError(`scheduler '${this.scheduler.name}' promoted trial ${plan.parentTrialId}, which has no ok result`);
      }
      trial = this.newTrial(id, parent.config, parent.configId, plan);
      this.storage.append({ type: 'promoted', ...placementOf(trial), parentTrialId: plan.parentTrialId });
    } else {
      const next = this.queued.shift();
      const config = next?.config ?? this.propose(plan.budget);
      trial = this.newTrial(id, config, next?.configId ?? this.space.configId(config), plan);
      if (next) trial.origin = 'enqueued';
      this.storage.append({ type: 'asked', ...placementOf(trial), ...(next ? { enqueued: true as const } : {}) });
    }
    this.commitAsked(trial);
    this.askedAt.set(id, performance.now());
    return copyTrial(trial);
  }

  /**
   * Records the result of a running trial. An `ok` result must hold every objective as a finite number;
   * otherwise the trial becomes `failed` with the reason (it is never promoted, the search goes on).
   * Values that are not objectives are kept in the attributes. `cost.seconds` defaults to the time since
   * `ask`; `cost.budget` to the budget minus the parent's budget (a promotion continues from a checkpoint).
   */
  tell(trialId: number, result: TrialResult): Trial {
    const trial = this.all[trialId];
    if (!trial) throw new StudyError(`tell: no trial ${trialId} in this study`);
    if (trial.status !== 'running') throw new StudyError(`tell: trial ${trialId} was already told (status ${trial.status})`);
    const event = this.resultEvent(trial, result);
    this.storage.append(event);
    this.commitResult(trial, event);
    this.askedAt.delete(trialId);
    return copyTrial(trial);
  }

  /**
   * Queues a configuration to evaluate next (as Optuna's `enqueue_trial`): the next time the scheduler asks for a new
   * configuration, it gets this one instead of a proposal, at that plan's budget (so Hyperband may promote it). Queued
   * configurations are asked in order, are recorded in the journal and survive a resume. Throws a `StudyError` naming the
   * hyperparameter when the configuration is not valid in the study's space.
   */
  enqueue(config: Configuration): void {
    try {
      this.space.validate(config);
    } catch (error) {
      throw new StudyError(`enqueue: ${(error as Error).message}`);
    }
    const entry = { config: { ...config }, configId: this.space.configId(config) };
    this.storage.append({ type: 'enqueued', ...entry });
    this.queued.push(entry);
  }

  /** Configurations queued by `enqueue` that have not been asked yet. */
  get enqueuedCount(): number {
    return this.queued.length;
  }

  /**
   * Records a result obtained elsewhere (another run, a paper's table, an earlier study) as a finished trial with the
   * next id: the proposer's model learns from it, `trials()`, `history()` and `paretoFront()` include it, and the journal
   * keeps it like any trial. The scheduler never planned it, so it is never promoted, and it does not count towards the
   * `trials` stop rule of `optimize` (see `addedCount`). Its cost defaults to 0 (nothing spent by this study).
   * Bad input (a configuration outside the space, a budget outside the fidelity range, a missing objective of an `ok`
   * trial) throws a `StudyError` naming the field.
   */
  addTrial(known: KnownTrial): Trial {
    const where = `addTrial (trial ${this.all.length})`;
    if (typeof known !== 'object' || known === null) throw new StudyError(`${where}: expected { config, budget, values, status }`);
    try {
      this.space.validate(known.config);
    } catch (error) {
      throw new StudyError(`${where}: config: ${(error as Error).message}`);
    }
    const { min, max } = this.fidelity;
    if (typeof known.budget !== 'number' || !(known.budget >= min && known.budget <= max)) {
      throw new StudyError(`${where}: budget must be a number from fidelity.min ${min} to fidelity.max ${max}, got ${JSON.stringify(known.budget)}`);
    }
    const status = known.status ?? 'ok';
    if (status !== 'ok' && status !== 'failed' && status !== 'timeout') {
      throw new StudyError(`${where}: status must be 'ok', 'failed' or 'timeout', got ${JSON.stringify(status)}`);
    }
    if (status === 'ok') {
      for (const { name } of this.objectives) {
        const value = known.values?.[name];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new StudyError(`${where}: values.${name} must be a finite number for an ok trial, got ${JSON.stringify(value)}`);
        }
      }
    }
    const trial = this.newTrial(this.all.length, { ...known.config }, this.space.configId(known.config), { budget: known.budget, bracket: 0, rung: 0 });
    const result = this.resultEvent(trial, {
      status, values: known.values, error: known.error, attributes: known.attributes,
      cost: { seconds: known.cost?.seconds ?? 0, budget: known.cost?.budget ?? 0 },
    });
    const { type: _result, ...outcome } = result;
    const event: AddedEvent = { ...outcome, type: 'added', config: trial.config, configId: trial.configId, budget: trial.budget };
    this.storage.append(event);
    this.commitAdded(trial, event);
    return copyTrial(trial);
  }

  /** Finished trials recorded with `addTrial` (results obtained elsewhere, included in `finishedCount`). */
  get addedCount(): number {
    return this.added;
  }

  /** Every trial, running ones included, by id. */
  trials(): Trial[] {
    return this.all.map(copyTrial);
  }

  /** Finished trials (ok, failed, timeout) in the order they were told. */
  history(): readonly Trial[] {
    return this.finished.map(copyTrial);
  }

  get finishedCount(): number {
    return this.finished.length;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Running trials (those a crash left running included), by id. */
  runningTrials(): Trial[] {
    return [...this.running.values()].map(copyTrial);
  }

  /** Trials a previous process left running that `ask` will hand out again before anything new. */
  get restartsPending(): number {
    return this.orphans.filter((id) => this.all[id].status === 'running').length;
  }

  /** How many times a trial has been handed out (1, more after crashes). */
  attemptOf(trialId: number): number {
    return this.attempts.get(trialId) ?? 1;
  }

  /** Budget units spent by finished trials (the sum of `cost.budget`). */
  get budgetSpent(): number {
    return this.spent;
  }

  /** The budget a running trial is expected to spend (its budget minus its parent's). */
  plannedCost(trial: Trial): number {
    return trial.budget - this.previousBudget(trial);
  }

  /**
   * The non-dominated ok trials at the highest budget that has any ok trial (results at different budgets are
   * not comparable), by id.
   */
  paretoFront(): Trial[] {
    return frontAtHighestBudget(this.finished, this.objectives).front.map(copyTrial);
  }

  /** The trial this one was promoted from, if any. */
  parentOf(trial: Pick<Trial, 'parentTrialId'>): Trial | undefined {
    return trial.parentTrialId === undefined ? undefined : copyTrial(this.all[trial.parentTrialId]);
  }

  /** The budget already trained by the lineage of `trial` (its parent's budget, 0 for a new configuration). */
  previousBudget(trial: Pick<Trial, 'parentTrialId'>): number {
    return trial.parentTrialId === undefined ? 0 : this.all[trial.parentTrialId].budget;
  }

  /**
   * Where the trainer keeps the checkpoint of this trial's lineage: the first trial of a configuration and all
   * its promotions share one directory, so a promotion continues training. Per lineage rather than per
   * configuration, because a configuration proposed twice (e.g. in two Hyperband brackets) must not share it.
   * The directory is not created here.
   */
  checkpointDir(trial: Pick<Trial, 'id' | 'parentTrialId'>): string {
    let root = this.all[trial.id] ?? trial;
    while (root.parentTrialId !== undefined) root = this.all[root.parentTrialId];
    const base = this.storage.directory ?? this.temporaryBase();
    return path.join(base, 'checkpoints', `trial-${String(root.id).padStart(6, '0')}`);
  }

  close(): void {
    this.storage.close();
    if (this.temporaryDirectory) fs.rmSync(this.temporaryDirectory, { recursive: true, force: true });
  }

  private temporaryBase(): string {
    this.temporaryDirectory ??= fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-study-'));
    return this.temporaryDirectory;
  }

  private header(): HeaderEvent {
    return {
      type: 'header',
      version: 1,
      space: this.space.toJSON(),
      objectives: this.objectives.map((o) => ({ ...o })),
      fidelity: { ...this.fidelity },
      seed: this.seed,
      scheduler: { name: this.scheduler.name, options: this.scheduler.describe() },
      proposer: this.proposer.name,
      promotion: this.promotion.name,
      ...(Object.keys(this.settings).length > 0 ? { settings: this.settings } : {}),
    };
  }

  private propose(budget: number): Configuration {
    // The k-th new configuration's stream depends on (seed, k) only, so a resumed study replays it.
    const rng = deriveRng(String(this.seed), 'propose', this.proposals);
    const config = this.proposer.propose({
      space: this.space,
      objectives: this.objectives,
      history: this.finished,
      pending: [...this.running.values()].map((t) => t.config),
      budget,
      fidelity: this.fidelity,
      rng,
    });
    try {
      this.space.validate(config);
    } catch (error) {
      throw new StudyError(`proposer '${this.proposer.name}' proposed an invalid configuration: ${(error as Error).message}`);
    }
    return config;
  }

  private newTrial(id: number, config: Configuration, configId: string, plan: TrialPlan): Trial {
    const trial: Trial = {
      id,
      config,
      configId,
      budget: plan.budget,
      status: 'running',
      values: {},
      cost: { seconds: 0, budget: 0 },
      attributes: {},
      bracket: plan.bracket,
      rung: plan.rung,
    };
    if (plan.parentTrialId !== undefined) trial.parentTrialId = plan.parentTrialId;
    return trial;
  }

  private commitAsked(trial: Trial): void {
    this.all.push(trial);
    this.running.set(trial.id, trial);
    this.attempts.set(trial.id, 1);
    if (trial.parentTrialId === undefined) this.proposals++;
    this.scheduler.onAsked(trial);
  }

  private resultEvent(trial: Trial, result: TrialResult): ResultEvent {
    const attributes: Record<string, unknown> = { ...(result.attributes ?? {}) };
    let status = result.status ?? 'ok';
    let error = result.error;
    const values: Record<string, number> = {};
    if (status === 'ok') {
      for (const { name } of this.objectives) {
        const value = result.values?.[name];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          status = 'failed';
          error = `objective '${name}' is ${value === undefined ? 'missing' : typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
          break;
        }
        values[name] = value;
      }
    } else if (error === undefined) {
      error = status === 'timeout' ? 'timed out' : 'failed';
    }
    if (status !== 'ok') for (const key of Object.keys(values)) delete values[key];
    // Extra metrics (e.g. accuracy next to error) are kept, JSON-safe, among the attributes.
    for (const [key, value] of Object.entries(result.values ?? {})) {
      if (!this.objectives.some((o) => o.name === key) && !(key in attributes)) {
        attributes[key] = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (value as unknown);
      }
    }
    const askedAt = this.askedAt.get(trial.id);
    // A trial asked by an earlier process has no start time here: its duration is unknown, counted as 0.
    const seconds = result.cost?.seconds ?? (askedAt === undefined ? 0 : Math.max(0, performance.now() - askedAt) / 1000);
    const budget = result.cost?.budget ?? this.plannedCost(trial);
    for (const [field, value] of [['seconds', seconds], ['budget', budget]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new StudyError(`tell: trial ${trial.id}: cost.${field} must be a finite number >= 0, got ${String(value)}`);
      }
    }
    if (status === 'ok' && this.constraints) {
      try {
        const told: Trial = { ...trial, status, values: { ...values }, attributes: { ...attributes } };
        attributes[CONSTRAINTS_ATTRIBUTE] = evaluateConstraints(this.constraints, told);
      } catch (caught) {
        // A constraints function that throws or answers nonsense fails this trial, not the search.
        status = 'failed';
        error = `constraints: ${(caught as Error).message}`;
        for (const key of Object.keys(values)) delete values[key];
      }
    }
    const event: ResultEvent = { type: 'result', trial: trial.id, status, values, cost: { seconds, budget }, attributes };
    if (error !== undefined) event.error = error;
    return event;
  }

  /** An added trial: finished at once, in the proposer's history, outside the scheduler's brackets. */
  private commitAdded(trial: Trial, event: AddedEvent): void {
    delete trial.bracket;
    delete trial.rung;
    trial.origin = 'added';
    this.all.push(trial);
    this.running.set(trial.id, trial);
    this.added++;
    this.commitResult(trial, { ...event, type: 'result' }, false);
  }

  private commitResult(trial: Trial, event: ResultEvent, scheduled = true): void {
    trial.status = event.status;
    trial.values = { ...event.values };
    trial.cost = { ...event.cost };
    trial.attributes = { ...event.attributes };
    if (event.error !== undefined) trial.error = event.error;
    this.running.delete(trial.id);
    this.finished.push(trial);
    this.spent += event.cost.budget;
    if (scheduled) this.scheduler.onResult(trial);
  }

  /** Rebuilds the state from stored events: the scheduler sees the same calls in the same order as the first time. */
  private replay(events: StudyEvent[]): void {
    for (let index = 1; index < events.length; index++) {
      const event = events[index];
      const where = this.storage.locate(index);
      switch (event.type) {
        case 'header':
          throw new StudyError(`${where}: a second study header`);
        case 'asked':
        case 'promoted': {
          if (event.trial !== this.all.length) throw new StudyError(`${where}: trial ${event.trial} asked, expected trial ${this.all.length}`);
          const plan = this.scheduler.next();
          const parentTrialId = event.type === 'promoted' ? event.parentTrialId : undefined;
          if (!plan || plan.budget !== event.budget || plan.bracket !== event.bracket || plan.rung !== event.rung || plan.parentTrialId !== parentTrialId) {
            throw new StudyError(
              `${where}: the journal says trial ${event.trial} ran at budget ${event.budget} (bracket ${event.bracket}, rung ${event.rung}` +
                `${parentTrialId === undefined ? '' : `, promoted from ${parentTrialId}`}) but scheduler '${this.scheduler.name}' ` +
                `would now ask ${plan ? JSON.stringify(plan) : 'nothing'}; was the study run with another scheduler or fidelity?`,
            );
          }
          const trial = this.newTrial(event.trial, event.config, event.configId, plan);
          if (event.type === 'asked' && event.enqueued) {
            const next = this.queued.shift();
            if (next?.configId !== event.configId) {
              throw new StudyError(`${where}: trial ${event.trial} took an enqueued configuration, but the queue holds ${next ? `configuration ${next.configId}` : 'none'}`);
            }
            trial.origin = 'enqueued';
          }
          this.commitAsked(trial);
          break;
        }
        case 'enqueued':
          this.queued.push({ config: event.config, configId: event.configId });
          break;
        case 'added': {
          if (event.trial !== this.all.length) throw new StudyError(`${where}: trial ${event.trial} added, expected trial ${this.all.length}`);
          this.commitAdded(this.newTrial(event.trial, event.config, event.configId, { budget: event.budget, bracket: 0, rung: 0 }), event);
          break;
        }
        case 'started': {
          const trial = this.all[event.trial];
          if (!trial || trial.status !== 'running') throw new StudyError(`${where}: trial ${event.trial} restarted but it is not running`);
          this.attempts.set(event.trial, event.attempt);
          break;
        }
        case 'result': {
          const trial = this.all[event.trial];
          if (!trial) throw new StudyError(`${where}: result for trial ${event.trial}, which was never asked`);
          if (trial.status !== 'running') throw new StudyError(`${where}: a second result for trial ${event.trial}`);
          this.commitResult(trial, event);
          break;
        }
      }
    }
    this.orphans = [...this.running.keys()].sort((a, b) => a - b);
  }
}

function placementOf(trial: Trial): { trial: number; config: Configuration; configId: string; budget: number; bracket: number; rung: number } {
  return {
    trial: trial.id,
    config: trial.config,
    configId: trial.configId,
    budget: trial.budget,
    bracket: trial.bracket ?? 0,
    rung: trial.rung ?? 0,
  };
}

function copyTrial(trial: Trial): Trial {
  return { ...trial, config: { ...trial.config }, values: { ...trial.values }, cost: { ...trial.cost }, attributes: { ...trial.attributes } };
}

function validateObjectives(objectives: readonly ObjectiveSpec[]): void {
  if (!Array.isArray(objectives) || objectives.length === 0) throw new StudyError('study options: "objectives" must list at least one objective');
  const names = new Set<string>();
  objectives.forEach((o, i) => {
    if (typeof o?.name !== 'string' || o.name === '') throw new StudyError(`objectives[${i}].name must be a non-empty string`);
    if (RESERVED_OBJECTIVE_NAMES.has(o.name)) throw new StudyError(`objectives[${i}].name: '${o.name}' is reserved for the evaluation result`);
    if (o.direction !== 'minimize' && o.direction !== 'maximize') {
      throw new StudyError(`objectives[${i}].direction must be 'minimize' or 'maximize', got ${JSON.stringify(o.direction)}`);
    }
    if (names.has(o.name)) throw new StudyError(`objectives[${i}].name: '${o.name}' appears twice`);
    names.add(o.name);
  });
}

/** Stable JSON (sorted keys), to compare option objects whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function checkCompatible(stored: HeaderEvent, mine: HeaderEvent, given: Partial<StudyOptions>, where: string): void {
  const checks: [string, unknown, unknown, boolean][] = [
    ['objectives', stored.objectives, mine.objectives, given.objectives !== undefined],
    ['fidelity', stored.fidelity, mine.fidelity, given.fidelity !== undefined],
    ['seed', stored.seed, mine.seed, given.seed !== undefined],
    ['scheduler', stored.scheduler, mine.scheduler, given.scheduler !== undefined],
    ['proposer', stored.proposer, mine.proposer, given.proposer !== undefined],
    ['promotion', stored.promotion, mine.promotion, given.promotion !== undefined],
    ['space', stored.space, mine.space, given.space !== undefined],
  ];
  for (const [field, before, now, wasGiven] of checks) {
    if (wasGiven && canonical(before) !== canonical(now)) {
      throw new StudyError(`${where}: the study was created with ${field} ${canonical(before)}, but the options give ${canonical(now)}`);
    }
  }
  // A study written before settings were recorded has none to compare with.
  if (given.settings !== undefined && stored.settings !== undefined) {
    const differences = settingsDifferences(stored.settings ?? {}, mine.settings ?? {});
    if (differences.length > 0) {
      throw new StudyError(`${where}: the study was created with other settings; resuming it would mix incompatible trials:\n${differences.map((d) => `  ${d}`).join('\n')}\nUse another study folder, or resume with the recorded settings (give none: the study supplies them).`);
    }
  }
}

/** One line per setting that differs: `key: recorded X, now Y` (nested objects by dotted path). */
export function settingsDifferences(recorded: Record<string, unknown>, now: Record<string, unknown>, prefix = ''): string[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort();
  const lines: string[] = [];
  for (const key of keys) {
    const a = recorded[key];
    const b = now[key];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b)) lines.push(...settingsDifferences(a, b, `${prefix}${key}.`));
    else if (canonical(a) !== canonical(b)) lines.push(`${prefix}${key}: recorded ${a === undefined ? '(none)' : canonical(a)}, now ${b === undefined ? '(none)' : canonical(b)}`);
  }
  return lines;
}
