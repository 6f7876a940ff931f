import type { Configuration } from '../../space/types.js';
import type { ProposalContext, Proposer, Trial } from '../types.js';

/**
 * Random search's proposer: a configuration drawn from the space with the proposal's stream. It redraws (up to
 * `maxAttempts` times) a configuration already tried or running, so small discrete spaces are not re-evaluated
 * needlessly; past that it returns the duplicate.
 */
export class RandomProposer implements Proposer {
  readonly name = 'random';
  private seen = new Set<string>();
  private seenHistory: readonly Trial[] | undefined;
  private seenCount = 0;

  constructor(readonly maxAttempts = 32) {}

  propose(context: ProposalContext): Configuration {
    this.catchUp(context);
    const pending = new Set(context.pending.map((c) => context.space.configId(c)));
    let config = context.space.sampleWith(context.rng);
    for (let attempt = 1; attempt < this.maxAttempts; attempt++) {
      const id = context.space.configId(config);
      if (!this.seen.has(id) && !pending.has(id)) break;
      config = context.space.sampleWith(context.rng);
    }
    return config;
  }

  // The study's history only grows, so the set of seen ids is updated incrementally.
  private catchUp(context: ProposalContext): void {
    if (this.seenHistory !== context.history || this.seenCount > context.history.length) {
      this.seen = new Set();
      this.seenHistory = context.history;
      this.seenCount = 0;
    }
    for (; this.seenCount < context.history.length; this.seenCount++) this.seen.add(context.history[this.seenCount].configId);
  }
}
