import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkEventShape, type StudyEvent, type StudyStorage } from './events.js';

export const JOURNAL_FILE = 'journal.jsonl';

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

  constructor(directory: string, options: JournalOptions = {}) {
    this.directory = path.resolve(directory);
    this.file = path.join(this.directory, JOURNAL_FILE);
    this.fsync = options.fsync ?? true;
    this.onWarning = options.onWarning ?? ((message) => console.warn(message));
  }

  /** Whether `directory` already holds a journal. */
  static exists(directory: string): boolean {
    return fs.existsSync(path.join(directory, JOURNAL_FILE));
  }

  read(): StudyEvent[] {
    this.lineOf = [];
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
      if (typeof event === 'string') {
        this.onWarning(`${this.file} line ${lines.length + 1}: dropped a torn last line (${event}); the study resumes before it`);
        fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, text.length - tail.length), 'utf8'));
      } else {
        // Complete event whose newline was lost: keep it and finish the line.
        fs.appendFileSync(this.file, '\n');
        events.push(event);
        this.lineCount++;
        this.lineOf.push(this.lineCount);
      }
    }
    return events;
  }

  append(event: StudyEvent): void {
    if (this.fd === undefined) {
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
