import type { Fidelity } from '../types.js';
import type { Scheduler, SchedulerSetup, TrialPlan } from './scheduler.js';

/** Random search's scheduler: every trial is a new configuration at the full budget (fidelity.max). */
export class RandomScheduler implements Scheduler {
  readonly name = 'random';
  private fidelity: Fidelity | undefined;

  init(setup: SchedulerSetup): void {
    this.fidelity = setup.fidelity;
  }

  next(): TrialPlan {
    if (!this.fidelity) throw new Error('RandomScheduler: init() was not called');
    return { budget: this.fidelity.max, bracket: 0, rung: 0 };
  }

  onAsked(): void {}
  onResult(): void {}
  describe(): Record<string, unknown> {
    return {};
  }
}
