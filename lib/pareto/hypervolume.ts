import type { Direction } from './types.js';
import { directionSigns, toMinimised, vectorToMinimised } from './validate.js';
import { frontRanks } from './sort.js';
import { Staircase } from './staircase.js';

/** A point of a minimisation problem, already known to be strictly better than the reference everywhere. */
type Vector = ArrayLike<number>;

/** Area dominated by 2-D points (all strictly below `rx`, `ry`): sweep in x order, O(n log n). */
function hypervolume2d(points: readonly Vector[], rx: number, ry: number): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0;
  let lowestY = ry;
  for (const p of sorted) {
    if (p[1] < lowestY) {
      area += (rx - p[0]) * (lowestY - p[1]);
      lowestY = p[1];
    }
  }
  return area;
}

/**
 * Volume dominated by 3-D points (all strictly below the reference): sweep along z, keeping the 2-D
 * staircase of the points seen so far in a balanced tree and its area up to date (Beume et al., 2009,
 * "On the complexity of computing the hypervolume indicator"), O(n log n).
 */
function hypervolume3d(points: readonly Vector[], reference: Vector): number {
  const [rx, ry, rz] = [reference[0], reference[1], reference[2]];
  const sorted = [...points].sort((a, b) => a[2] - b[2]);
  const stairs = new Staircase();
  // Sentinels: every later lookup has a left and a right neighbour.
  stairs.insert(-Infinity, ry);
  stairs.insert(rx, -Infinity);
  let area = 0;
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    const x = p[0];
    const y = p[1];
    const left = stairs.floor(x) as { x: number; y: number };
    if (left.y > y) {
      // p adds area: walk right over the points it dominates, adding the strip between them and p.
      let height = left.y;
      let fromX = x;
      if (left.x === x) stairs.remove(x);
      let right = stairs.higher(x) as { x: number; y: number };
      while (right.y >= y) {
        area += (right.x - fromX) * (height - y);
        fromX = right.x;
        height = right.y;
        stairs.remove(right.x);
        right = stairs.higher(x) as { x: number; y: number };
      }
      area += (right.x - fromX) * (height - y);
      stairs.insert(x, y);
    }
    const nextZ = i + 1 < sorted.length ? sorted[i + 1][2] : rz;
    volume += area * (nextZ - p[2]);
  }
  return volume;
}

/** Volume of the box between a point and the reference. */
function boxVolume(point: Vector, reference: Vector, dimensions: number): number {
  let volume = 1;
  for (let k = 0; k < dimensions; k++) volume *= reference[k] - point[k];
  return volume;
}

/** Non-dominated, de-duplicated subset (first `dimensions` coordinates). */
function nonDominatedSubset(points: readonly Vector[], dimensions: number): Vector[] {
  const values = new Float64Array(points.length * dimensions);
  points.forEach((p, i) => {
    for (let k = 0; k < dimensions; k++) values[i * dimensions + k] = p[k];
  });
  const ranks = frontRanks({ count: points.length, objectives: dimensions, values });
  const seen = new Set<string>();
  const kept: Vector[] = [];
  points.forEach((p, i) => {
    if (ranks[i] !== 0) return;
    const key = Array.prototype.slice.call(p, 0, dimensions).join(',');
    if (seen.has(key)) return;
    seen.add(key);
    kept.push(p);
  });
  return kept;
}

/**
 * Hypervolume of points strictly below the reference, in the first `dimensions` coordinates.
 * 1-3 objectives use the exact sweeps; 4+ use WFG (While, Bradstreet & Barone, 2012): with points ordered
 * worst-first in the last objective, the part of point k's box not covered by later points is a slab of
 * height (r_d - p_kd) over its (d-1)-dimensional exclusive area, whose limit set is the later points
 * clipped to p_k; the recursion drops one objective per level until the 3-D sweep takes over.
 */
export function hypervolumeOf(points: readonly Vector[], reference: Vector, dimensions: number): number {
  if (points.length === 0) return 0;
  if (dimensions === 1) {
    let best = Infinity;
    for (const p of points) best = Math.min(best, p[0]);
    return reference[0] - best;
  }
  if (dimensions === 2) return hypervolume2d(points, reference[0], reference[1]);
  if (dimensions === 3) return hypervolume3d(points, reference);
  if (points.length === 1) return boxVolume(points[0], reference, dimensions);
  const last = dimensions - 1;
  const front = nonDominatedSubset(points, dimensions).sort((a, b) => b[last] - a[last]);
  let volume = 0;
  for (let k = 0; k < front.length; k++) {
    const pk = front[k];
    const limit: Float64Array[] = [];
    for (let j = k + 1; j < front.length; j++) {
      const clipped = new Float64Array(last);
      for (let c = 0; c < last; c++) clipped[c] = Math.max(pk[c], front[j][c]);
      limit.push(clipped);
    }
    const exclusiveArea = boxVolume(pk, reference, last) - hypervolumeOf(limit, reference, last);
    volume += (reference[last] - pk[last]) * exclusiveArea;
  }
  return volume;
}

/** Validated, minimised points and reference, keeping only points strictly better than the reference in every objective. */
function prepare(
  points: readonly (readonly number[])[],
  reference: readonly number[],
  directions: readonly Direction[] | undefined,
): { inside: Float64Array[]; insideIndex: number[]; reference: Float64Array; count: number } {
  if (!Array.isArray(reference) || reference.length === 0) throw new TypeError('reference must be a non-empty array of numbers');
  const set = toMinimised(points, directions);
  const dimensions = set.count > 0 ? set.objectives : reference.length;
  const signs = directionSigns(directions, dimensions);
  const ref = vectorToMinimised(reference, signs, 'reference');
  const inside: Float64Array[] = [];
  const insideIndex: number[] = [];
  for (let i = 0; i < set.count; i++) {
    const p = set.values.subarray(i * dimensions, (i + 1) * dimensions);
    let below = true;
    for (let k = 0; k < dimensions; k++) if (!(p[k] < ref[k])) below = false;
    if (below) {
      inside.push(p);
      insideIndex.push(i);
    }
  }
  return { inside, insideIndex, reference: ref, count: set.count };
}

/**
 * Exact hypervolume: the measure of the objective space dominated by `points` and bounded by `reference`
 * (minimisation unless `directions` says otherwise; a maximised objective's reference is its lower bound).
 * Points that are not strictly better than the reference in every objective contribute nothing.
 * 2-D: sweep; 3-D: O(n log n) sweep over a balanced-tree staircase; 4+-D: WFG.
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[], directions?: readonly Direction[]): number {
  const { inside, reference: ref } = prepare(points, reference, directions);
  return hypervolumeOf(inside, ref, ref.length);
}

/**
 * 2-D exclusive contributions in O(n log n). A staircase point s (x increasing, y decreasing) alone
 * dominates the rectangle [x_s, x_{s+1}) x [y_s, y_{s-1}) up to the points it alone dominates; a point that
 * is not on the staircase but lies inside that rectangle's upper corner can only be dominated by s, so it
 * is assigned to s, and s's contribution is the rectangle minus the area those points cover inside it.
 * A duplicate of s covers the whole rectangle, so every copy gets 0.
 */
function contributionsTwoObjectives(inside: readonly Float64Array[], ref: Float64Array): number[] {
  const order = inside.map((_, j) => j).sort((a, b) => inside[a][0] - inside[b][0] || inside[a][1] - inside[b][1]);
  const stairs: number[] = [];
  const offStairs: number[] = [];
  for (const j of order) {
    if (stairs.length === 0 || inside[j][1] < inside[stairs[stairs.length - 1]][1]) stairs.push(j);
    else offStairs.push(j);
  }
  const groups: Float64Array[][] = stairs.map(() => []);
  for (const j of offStairs) {
    const q = inside[j];
    // Last staircase point with x <= q.x (one exists: some staircase point weakly dominates q).
    let lo = 0;
    let hi = stairs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (inside[stairs[mid]][0] <= q[0]) lo = mid;
      else hi = mid - 1;
    }
    const upperY = lo > 0 ? inside[stairs[lo - 1]][1] : ref[1];
    if (q[1] < upperY) groups[lo].push(q);
  }
  const contributions = new Array<number>(inside.length).fill(0);
  stairs.forEach((j, s) => {
    const p = inside[j];
    const corner = [s + 1 < stairs.length ? inside[stairs[s + 1]][0] : ref[0], s > 0 ? inside[stairs[s - 1]][1] : ref[1]];
    const rectangle = (corner[0] - p[0]) * (corner[1] - p[1]);
    const clipped = groups[s].filter((q) => q[0] < corner[0]);
    contributions[j] = rectangle - hypervolume2d(clipped, corner[0], corner[1]);
  });
  return contributions;
}

/**
 * Exclusive hypervolume contribution of each point: hypervolume(all) - hypervolume(all but this point).
 * Dominated points, points beyond the reference and each copy of a duplicated point contribute 0.
 * 2-D: O(n log n) (see contributionsTwoObjectives); 3+-D: each point's box minus the hypervolume of the
 * other points clipped to it (n hypervolume computations).
 */
export function hypervolumeContributions(
  points: readonly (readonly number[])[],
  reference: readonly number[],
  directions?: readonly Direction[],
): number[] {
  const { inside, insideIndex, reference: ref, count } = prepare(points, reference, directions);
  const dimensions = ref.length;
  const contributions = new Array<number>(count).fill(0);
  if (dimensions === 1) {
    if (inside.length === 0) return contributions;
    const best = inside.reduce((b, p, j) => (p[0] < inside[b][0] ? j : b), 0);
    const others = inside.filter((_, j) => j !== best);
    contributions[insideIndex[best]] = ref[0] - inside[best][0] - hypervolumeOf(others, ref, 1);
    return contributions;
  }
  if (dimensions === 2) {
    contributionsTwoObjectives(inside, ref).forEach((c, j) => (contributions[insideIndex[j]] = c));
    return contributions;
  }
  inside.forEach((p, j) => {
    const clippedOthers: Float64Array[] = [];
    inside.forEach((q, other) => {
      if (other === j) return;
      const clipped = new Float64Array(dimensions);
      for (let k = 0; k < dimensions; k++) clipped[k] = Math.max(p[k], q[k]);
      clippedOthers.push(clipped);
    });
    const exclusive = boxVolume(p, ref, dimensions) - hypervolumeOf(clippedOthers, ref, dimensions);
    // Rounding can leave a tiny negative remainder for a fully covered point.
    contributions[insideIndex[j]] = Math.max(0, exclusive);
  });
  return contributions;
}
