import type { Proposer } from '../types.js';
import { Nsga2Proposer } from './nsga2.js';
import { RandomForestProposer } from './random-forest/index.js';
import { RandomProposer } from './random.js';
import { TpeProposer } from './tpe/index.js';

export type ProposerName = 'random' | 'rf' | 'tpe' | 'nsga2';

/** Resolves a proposer name (or passes an instance through). */
export function resolveProposer(proposer: ProposerName | Proposer): Proposer {
  if (proposer === 'random') return new RandomProposer();
  if (proposer === 'rf') return new RandomForestProposer();
  if (proposer === 'tpe') return new TpeProposer();
  if (proposer === 'nsga2') return new Nsga2Proposer();
  if (typeof proposer === 'object' && proposer !== null && typeof proposer.propose === 'function') return proposer;
  throw new Error(`proposer: expected 'random', 'rf', 'tpe', 'nsga2' or a Proposer, got ${JSON.stringify(proposer)}`);
}
