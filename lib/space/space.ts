// CONTRACT PLACEHOLDER — the space module's author replaces this file with the implementation.
// The signatures below are what lib/search and the rest of frnas code against.
import type { Configuration, Rng } from './types.js';

export class SpaceError extends Error {
  constructor(message: string, readonly hyperparameter?: string) {
    super(message);
    this.name = 'SpaceError';
  }
}

export class Space {
  /** Reads frnas's own JSON format or ConfigSpace's JSON (detected), from an object or JSON text. */
  static fromJSON(_objOrText: unknown): Space { throw new Error('not implemented'); }
  toJSON(): unknown { throw new Error('not implemented'); }
  toConfigSpaceJSON(): unknown { throw new Error('not implemented'); }
  /** Hyperparameter names in encoding order. */
  get names(): string[] { throw new Error('not implemented'); }
  /** n valid configurations drawn from `seed` (same seed, same samples). */
  sample(_n: number, _seed: number | string): Configuration[] { throw new Error('not implemented'); }
  /** One valid configuration drawn from an existing stream (proposers use the study's stream). */
  sampleWith(_rng: Rng): Configuration { throw new Error('not implemented'); }
  defaultConfiguration(): Configuration { throw new Error('not implemented'); }
  /** Throws a SpaceError naming the hyperparameter and the rule broken. */
  validate(_config: Configuration): void { throw new Error('not implemented'); }
  isValid(_config: Configuration): boolean { throw new Error('not implemented'); }
  /** Vector in [0,1]^d in `names` order; inactive hyperparameters are NaN. */
  encode(_config: Configuration): number[] { throw new Error('not implemented'); }
  decode(_vector: readonly number[]): Configuration { throw new Error('not implemented'); }
  /** The valid one-exchange neighbours of `config`, shuffled by `seed` (a number, string or a stream). */
  neighbours(_config: Configuration, _seed: number | string | Rng): Configuration[] { throw new Error('not implemented'); }
  /** Stable identity of a configuration: same values -> same id, whatever the key order. */
  configId(_config: Configuration): string { throw new Error('not implemented'); }
}
