// Shared fixtures of the proposer tests: a box space, hand-built trials and proposal contexts.
import seedrandom from 'seedrandom';
import { Space } from '../../../lib/space/index.js';
import type { Configuration } from '../../../lib/space/types.js';
import type { ObjectiveSpec, ProposalContext, Proposer, Trial, TrialStatus } from '../../../lib/search/types.js';

export const FIDELITY = { min: 1, max: 27, eta: 3 };

/** x0..x(d-1), floats in [0, 1]. */
export function boxSpace(dimension: number): Space {
  const hyperparameters: Record<string, unknown> = {};
  for (let i = 0; i < dimension; i++) hyperparameters[`x${i}`] = { type: 'float', lower: 0, upper: 1, default: 0.5 };
  return Space.fromJSON({ hyperparameters });
}

/** A finished trial as the study would record it (values only when ok). */
export function trial(space: Space, id: number, config: Configuration, budget: number, values: Record<string, number>, status: TrialStatus = 'ok'): Trial {
  return { id, config, configId: space.configId(config), budget, status, values: status === 'ok' ? values : {}, cost: { seconds: 0, budget }, attributes: {} };
}

/** A proposal context at the lowest budget with a stream seeded by `seed`. */
export function context(space: Space, objectives: ObjectiveSpec[], history: Trial[], seed: string, pending: Configuration[] = []): ProposalContext {
  return { space, objectives, history, pending, budget: FIDELITY.min, fidelity: FIDELITY, rng: seedrandom(seed) };
}

/** Squared distance of the encoded configuration to (0.3, ..., 0.3). */
export const sphere = (space: Space, config: Configuration): number => space.encode(config).reduce((s, v) => s + (v - 0.3) ** 2, 0);

/**
 * A history over three budgets: 30 ok results at 1, 10 at 3 and 3 at 9 (the same configurations promoted),
 * and 3 failed trials at 3. Budget 3 is the highest with at least 8 ok results; it holds 13 trials.
 */
export function multiBudgetHistory(space: Space): Trial[] {
  const configs = space.sample(40, 'budgets');
  let id = 0;
  return [
    ...configs.slice(0, 30).map((c) => trial(space, id++, c, 1, { loss: sphere(space, c) })),
    ...configs.slice(0, 10).map((c) => trial(space, id++, c, 3, { loss: sphere(space, c) })),
    ...configs.slice(0, 3).map((c) => trial(space, id++, c, 9, { loss: sphere(space, c) })),
    ...configs.slice(10, 13).map((c) => trial(space, id++, c, 3, {}, 'failed')),
  ];
}

/** Proposes `count` times at the full budget (sphere loss), checking each proposal is from the initial design. */
export function initialDesignHistory(
  proposer: Proposer & { lastProposal?: { kind: string } },
  space: Space,
  objectives: ObjectiveSpec[],
  count: number,
): Trial[] {
  const history: Trial[] = [];
  for (let i = 0; i < count; i++) {
    const config = proposer.propose(context(space, objectives, history, `init${i}`));
    if (proposer.lastProposal?.kind !== 'initial') throw new Error(`proposal ${i} is ${proposer.lastProposal?.kind}, expected initial`);
    history.push(trial(space, i, config, 27, { loss: sphere(space, config) }));
  }
  return history;
}
