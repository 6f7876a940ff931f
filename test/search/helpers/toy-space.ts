// A tiny test-only space with the Space methods the engine uses, so the engine's tests do not depend on
// lib/space's implementation: x, y floats in [0, 1] (rounded to 1e-6 so JSON round-trips are exact), k in 0..9.
import type { Space } from '../../../lib/space/index.js';
import type { Configuration, Rng } from '../../../lib/space/types.js';

class ToySpace {
  readonly names = ['x', 'y', 'k'];
  sampleWith(rng: Rng): Configuration {
    return { x: Math.round(rng() * 1e6) / 1e6, y: Math.round(rng() * 1e6) / 1e6, k: Math.floor(rng() * 10) };
  }
  sample(n: number, seed: number | string): Configuration[] {
    let state = Number(seed) || 1;
    const rng = (): number => ((state = (state * 16807) % 2147483647) / 2147483647);
    return Array.from({ length: n }, () => this.sampleWith(rng));
  }
  configId(config: Configuration): string {
    return `x=${config.x},y=${config.y},k=${config.k}`;
  }
  validate(config: Configuration): void {
    for (const name of ['x', 'y']) {
      const v = config[name];
      if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`hyperparameter '${name}': ${String(v)} is not in [0, 1]`);
    }
    if (!Number.isInteger(config.k)) throw new Error(`hyperparameter 'k': ${String(config.k)} is not an integer`);
  }
  isValid(config: Configuration): boolean {
    try {
      this.validate(config);
      return true;
    } catch {
      return false;
    }
  }
  encode(config: Configuration): number[] {
    return [Number(config.x), Number(config.y), Number(config.k) / 9];
  }
  toJSON(): unknown {
    return { toy: this.names };
  }
}

/** The toy space typed as the engine's Space (it implements every method the engine calls). */
export function toySpace(): Space {
  return new ToySpace() as unknown as Space;
}
