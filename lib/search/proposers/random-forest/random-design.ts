import type { Configuration, Rng } from '../../../space/types.js';
import type { Space } from '../../../space/index.js';

const RANDOM_RETRIES = 100;

/** A random configuration that is neither evaluated nor pending (a duplicate only if the space is exhausted). */
export function randomUnseen(space: Space, rng: Rng, taken: ReadonlySet<string>): Configuration {
  let config = space.sampleWith(rng);
  for (let attempt = 1; attempt < RANDOM_RETRIES && taken.has(space.configId(config)); attempt++) config = space.sampleWith(rng);
  return config;
}
