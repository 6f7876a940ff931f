import { hyperbandBrackets, type BracketShape } from './brackets.js';
import type { SchedulerSetup } from './scheduler.js';
import { SuccessiveHalving } from './successive-halving.js';

/**
 * Hyperband as SMAC3 2.x does it: successive halving whose bracket runs cycle through the s_max + 1 bracket
 * types, from the most explorative (many configurations at the minimum budget) to plain full-budget runs.
 */
export class Hyperband extends SuccessiveHalving {
  override readonly name: string = 'hyperband';
  protected override bracketShapes(setup: SchedulerSetup): BracketShape[] {
    return hyperbandBrackets(setup.fidelity);
  }
}
