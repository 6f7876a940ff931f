// CONTRACT PLACEHOLDER — the random-forest proposer's author replaces this file.
// lib/search resolves `proposer: 'rf'` to `new RandomForestProposer(options)`.
import type { Configuration } from '../../../space/types.js';
import type { ProposalContext, Proposer } from '../../types.js';

export interface RandomForestProposerOptions {
  /** Random configurations before the model is used (SMAC3: 10). */
  initialDesign?: number;
  /** Share of purely random proposals after that (SMAC3: 0.2). */
  randomFraction?: number;
  nTrees?: number;
}

export class RandomForestProposer implements Proposer {
  readonly name = 'rf';
  constructor(readonly options: RandomForestProposerOptions = {}) {}
  propose(_context: ProposalContext): Configuration {
    throw new Error('RandomForestProposer: not implemented yet');
  }
}
