import type { Fidelity } from '../types.js';
import { validateFidelity } from './scheduler.js';

/** One bracket type: the budget and the number of configurations of each rung. */
export interface BracketShape {
  budgets: number[];
  sizes: number[];
}

// SMAC3 computes these in floating point; a small tolerance keeps exact powers exact
// (log(243)/log(3) is 4.999… in doubles, and 81 * 3^-4 may land just under 1).
const TOLERANCE = 1e-9;

/** SMAC3's s_max = floor(log_eta(max / min)): the number of promotions in the most explorative bracket. */
export function maxPromotions(fidelity: Fidelity): number {
  validateFidelity(fidelity);
  return Math.floor(Math.log(fidelity.max / fidelity.min) / Math.log(fidelity.eta) + TOLERANCE);
}

/**
 * SMAC3 2.x `SuccessiveHalving._compute_configs_and_budgets_for_stages(eta, max, maxIter, sMax)`:
 * n0 = ceil(eta^maxIter * (sMax + 1) / (maxIter + 1)); rung i keeps floor(n0 / eta^i) configurations
 * at budget max / eta^(maxIter - i). Budgets are not rounded (SMAC3 passes the float to the target function).
 */
export function bracketShape(fidelity: Fidelity, maxIter: number, sMax = maxIter): BracketShape {
  const { eta, max } = fidelity;
  const n0 = Math.ceil((eta ** maxIter * (sMax + 1)) / (maxIter + 1) - TOLERANCE);
  const sizes: number[] = [];
  const budgets: number[] = [];
  for (let i = 0; i <= maxIter; i++) {
    sizes.push(Math.floor(n0 / eta ** i + TOLERANCE));
    budgets.push(max / eta ** (maxIter - i));
  }
  return { budgets, sizes };
}

/** SMAC3's SuccessiveHalving: a single bracket type from (about) min to max. */
export function successiveHalvingBrackets(fidelity: Fidelity): BracketShape[] {
  const sMax = maxPromotions(fidelity);
  return [bracketShape(fidelity, sMax)];
}

/** SMAC3's Hyperband: bracket i (0..s_max) has s_max - i promotions; bracket 0 is the most explorative. */
export function hyperbandBrackets(fidelity: Fidelity): BracketShape[] {
  const sMax = maxPromotions(fidelity);
  return Array.from({ length: sMax + 1 }, (_, i) => bracketShape(fidelity, sMax - i, sMax));
}
