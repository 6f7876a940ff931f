import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkEventShape, type StudyEvent, type StudyStorage } from './events.js';

export const JOURNAL_FILE = 'journal.jsonl';
/** Holds the pid of the process writing the journal, so two processes never append to one study. */
export const LOCK_FILE = 'journal.lock';

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

export interface JournalOptions {
  /** fsync after every event (default true): an event is on disk before `append` returns. */
  fsync?: boolean;
  /** Told about a torn last line that was dropped (default: console.warn). */
  onWarning?: (message: string) => void;
  /**
   * Only read (e.g. to report on a study another process is running): no lock, the file is never modified,
   * a torn last line is skipped, and `append` throws.
   */
  readOnly?: boolean;
}

/**
 * A study's journal: `<dir>/journal.jsonl`, one JSON event per line, each written with a single write and
 * fsync'd. A kill can only tear the last line: it is dropped (and cut from the file) with a warning.
 * Any other line that is not a well-formed event is an error naming its line number.
 */
export class JournalStorage implements StudyStorage {
  readonly directory: string;
  readonly file: string;
  private fd: number | undefined;
  private readonly fsync: boolean;
  private readonly onWarning: (message: string) => void;
  /** Line number (1-based) of each event read, for error messages. */
  private lineOf: number[] = [];
  private lineCount = 0;
  private readonly readOnly: boolean;
  private locked = false;

  constructor(directory: string, options: JournalOptions = {}) {
    this.directory = path.resolve(directory);
    this.file = path.join(this.directory, JOURNAL_FILE);
    this.fsync = options.fsync ?? true;
    this.onWarning = options.onWarning ?? ((message) => console.warn(message));
    this.readOnly = options.readOnly ?? false;
  }

  /** Whether `directory` already holds a journal. */
  static exists(directory: string): boolean {
    return fs.existsSync(path.join(directory, JOURNAL_FILE));
  }

  read(): StudyEvent[] {
    this.lineOf = [];
    if (!this.readOnly) this.lock();
    if (!fs.existsSync(this.file)) return [];
    const bytes = fs.readFileSync(this.file);
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    // After the last '\n' comes either nothing (a complete journal) or a line the kill interrupted.
    const tail = lines.pop() ?? '';
    const events: StudyEvent[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const event = this.parse(line, i + 1);
      if (typeof event === 'string') throw new JournalError(`${this.file} line ${i + 1}: ${event}`);
      events.push(event);
      this.lineOf.push(i + 1);
    });
    this.lineCount = lines.length;
    if (tail.trim() !== '') {
      const event = this.parse(tail, lines.length + 1);
      if (typeof event === 'string' && this.readOnly) {
        // Maybe the writer is in the middle of this line: leave it alone.
      } else if (typeof event === 'string') {
        this.onWarning(`${this.file} line ${lines.length + 1}: dropped a torn last line (${event}); the study resumes before it`);
        fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, text.length - tail.length), 'utf8'));
      } else {
        // Complete event whose newline was lost: keep it and finish the line.
        if (!this.readOnly) fs.appendFileSync(this.file, '\n');
        events.push(event);
        this.lineCount++;
        this.lineOf.push(this.lineCount);
      }
    }
    return events;
  }

  append(event: StudyEvent): void {
    if (this.readOnly) throw new JournalError(`${this.file} was opened read-only`);
    if (this.fd === undefined) {
      this.lock();
      fs.mkdirSync(this.directory, { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    // One write per event: a kill tears at most this line.
    fs.writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (this.fsync) fs.fsyncSync(this.fd);
    this.lineCount++;
    this.lineOf.push(this.lineCount);
  }

  locate(index: number): string {
    const line = this.lineOf[index];
    return line === undefined ? `${this.file} event ${index + 1}` : `${this.file} line ${line}`;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    // Only our own lock: a process that took it over after we were thought dead keeps it.
    const lockFile = path.join(this.directory, LOCK_FILE);
    if (this.locked && readLock(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
    this.locked = false;
  }

  /**
   * Takes `journal.lock` atomically: it is created with O_EXCL, so of processes started at once exactly one gets it.
   * A lock left by a process that no longer runs (a killed search) is taken over (see `removeStaleLock`); one held by
   * a live other process is an error. The same process may open a study more than once.
   */
  private lock(): void {
    if (this.locked) return;
    const lockFile = path.join(this.directory, LOCK_FILE);
    fs.mkdirSync(this.directory, { recursive: true });
    // Long enough to outwait a takeover left by a killed process (cleared after STALE_TAKEOVER_MS).
    const deadline = Date.now() + STALE_TAKEOVER_MS + EMPTY_LOCK_MS;
    for (;;) {
      if (createExclusive(lockFile)) break;
      const holder = readLock(lockFile);
      if (holder === 'missing') continue; // released meanwhile: race again
      if (holder === process.pid) break;
      if (typeof holder === 'number' && isAlive(holder)) {
        throw new JournalError(
          `${this.directory} is in use by process ${holder} (${LOCK_FILE}); open it with readOnly: true to inspect it, or stop that process`,
        );
      }
      if (Date.now() > deadline) throw new JournalError(`${lockFile}: could not take the lock (it keeps changing); try again`);
      if (holder === 'being-written' || !removeStaleLock(lockFile)) sleep(5);
    }
    this.locked = true;
  }

  private parse(line: string, lineNumber: number): StudyEvent | string {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return `not valid JSON (${(error as Error).message})`;
    }
    const problem = checkEventShape(value);
    if (problem !== undefined) return problem;
    if (lineNumber === 1 && (value as StudyEvent).type !== 'header') return 'the first event must be the study header';
    return value as StudyEvent;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes over a stale lock: while `<lock>.takeover` exists, only its creator may remove the lock. */
const TAKEOVER_SUFFIX = '.takeover';
/** A lock file still empty after this long was left by a process killed between creating and writing it. */
const EMPTY_LOCK_MS = 2000;
/** A takeover file older than this was left by a process killed inside its (sub-millisecond) takeover. */
const STALE_TAKEOVER_MS = 10_000;

/** Creates `file` holding this process's pid, failing (false) when it exists: the atomic step of taking a lock. */
function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, `${process.pid}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The pid in a lock file; 'being-written' for a lock just created and not written yet, 'stale' for one never written. */
function readLock(file: string): number | 'missing' | 'being-written' | 'stale' {
  let text: string;
  let modified: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    modified = fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  const pid = Number(text.trim());
  if (text.trim() !== '' && Number.isInteger(pid) && pid > 0) return pid;
  return text.trim() === '' && Date.now() - modified < EMPTY_LOCK_MS ? 'being-written' : 'stale';
}

function isStale(lock: ReturnType<typeof readLock>): boolean {
  return lock === 'stale' || (typeof lock === 'number' && lock !== process.pid && !isAlive(lock));
}

/**
 * Removes `lockFile` if it is stale, race-free: processes that all saw the same stale lock must not remove a lock that
 * one of them has taken meanwhile. So a takeover first creates `<lock>.takeover` exclusively; inside it, the lock is read
 * again and removed only if still stale (only a takeover removes another's lock, and there is one at a time); then
 * everyone races for the free lock with O_EXCL. False when another process is taking over (wait and retry).
 */
function removeStaleLock(lockFile: string): boolean {
  const takeover = lockFile + TAKEOVER_SUFFIX;
  if (!createExclusive(takeover)) {
    const holder = readLock(takeover);
    // Its creator died inside the takeover: clear it (after long enough that no live takeover can be that old).
    if (holder !== 'missing' && isStale(holder)) {
      try {
        if (Date.now() - fs.statSync(takeover).mtimeMs > STALE_TAKEOVER_MS) fs.rmSync(takeover, { force: true });
      } catch {
        // Gone meanwhile.
      }
    }
    return false;
  }
  try {
    if (isStale(readLock(lockFile))) fs.rmSync(lockFile, { force: true });
  } finally {
    fs.rmSync(takeover, { force: true });
  }
  return true;
}

/** Blocks this thread for `ms` (lock() is synchronous, as the journal is). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
