import { Space, Study, type StudyOptions, type Trial } from '../../lib/index.js';
import type { PromotionName } from '../../lib/search/index.js';
import { analyticEvaluator } from '../../lib/distributed/index.js';

/** Three floats in [0, 1]: the analytic evaluators' variables. */
export const SPACE_JSON = {
  name: 'zdt-3',
  hyperparameters: {
    x0: { type: 'float', lower: 0, upper: 1 },
    x1: { type: 'float', lower: 0, upper: 1 },
    x2: { type: 'float', lower: 0, upper: 1 },
  },
};

export function studyOptions(seed: number): StudyOptions {
  return {
    space: Space.fromJSON(SPACE_JSON),
    objectives: [
      { name: 'f1', direction: 'minimize' },
      { name: 'f2', direction: 'minimize' },
    ],
    fidelity: { min: 1, max: 4, eta: 2 },
    scheduler: 'asha',
    proposer: 'random',
    seed,
  };
}

/**
 * The in-process reference for a coordinator run with tellOrder 'trial-id': keep `window` trials asked, tell the
 * oldest, ask again — the same sequence of ask/tell calls, on an in-memory study, evaluating in this process.
 */
export async function inProcessReference(seed: number, trials: number, window: number, maxBudget: number, promotion?: PromotionName): Promise<{ trials: Trial[]; front: Trial[] }> {
  const study = Study.inMemory({ ...studyOptions(seed), ...(promotion ? { promotion } : {}) });
  const evaluate = await analyticEvaluator(0.5)({ maxBudget }, {});
  const running: Trial[] = [];
  const fill = (): void => {
    while (running.length < window && study.finishedCount + study.runningCount < trials) running.push(study.ask());
  };
  fill();
  while (running.length > 0) {
    const trial = running.shift() as Trial;
    const context = { trialId: trial.id, configId: trial.configId, budget: trial.budget, previousBudget: 0, attempt: 1, checkpointDir: '', signal: new AbortController().signal };
    const result = await evaluate(trial.config, trial.budget, context);
    study.tell(trial.id, { values: { f1: result.f1 as number, f2: result.f2 as number } });
    fill();
  }
  const out = { trials: study.trials(), front: study.paretoFront() };
  study.close();
  return out;
}

/** What identifies a result: the trial, its configuration, budget and objective values. */
export function resultKey(trial: Trial): string {
  return JSON.stringify([trial.id, trial.configId, trial.budget, trial.status, trial.values]);
}
