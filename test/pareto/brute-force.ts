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
