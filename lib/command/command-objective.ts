// Trials as commands: frnas starts the user's own trainer (PyTorch, any language) once per trial and reads its
// results from stdout. The protocol is in docs/command-trials.md; this file is its frnas side.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TrialTimeoutError, type Evaluate, type EvaluationContext, type EvaluationResult } from '../search/index.js';
import type { Configuration } from '../space/types.js';
import { writeFileAtomicSync } from '../util/write-file-atomic.js';

/** The prefix of a protocol line on the command's stdout: `frnas:{"final":true,"values":{...}}`. */
export const COMMAND_PROTOCOL_PREFIX = 'frnas:';
/** Version of the protocol, in the trial file and in FRNAS_PROTOCOL. */
export const COMMAND_PROTOCOL_VERSION = 1;

export interface CommandObjectiveOptions {
  /**
   * The program to run. Without `args` it is a shell command line (`python3 train.py --data faces`), run by the
   * shell; with `args` it is an executable started directly with those arguments.
   */
  command: string;
  args?: readonly string[];
  /** Working folder of the command (default the current one). */
  cwd?: string;
  /** Variables added to (and overriding) this process's environment for the command. */
  env?: Readonly<Record<string, string>>;
  /** Seconds after which the command is stopped (SIGTERM, then SIGKILL) and the trial recorded as `timeout`. */
  timeout?: number;
  /** Seconds between SIGTERM and SIGKILL when a trial is stopped (default 10). */
  killGrace?: number;
  /** The study's seed: each trial's FRNAS_SEED is derived from it and the trial id (default 0). */
  seed?: number;
  /** Objective names the final result must hold; sent to the command as FRNAS_OBJECTIVES. */
  objectives?: readonly string[];
  /**
   * Folder of the trial logs and trial files (default `<study>/trial-logs`, or `trial-logs` beside the lineage
   * checkpoint folders when the study has no folder, e.g. on a distributed worker).
   */
  logDir?: string;
  /** Lines of stderr kept as the reason of a failed trial (default 10). */
  reasonLines?: number;
  /** Aborting stops every running command (SIGTERM, then SIGKILL), e.g. on a second Ctrl-C. */
  signal?: AbortSignal;
  /** Called for each per-epoch line the command reports. */
  onReport?: (trialId: number, report: CommandEpochReport) => void;
}

/** A per-epoch progress line: `frnas:{"epoch":1,"values":{"error":0.4}}` (other keys are kept). */
export interface CommandEpochReport {
  epoch: number;
  values?: Record<string, number>;
  [key: string]: unknown;
}

/** What the command finds in its trial file (FRNAS_TRIAL_FILE); the same fields are FRNAS_* variables. */
export interface CommandTrialFile {
  protocol: number;
  trialId: number;
  configId: string;
  config: Configuration;
  budget: number;
  previousBudget: number;
  previousTrialId: number | null;
  attempt: number;
  checkpointDir: string;
  seed: number;
  studyDir: string | null;
  logFile: string;
  objectives: string[];
}

const DEFAULT_KILL_GRACE_SECONDS = 10;

/** Process groups of the commands running in this process, with a promise of each one's end. */
const runningGroups = new Map<number, Promise<void>>();
/**
 * Set by stopRunningCommands (quit now): the commands it stops are not failures of their trials, so their trials are
 * never told (a resume runs them again); the process is about to exit.
 */
let quitting = false;
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Stops every command trial running in this process: SIGTERM to each process group, SIGKILL to those still
 * running after `graceSeconds`. For a quit-now (the CLI's second Ctrl-C): the trials are not told, so a resumed
 * search runs them again. Resolves when they are gone.
 */
export async function stopRunningCommands(graceSeconds = DEFAULT_KILL_GRACE_SECONDS): Promise<void> {
  quitting = true;
  const groups = [...runningGroups.entries()];
  for (const [pid] of groups) killGroup(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceSeconds * 1000);
  });
  await Promise.race([Promise.all(groups.map(([, ended]) => ended)), grace]);
  if (timer) clearTimeout(timer);
  for (const [pid] of runningGroups) killGroup(pid, 'SIGKILL');
}
const DEFAULT_REASON_LINES = 10;
/** How long output may stay open after the command exited before what it left running is killed. */
const LEFTOVER_GRACE_MS = 2000;

/**
 * An `Evaluate` that runs a command per trial (docs/command-trials.md): the trial goes to the command as a JSON
 * file (FRNAS_TRIAL_FILE) and as FRNAS_* variables; the command prints `frnas:{...}` lines (per epoch, and one
 * final line with every objective); everything else it prints goes to the trial's log. A non-zero exit, a
 * signal, or exit 0 without a final line fail the trial with the last lines of stderr; the timeout makes a
 * `timeout` trial. A promotion runs the command again with the same checkpoint folder and the higher budget.
 */
export function commandObjective(options: CommandObjectiveOptions): Evaluate {
  checkOptions(options);
  return (config, budget, context) => runCommandTrial(options, config, budget, context);
}

function checkOptions(options: CommandObjectiveOptions): void {
  const problem = (text: string): Error => new Error(`commandObjective: ${text}`);
  if (typeof options?.command !== 'string' || options.command.trim() === '') throw problem('"command" must be a non-empty string');
  if (options.args !== undefined && !(Array.isArray(options.args) && options.args.every((a) => typeof a === 'string'))) throw problem('"args" must be a list of strings');
  for (const key of ['timeout', 'killGrace'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && value > 0 && value <= 2_147_483)) throw problem(`"${key}" must be a positive number of seconds, got ${String(value)}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw problem(`"seed" must be an integer, got ${String(options.seed)}`);
  if (options.reasonLines !== undefined && !(Number.isInteger(options.reasonLines) && options.reasonLines >= 1)) throw problem('"reasonLines" must be an integer >= 1');
  if (options.env !== undefined && !Object.values(options.env).every((v) => typeof v === 'string')) throw problem('"env" values must be strings');
}

/** The trial's seed: the study's seed and the trial id, mixed (every re-run of a trial gets the same one). */
export function commandTrialSeed(studySeed: number, trialId: number): number {
  return (((studySeed % 2_147_483_647) * 1_000_003 + trialId) % 2_147_483_647 + 2_147_483_647) % 2_147_483_647;
}

function trialName(trialId: number): string {
  // search() evaluates the default configuration outside the study, as trial -1.
  if (trialId < 0) return 'default';
  return `trial-${String(trialId).padStart(6, '0')}`;
}

async function runCommandTrial(options: CommandObjectiveOptions, config: Configuration, budget: number, context: EvaluationContext): Promise<EvaluationResult> {
  const checkpointDir = resolve(context.checkpointDir); // the getter creates it
  const logDir = resolve(options.logDir ?? (context.studyDir !== undefined ? join(context.studyDir, 'trial-logs') : join(dirname(checkpointDir), 'trial-logs')));
  mkdirSync(logDir, { recursive: true });
  const name = trialName(context.trialId);
  const logFile = join(logDir, `${name}.log`);
  const trialFile = join(logDir, `${name}.json`);
  const seed = commandTrialSeed(options.seed ?? 0, context.trialId);
  const objectives = [...(options.objectives ?? [])];
  const trial: CommandTrialFile = {
    protocol: COMMAND_PROTOCOL_VERSION,
    trialId: context.trialId,
    configId: context.configId,
    config,
    budget,
    previousBudget: context.previousBudget,
    previousTrialId: context.previousTrialId ?? null,
    attempt: context.attempt,
    checkpointDir,
    seed,
    studyDir: context.studyDir === undefined ? null : resolve(context.studyDir),
    logFile,
    objectives,
  };
  writeFileAtomicSync(trialFile, JSON.stringify(trial, null, 2) + '\n');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...(options.env ?? {}),
    FRNAS_PROTOCOL: String(COMMAND_PROTOCOL_VERSION),
    FRNAS_TRIAL_FILE: trialFile,
    FRNAS_TRIAL_ID: String(trial.trialId),
    FRNAS_CONFIG_ID: trial.configId,
    FRNAS_CONFIG: JSON.stringify(config),
    FRNAS_BUDGET: String(budget),
    FRNAS_PREVIOUS_BUDGET: String(trial.previousBudget),
    FRNAS_ATTEMPT: String(trial.attempt),
    FRNAS_CHECKPOINT_DIR: checkpointDir,
    FRNAS_SEED: String(seed),
    FRNAS_LOG_FILE: logFile,
    FRNAS_OBJECTIVES: objectives.join(','),
    FRNAS_STUDY_DIR: trial.studyDir ?? '',
  };

  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`# frnas trial ${trial.trialId} attempt ${trial.attempt}: budget ${budget} (previous ${trial.previousBudget}), ${new Date().toISOString()}\n`);
  log.write(`# command: ${options.command}${options.args ? ' ' + JSON.stringify(options.args) : ''}\n`);
  try {
    return await superviseCommand(options, env, log, trial, context.signal);
  } finally {
    await new Promise<void>((done) => log.end(done));
  }
}

/** Starts the command, reads its protocol lines, and turns its end into a result (or a thrown reason). */
function superviseCommand(options: CommandObjectiveOptions, env: Record<string, string>, log: WriteStream, trial: CommandTrialFile, trialSignal: AbortSignal): Promise<EvaluationResult> {
  const reasonLines = options.reasonLines ?? DEFAULT_REASON_LINES;
  const killGrace = options.killGrace ?? DEFAULT_KILL_GRACE_SECONDS;
  return new Promise<EvaluationResult>((resolvePromise, reject) => {
    // Its own process group: a terminal's Ctrl-C reaches frnas only (which lets running trials finish), and a
    // stop reaches the shell and everything the command started.
    const child = options.args
      ? spawn(options.command, [...options.args], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(options.command, { cwd: options.cwd, env, detached: true, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderrTail: string[] = [];
    const epochs: CommandEpochReport[] = [];
    let final: { values: Record<string, number>; attributes?: Record<string, unknown>; cost?: Record<string, number> } | undefined;
    let stopReason: { kind: 'timeout' | 'abort'; text: string } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let lineNumber = 0;
    let spawnError: Error | undefined;

    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid !== undefined) killGroup(child.pid, signal);
    };
    if (child.pid !== undefined) {
      const pid = child.pid;
      runningGroups.set(pid, new Promise<void>((ended) => child.once('close', () => ended())).finally(() => runningGroups.delete(pid)));
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        // Commands live in their own groups: whatever way this process exits (short of SIGKILL), they go with it.
        process.once('exit', () => {
          for (const group of runningGroups.keys()) killGroup(group, 'SIGKILL');
        });
      }
    }
    const stop = (kind: 'timeout' | 'abort', text: string): void => {
      if (stopReason || child.exitCode !== null || child.signalCode !== null) return;
      stopReason = { kind, text };
      log.write(`# frnas: ${text}; sending SIGTERM (SIGKILL after ${killGrace} s)\n`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => {
        log.write(`# frnas: still running ${killGrace} s after SIGTERM; sending SIGKILL\n`);
        signalGroup('SIGKILL');
      }, killGrace * 1000);
    };

    const timeoutTimer = options.timeout === undefined ? undefined : setTimeout(() => stop('timeout', `timed out after ${options.timeout} s`), options.timeout * 1000);
    const onAbort = (): void => stop('abort', 'aborted');
    // The trial's own signal (optimize's trialTimeout, a worker's job timeout) and the caller's (quit now).
    const signals = [trialSignal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    for (const s of signals) {
      if (s.aborted) queueMicrotask(onAbort);
      else s.addEventListener('abort', onAbort, { once: true });
    }

    const stdout = createInterface({ input: child.stdout });
    stdout.on('line', (line) => {
      lineNumber++;
      log.write(line + '\n');
      if (!line.startsWith(COMMAND_PROTOCOL_PREFIX)) return;
      const parsed = parseProtocolLine(line.slice(COMMAND_PROTOCOL_PREFIX.length));
      if (typeof parsed === 'string') {
        log.write(`# frnas: ignored malformed protocol line ${lineNumber} of stdout: ${parsed}\n`);
        return;
      }
      if ('final' in parsed) {
        final = parsed.final;
      } else {
        epochs.push(parsed.epoch);
        options.onReport?.(trial.trialId, parsed.epoch);
      }
    });
    const stderr = createInterface({ input: child.stderr });
    stderr.on('line', (line) => {
      log.write(line + '\n');
      stderrTail.push(line);
      if (stderrTail.length > reasonLines) stderrTail.shift();
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    // The trial ends when the command exits: something it left running in its group that still holds stdout or
    // stderr open would otherwise keep the trial waiting for the streams to close.
    let leftoverTimer: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      leftoverTimer = setTimeout(() => {
        log.write('# frnas: the command exited but processes it started still hold its output open; killing its process group\n');
        signalGroup('SIGKILL');
      }, LEFTOVER_GRACE_MS);
    });
    const streamsClosed = Promise.all([new Promise((r) => stdout.once('close', r)), new Promise((r) => stderr.once('close', r))]);

    child.on('close', (code, signal) => {
      void streamsClosed.then(() => {
        if (timeoutTimer) clearTimeout(timeoutTimer);
        if (killTimer) clearTimeout(killTimer);
        if (leftoverTimer) clearTimeout(leftoverTimer);
        for (const s of signals) s.removeEventListener('abort', onAbort);
        // Whatever the command left running in its group goes too.
        signalGroup('SIGKILL');
        // Stopped by a quit-now: left pending, so the trial is never recorded as failed; the process exits.
        if (quitting) return;
        const tail = stderrTail.length ? `; last stderr lines:\n${stderrTail.join('\n')}` : ' (no stderr output)';
        const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        log.write(`# frnas: command ${how}${final ? ', final result received' : ''}\n`);
        if (spawnError) return reject(new Error(`command could not be started: ${spawnError.message}`));
        if (stopReason?.kind === 'timeout') return reject(new TrialTimeoutError(`${stopReason.text}; the command ${how}${tail}`));
        if (stopReason) return reject(new Error(`${stopReason.text}: the command ${how}${tail}`));
        if (signal) return reject(new Error(`command ${how}${tail}`));
        if (code !== 0) return reject(new Error(`command ${how}${tail}`));
        if (!final) {
          return reject(new Error(`command exited with code 0 without a final result line (${COMMAND_PROTOCOL_PREFIX}{"final":true,"values":{...}}); see ${trial.logFile}${tail}`));
        }
        const missing = trial.objectives.filter((name) => !(name in (final as { values: Record<string, number> }).values));
        if (missing.length > 0) return reject(new Error(`the final result lacks objective(s) ${missing.join(', ')} (it has ${Object.keys(final.values).join(', ') || 'none'})`));
        const result: EvaluationResult = {
          ...final.values,
          attributes: { ...(final.attributes ?? {}), epochs, log: trial.logFile },
        };
        if (final.cost) result.cost = final.cost;
        resolvePromise(result);
      });
    });
  });
}

type ProtocolLine =
  | { final: { values: Record<string, number>; attributes?: Record<string, unknown>; cost?: Record<string, number> } }
  | { epoch: CommandEpochReport };

/** A protocol line's JSON, or what is wrong with it. */
export function parseProtocolLine(text: string): ProtocolLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const line = value as Record<string, unknown>;
  const values = line.values;
  if (values !== undefined && !isNumberRecord(values)) return '"values" must be an object of numbers';
  if (line.final === true) {
    if (values === undefined) return 'a final line needs "values"';
    const result: { values: Record<string, number>; attributes?: Record<string, unknown>; cost?: Record<string, number> } = { values: values as Record<string, number> };
    if (line.attributes !== undefined) {
      if (typeof line.attributes !== 'object' || line.attributes === null || Array.isArray(line.attributes)) return '"attributes" must be an object';
      result.attributes = line.attributes as Record<string, unknown>;
    }
    if (line.cost !== undefined) {
      if (!isNumberRecord(line.cost) || Object.keys(line.cost as object).some((k) => k !== 'seconds' && k !== 'budget')) return '"cost" must be {"seconds"?: number, "budget"?: number}';
      result.cost = line.cost as Record<string, number>;
    }
    return { final: result };
  }
  if (line.final !== undefined) return '"final" must be true';
  if (typeof line.epoch !== 'number' || !Number.isFinite(line.epoch)) return 'a line needs "final": true or a numeric "epoch"';
  return { epoch: line as CommandEpochReport };
}

function isNumberRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v));
}
