// Runs one search (scheduler × proposer) on a benchmark problem in simulated time, like Syne Tune's simulated
// backend: N virtual workers, each busy until its trial's virtual finish time; nothing ever waits for real.
import { Study } from '../search/study.js';
import type { PromotionName } from '../search/promotion/index.js';
import type { ProposerName } from '../search/proposers/index.js';
import type { SchedulerName } from '../search/schedulers/index.js';
import type { PromotionStrategy } from '../search/promotion/strategy.js';
import type { Proposer, Trial } from '../search/types.js';
import type { Scheduler } from '../search/schedulers/scheduler.js';
import type { BenchmarkProblem } from './problem.js';
import { objectiveVector } from './problem.js';

/** A search method of the benchmark: scheduler, proposer, promotion and number of simulated workers. */
export interface BenchmarkMethod {
  name: string;
  scheduler: SchedulerName | (() => Scheduler);
  /** A name, or a factory (a proposer keeps state, so every run gets a fresh one). */
  proposer: ProposerName | (() => Proposer);
  promotion?: PromotionName | PromotionStrategy;
  /** Simulated workers (default 1). */
  workers?: number;
}

/** One finished trial of a run, in the order results arrived: the row format of trials.csv. */
export interface TrialRecord {
  library: string;
  problem: string;
  method: string;
  seed: number;
  /** 0, 1, 2… in the order results arrived. */
  trial: number;
  budget: number;
  /** Epochs this trial trained (a promotion continues from its parent's checkpoint). */
  costEpochs: number;
  /** Epochs trained by all trials finished so far, this one included. */
  epochsSpent: number;
  /** Virtual clock when the trial finished, in simulated seconds. */
  finishTime: number;
  status: 'ok' | 'failed' | 'infeasible';
  /** Objective values in the problem's order (empty unless ok). */
  values: number[];
}

export interface SimulatedRunOptions {
  problem: BenchmarkProblem;
  method: BenchmarkMethod;
  seed: number;
  /** Total epochs: no trial is started once finished plus running trials have spent this much. */
  budgetEpochs: number;
  /** Safety stop on the number of trials (default 100,000). */
  maxTrials?: number;
  /** Library label of the records (default 'frnas'). */
  library?: string;
}

interface Running {
  trial: Trial;
  finish: number;
  cost: number;
}

/**
 * Runs `method` on `problem` until `budgetEpochs` are spent or planned. A trial is evaluated and told when the
 * virtual clock reaches its finish time (earliest first, ties by trial id), so the
 * scheduler and proposer see results in the order a real cluster would deliver them. A worker with nothing to
 * run (a synchronous rung waiting for its last results) idles until the next result.
 */
export function runSimulated(options: SimulatedRunOptions): TrialRecord[] {
  const { problem, method, seed, budgetEpochs, maxTrials = 100_000, library = 'frnas' } = options;
  const workers = method.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`method ${method.name}: workers must be a positive integer, got ${workers}`);
  if (!(budgetEpochs > 0)) throw new Error(`runSimulated: budgetEpochs must be a positive number, got ${budgetEpochs}`);
  const study = Study.inMemory({
    space: problem.space(),
    objectives: [...problem.objectives],
    fidelity: problem.fidelity,
    scheduler: typeof method.scheduler === 'function' ? method.scheduler() : method.scheduler,
    proposer: typeof method.proposer === 'function' ? method.proposer() : method.proposer,
    promotion: method.promotion,
    seed,
  });
  const running: Running[] = [];
  const records: TrialRecord[] = [];
  let clock = 0;
  let spent = 0;
  let asked = 0;
  try {
    for (;;) {
      // Hand work to every idle worker while the budget lasts.
      while (running.length < workers && asked < maxTrials) {
        const planned = running.reduce((sum, r) => sum + r.cost, 0);
        if (spent + planned >= budgetEpochs) break;
        const trial = study.tryAsk();
        if (!trial) break;
        asked++;
        const cost = study.plannedCost(trial);
        running.push({ trial, cost, finish: clock + cost * problem.secondsPerEpoch });
      }
      if (running.length === 0) break;
      let next = 0;
      for (let i = 1; i < running.length; i++) {
        const a = running[i];
        const b = running[next];
        if (a.finish < b.finish || (a.finish === b.finish && a.trial.id < b.trial.id)) next = i;
      }
      const [done] = running.splice(next, 1);
      clock = done.finish;
      const evaluation = problem.evaluate(done.trial.config, done.trial.budget);
      const told =
        evaluation.status === 'ok'
          ? study.tell(done.trial.id, { values: evaluation.values, cost: { budget: done.cost, seconds: done.cost * problem.secondsPerEpoch } })
          : study.tell(done.trial.id, { status: 'failed', error: evaluation.error, cost: { budget: done.cost, seconds: done.cost * problem.secondsPerEpoch } });
      spent += done.cost;
      records.push({
        library,
        problem: problem.name,
        method: method.name,
        seed,
        trial: records.length,
        budget: done.trial.budget,
        costEpochs: done.cost,
        epochsSpent: spent,
        finishTime: clock,
        status: told.status === 'ok' ? 'ok' : 'failed',
        values: told.status === 'ok' ? objectiveVector(problem, told.values) : [],
      });
    }
  } finally {
    study.close();
  }
  return records;
}
