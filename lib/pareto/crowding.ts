import type { Direction } from './types.js';
import { toMinimised } from './validate.js';

/**
 * NSGA-II crowding distance (Deb et al., 2002) of every point of a set, usually one front.
 * Per objective, points are ordered by value (ties by index); the first and last get Infinity and an
 * inner point adds (next - previous) / (max - min). An objective whose values are all equal adds 0 to the
 * inner points. Sets of one or two points are all boundary points (Infinity).
 * Directions do not change the result (the measure is symmetric) but are validated like everywhere else.
 */
export function crowdingDistance(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[] {
  const { count, objectives: m, values } = toMinimised(points, directions);
  const distance = new Array<number>(count).fill(0);
  if (count <= 2) return distance.fill(Infinity);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let k = 0; k < m; k++) {
    order.sort((a, b) => values[a * m + k] - values[b * m + k] || a - b);
    const low = values[order[0] * m + k];
    const high = values[order[count - 1] * m + k];
    distance[order[0]] = Infinity;
    distance[order[count - 1]] = Infinity;
    const range = high - low;
    if (range === 0) continue;
    for (let j = 1; j < count - 1; j++) {
      const i = order[j];
      if (distance[i] === Infinity) continue;
      distance[i] += (values[order[j + 1] * m + k] - values[order[j - 1] * m + k]) / range;
    }
  }
  return distance;
}
