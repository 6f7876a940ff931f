import { Asha } from './asha.js';
import { Hyperband } from './hyperband.js';
import { RandomScheduler } from './random.js';
import type { Scheduler } from './scheduler.js';
import { SuccessiveHalving } from './successive-halving.js';

export type SchedulerName = 'random' | 'sh' | 'hyperband' | 'asha';

/** Resolves a scheduler name (or passes an instance through). */
export function resolveScheduler(scheduler: SchedulerName | Scheduler): Scheduler {
  switch (scheduler) {
    case 'random':
      return new RandomScheduler();
    case 'sh':
      return new SuccessiveHalving();
    case 'hyperband':
      return new Hyperband();
    case 'asha':
      return new Asha();
  }
  if (typeof scheduler === 'object' && scheduler !== null && typeof scheduler.next === 'function') return scheduler;
  throw new Error(`scheduler: expected 'random', 'sh', 'hyperband', 'asha' or a Scheduler, got ${JSON.stringify(scheduler)}`);
}
