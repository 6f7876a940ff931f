import type { StudyEvent, StudyStorage } from './events.js';

/**
 * Keeps the events in memory (tests, throw-away studies). Events are copied through JSON on the way in, exactly
 * as the journal would store them, so a study re-opened on `new MemoryStorage(old.events)` replays the same thing.
 */
export class MemoryStorage implements StudyStorage {
  private readonly stored: StudyEvent[];
  readonly directory = undefined;

  constructor(events: readonly StudyEvent[] = []) {
    this.stored = events.map((e) => JSON.parse(JSON.stringify(e)) as StudyEvent);
  }

  /** The events stored so far (copies). */
  get events(): StudyEvent[] {
    return this.stored.map((e) => JSON.parse(JSON.stringify(e)) as StudyEvent);
  }

  read(): StudyEvent[] {
    return this.events;
  }

  append(event: StudyEvent): void {
    this.stored.push(JSON.parse(JSON.stringify(event)) as StudyEvent);
  }

  locate(index: number): string {
    return `event ${index + 1}`;
  }

  close(): void {}
}
