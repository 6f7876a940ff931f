import type { Configuration } from '../../../lib/space/types.js';
import type { ObjectiveSpec } from '../../../lib/search/types.js';

export const twoObjectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'disparity', direction: 'minimize' },
];

/** A deterministic two-objective function that improves with the budget (like training longer). */
export function analytic(config: Configuration, budget: number): { error: number; disparity: number } {
  const x = Number(config.x);
  const y = Number(config.y);
  const k = Number(config.k);
  const noise = 1 / (1 + budget);
  return {
    error: Math.round((x * x + 0.1 * k + noise) * 1e9) / 1e9,
    disparity: Math.round(((1 - x) * (1 - x) + y * 0.5 + noise) * 1e9) / 1e9,
  };
}
