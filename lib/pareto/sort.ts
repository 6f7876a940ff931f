import type { Direction, MinimisedPoints } from './types.js';
import { toMinimised } from './validate.js';
import { Staircase } from './staircase.js';

/** Point indices in lexicographic order of their (minimised) objectives, ties by index. */
export function lexicographicOrder(set: MinimisedPoints): Int32Array {
  const { count, objectives: m, values } = set;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < m; k++) {
      const diff = values[a * m + k] - values[b * m + k];
      if (diff !== 0) return diff;
    }
    return a - b;
  });
  return Int32Array.from(order);
}

/** Front number (0 = non-dominated) of every point of a minimised set. */
export function frontRanks(set: MinimisedPoints): Int32Array {
  const ranks = new Int32Array(set.count);
  if (set.count === 0) return ranks;
  if (set.objectives === 1) return rankSingleObjective(set, ranks);
  if (set.objectives === 2) return rankTwoObjectives(set, ranks);
  if (set.objectives === 3) return rankThreeObjectives(set, ranks);
  return rankEfficientNonDominated(set, ranks);
}

/** One objective: equal values share a front, each larger value starts the next one. */
function rankSingleObjective(set: MinimisedPoints, ranks: Int32Array): Int32Array {
  const order = lexicographicOrder(set);
  let front = 0;
  for (let j = 1; j < order.length; j++) {
    if (set.values[order[j]] !== set.values[order[j - 1]]) front++;
    ranks[order[j]] = front;
  }
  return ranks;
}

/**
 * Two objectives in O(N log N): visit points in lexicographic order; a front is represented by its last
 * member (largest f1, smallest f2), which dominates the new point iff any member does, and "front k
 * dominates p" is monotone in k, so a binary search finds the first front that accepts p.
 */
function rankTwoObjectives(set: MinimisedPoints, ranks: Int32Array): Int32Array {
  const { values } = set;
  const order = lexicographicOrder(set);
  const lastF1: number[] = [];
  const lastF2: number[] = [];
  for (const p of order) {
    const f1 = values[2 * p];
    const f2 = values[2 * p + 1];
    let lo = 0;
    let hi = lastF1.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // The last member q precedes p lexicographically (q.f1 <= p.f1), so q dominates p iff:
      const dominated = lastF2[mid] < f2 || (lastF2[mid] === f2 && lastF1[mid] < f1);
      if (dominated) lo = mid + 1;
      else hi = mid;
    }
    if (lo === lastF1.length) {
      lastF1.push(f1);
      lastF2.push(f2);
    } else {
      lastF1[lo] = f1;
      lastF2[lo] = f2;
    }
    ranks[p] = lo;
  }
  return ranks;
}

/**
 * Three objectives in O(N log^2 N): visit points in lexicographic order, so an earlier point q dominates p
 * iff its (f2, f3) projection weakly dominates p's and the two points differ. Each front keeps the 2-D
 * staircase of its members' projections in a balanced tree (with the smallest f1 of each projection),
 * so "does front k dominate p" is one O(log N) lookup, and a binary search over fronts places p.
 */
function rankThreeObjectives(set: MinimisedPoints, ranks: Int32Array): Int32Array {
  const { values } = set;
  const order = lexicographicOrder(set);
  const fronts: Staircase[] = [];
  const dominatedByFront = (stairs: Staircase, f1: number, f2: number, f3: number): boolean => {
    // The member with the largest f2 <= p's f2 has the smallest f3 among those.
    const q = stairs.floor(f2);
    if (q === null || q.y > f3) return false;
    return q.x < f2 || q.y < f3 || q.tag < f1;
  };
  for (const p of order) {
    const f1 = values[3 * p];
    const f2 = values[3 * p + 1];
    const f3 = values[3 * p + 2];
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dominatedByFront(fronts[mid], f1, f2, f3)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) fronts.push(new Staircase());
    ranks[p] = lo;
    // Add p's projection to its front's staircase, dropping the projections it strictly dominates.
    const stairs = fronts[lo];
    const left = stairs.floor(f2);
    if (left !== null && left.y <= f3) continue; // an identical projection is already there
    if (left !== null && left.x === f2) stairs.remove(f2);
    for (let right = stairs.higher(f2); right !== null && right.y >= f3; right = stairs.higher(f2)) stairs.remove(right.x);
    stairs.insert(f2, f3, f1);
  }
  return ranks;
}

/**
 * Any number of objectives: ENS-BS (Zhang et al., 2015, "An efficient approach to non-dominated sorting
 * for evolutionary multiobjective optimization"). Points visited in lexicographic order can only be
 * dominated by points visited before them; a binary search over fronts is valid because a point dominated
 * by front k is dominated by every earlier front.
 */
function rankEfficientNonDominated(set: MinimisedPoints, ranks: Int32Array): Int32Array {
  const { objectives: m, values } = set;
  const order = lexicographicOrder(set);
  const fronts: number[][] = [];
  const dominatedByFront = (front: number[], p: number): boolean => {
    const base = p * m;
    // Newest members first: they are closest to p in the order and most likely to dominate it.
    for (let j = front.length - 1; j >= 0; j--) {
      const qBase = front[j] * m;
      let weaklyBetter = true;
      let strictlyBetter = values[qBase] < values[base];
      for (let k = 1; k < m; k++) {
        const q = values[qBase + k];
        const v = values[base + k];
        if (q > v) {
          weaklyBetter = false;
          break;
        }
        if (q < v) strictlyBetter = true;
      }
      if (weaklyBetter && strictlyBetter) return true;
    }
    return false;
  };
  for (const p of order) {
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dominatedByFront(fronts[mid], p)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) fronts.push([p]);
    else fronts[lo].push(p);
    ranks[p] = lo;
  }
  return ranks;
}

/** Groups front ranks into fronts of ascending point indices. */
function ranksToFronts(ranks: Int32Array): number[][] {
  const fronts: number[][] = [];
  for (let i = 0; i < ranks.length; i++) {
    const rank = ranks[i];
    while (fronts.length <= rank) fronts.push([]);
    fronts[rank].push(i);
  }
  return fronts;
}

/**
 * Sorts points into non-dominated fronts (Pareto dominance: no worse in every objective, strictly better
 * in one). Returns the fronts as lists of point indices in ascending order; the first is the Pareto front.
 * Identical points do not dominate each other and land in the same front.
 * O(N log N) for one and two objectives, O(N log^2 N) for three (per-front staircases in balanced trees),
 * ENS-BS (O(M N^2) worst case, near M N log N in practice) for more.
 */
export function nonDominatedSort(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[][] {
  return ranksToFronts(frontRanks(toMinimised(points, directions)));
}

/** Front number of every point (0 = Pareto front), aligned with `points`. */
export function paretoRanks(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[] {
  return Array.from(frontRanks(toMinimised(points, directions)));
}

/**
 * Indices (ascending) of the non-dominated points. Duplicates of a non-dominated point are all kept;
 * use `uniqueParetoFront` to keep only the first of each.
 */
export function paretoFront(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[] {
  return nonDominatedSort(points, directions)[0] ?? [];
}

/** Like `paretoFront`, but of several identical non-dominated points only the lowest index is kept. */
export function uniqueParetoFront(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[] {
  const seen = new Set<string>();
  return paretoFront(points, directions).filter((i) => {
    const key = points[i].join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Dominance on vectors that are already minimised and checked (hot loops: promotion, live fronts): no validation,
 * no copies. `paretoDominates` is the checked form with directions.
 */
export function dominatesMinimised(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let strictlyBetter = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) strictlyBetter = true;
  }
  return strictlyBetter;
}

/** Weak dominance on minimised vectors: no worse in every objective (equal vectors weakly dominate each other). */
export function weaklyDominatesMinimised(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] > b[k]) return false;
  return true;
}

/** Whether `a` Pareto-dominates `b`: no worse in every objective and strictly better in at least one. */
export function paretoDominates(a: readonly number[], b: readonly number[], directions?: readonly Direction[]): boolean {
  const set = toMinimised([a, b], directions, 'points [a, b]');
  const m = set.objectives;
  let strictlyBetter = false;
  for (let k = 0; k < m; k++) {
    const av = set.values[k];
    const bv = set.values[m + k];
    if (av > bv) return false;
    if (av < bv) strictlyBetter = true;
  }
  return strictlyBetter;
}

/**
 * Indices (ascending) of the weakly Pareto-optimal points: those no other point beats strictly in every
 * objective. A superset of paretoFront (it also keeps points that tie the front in some objective and lose
 * in others). O(M N^2); meant for analysis-sized sets.
 */
export function weakParetoFront(points: readonly (readonly number[])[], directions?: readonly Direction[]): number[] {
  const { count, objectives: m, values } = toMinimised(points, directions);
  const kept: number[] = [];
  for (let i = 0; i < count; i++) {
    let beaten = false;
    for (let j = 0; j < count && !beaten; j++) {
      if (j === i) continue;
      let strictlyEverywhere = true;
      for (let k = 0; k < m && strictlyEverywhere; k++) if (!(values[j * m + k] < values[i * m + k])) strictlyEverywhere = false;
      beaten = strictlyEverywhere;
    }
    if (!beaten) kept.push(i);
  }
  return kept;
}

/** An objective of a set of records: which value to read and whether it is minimised or maximised. */
export interface ParetoObjective {
  name: string;
  direction: Direction;
}

/**
 * The non-dominated records (e.g. finished trials) on the named objectives, in their original order.
 * Every record must have a finite value for every objective; duplicates are all kept.
 */
export function nonDominatedRecords<T extends { values: Readonly<Record<string, number>> }>(
  records: readonly T[],
  objectives: readonly ParetoObjective[],
): T[] {
  if (!Array.isArray(records)) throw new TypeError('records must be an array of { values } objects');
  if (!Array.isArray(objectives) || objectives.length === 0) throw new RangeError('objectives must list at least one { name, direction }');
  const points = records.map((record, i) =>
    objectives.map(({ name }) => {
      const value = record?.values?.[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`records[${i}].values.${name} must be a finite number, got ${String(value)}`);
      }
      return value;
    }),
  );
  return paretoFront(points, objectives.map((o) => o.direction)).map((i) => records[i]);
}
