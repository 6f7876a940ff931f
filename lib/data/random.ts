import seedrandom from 'seedrandom';
import type { Rng } from '../space/types.js';

/** A seeded uniform stream in [0, 1); every random choice in lib/data comes from one of these. */
export function seededRng(...parts: (string | number)[]): Rng {
  return seedrandom(['frnas-data', ...parts].join(':'));
}

/** Fisher-Yates shuffle of a copy; the same rng state gives the same order. */
export function shuffled<T>(values: readonly T[], rng: Rng): T[] {
  const result = values.slice();
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** A standard normal draw (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
