// Slow, obviously-correct reference implementations the fast algorithms are checked against.
import seedrandom from 'seedrandom';

export function bruteDominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) strictly = true;
  }
  return strictly;
}

/** Peels fronts off one at a time: a front is every remaining point no remaining point dominates. */
export function bruteFronts(points: readonly (readonly number[])[]): number[][] {
  let remaining = points.map((_, i) => i);
  const fronts: number[][] = [];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => bruteDominates(points[j], points[i])));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

/** Random points; with `levels` set, coordinates are integers in [0, levels) so that ties are frequent. */
export function randomPoints(seed: string, count: number, objectives: number, levels?: number): number[][] {
  const rng = seedrandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: objectives }, () => (levels === undefined ? rng() : Math.floor(rng() * levels))),
  );
}

/** Hypervolume by inclusion-exclusion over all subsets of the points strictly below the reference (small sets only). */
export function inclusionExclusionHypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, k) => v < reference[k]));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const corner = reference.map(() => -Infinity);
    let size = 0;
    inside.forEach((p, i) => {
      if (mask & (1 << i)) {
        size++;
        p.forEach((v, k) => (corner[k] = Math.max(corner[k], v)));
      }
    });
    const box = corner.reduce((volume, v, k) => volume * (reference[k] - v), 1);
    total += size % 2 === 1 ? box : -box;
  }
  return total;
}

/** Hypervolume of integer points by counting the unit cells [c, c+1)^d that some point weakly dominates. */
export function gridHypervolume(points: readonly (readonly number[])[], reference: readonly number[], low = 0): number {
  const d = reference.length;
  const cell = new Array<number>(d).fill(low);
  let count = 0;
  for (;;) {
    if (points.some((p) => p.every((v, k) => v <= cell[k]))) count++;
    let k = 0;
    while (k < d && ++cell[k] >= reference[k]) cell[k++] = low;
    if (k === d) return count;
  }
}
