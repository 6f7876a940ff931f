import { crowdingDistance, dominatesMinimised } from '../../pareto/index.js';
import type { Rng } from '../../space/types.js';
import type { Direction } from '../types.js';
import { compareDescending, rankFrontsBy, type PromotionStrategy } from './strategy.js';

/**
 * NSGA-II's order: non-dominated fronts first to last; inside a front, larger crowding distance first
 * (computed within that front), then the order results were told. Taking the first `n` therefore keeps
 * whole fronts while they fit and fills the rest from the next front by crowding distance.
 * With `limit`, the ranking stops after the front that reaches `limit` indices.
 */
export function rankByNonDominationAndCrowding(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
  limit = points.length,
): number[] {
  return rankFrontsBy(points, directions, limit, (front) => crowdingDistance(front.map((i) => points[i]), directions));
}

/** Promotion by non-dominated rank, ties broken by crowding distance (SMAC3's SuccessiveHalving, NSGA-II). */
export class NonDominatedCrowdingPromotion implements PromotionStrategy {
  readonly name = 'nds-crowding';
  rank(points: readonly (readonly number[])[], directions: readonly Direction[], _rng?: Rng, limit?: number): number[] {
    return rankByNonDominationAndCrowding(points, directions, limit);
  }
}

/**
 * The ranking of `rankByNonDominationAndCrowding`, kept up to date as points are added one at a time (ASHA's
 * rungs grow by one result per decision). A point's front is the length of the longest chain of points dominating
 * it; adding p can only push down points p dominates, so only those are re-examined, and only fronts whose members
 * changed get their crowding distances recomputed. Gives exactly the full ranking (tested against it).
 */
export class IncrementalNonDominatedRanking {
  private readonly signs: number[];
  /** Minimised copies (maximised objectives negated) for dominance; `raw` as given, for crowding distances. */
  private readonly points: number[][] = [];
  private readonly raw: (readonly number[])[] = [];
  private readonly frontOf: number[] = [];
  /** Members of each front, ascending (as nonDominatedSort returns them). */
  private readonly fronts: number[][] = [];
  /** Each front's members ordered by crowding distance, while still valid. */
  private readonly ordered: (number[] | undefined)[] = [];

  constructor(private readonly directions: readonly Direction[]) {
    this.signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
  }

  get size(): number {
    return this.points.length;
  }

  add(point: readonly number[]): void {
    const p = this.points.length;
    const q = point.map((v, k) => v * this.signs[k]);
    let front = 0;
    for (let i = 0; i < p; i++) if (this.frontOf[i] >= front && dominatesMinimised(this.points[i], q)) front = this.frontOf[i] + 1;
    this.points.push(q);
    this.raw.push([...point]);
    this.frontOf.push(-1);
    this.moveTo(p, front);
    // Points p dominates, dominators before dominated (lexicographic order), pushed below any changed dominator.
    const below: number[] = [];
    for (let i = 0; i < p; i++) if (dominatesMinimised(q, this.points[i])) below.push(i);
    if (below.length === 0) return;
    below.sort((a, b) => compareLexicographic(this.points[a], this.points[b]) || a - b);
    const changed = [p];
    for (const y of below) {
      let needed = this.frontOf[y];
      for (const x of changed) if (this.frontOf[x] >= needed && dominatesMinimised(this.points[x], this.points[y])) needed = this.frontOf[x] + 1;
      if (needed > this.frontOf[y]) {
        this.moveTo(y, needed);
        changed.push(y);
      }
    }
  }

  /** At least the first `limit` indices of the ranking (whole fronts), best first. */
  ranking(limit = this.points.length): number[] {
    const order: number[] = [];
    for (let f = 0; f < this.fronts.length && order.length < limit; f++) {
      let members = this.ordered[f];
      if (!members) {
        const front = this.fronts[f];
        const distances = crowdingDistance(front.map((i) => this.raw[i]), this.directions);
        const positions = front.map((_, j) => j);
        positions.sort((a, b) => compareDescending(distances[a], distances[b]) || front[a] - front[b]);
        members = positions.map((j) => front[j]);
        this.ordered[f] = members;
      }
      for (const i of members) order.push(i);
    }
    return order;
  }

  private moveTo(index: number, front: number): void {
    const old = this.frontOf[index];
    if (old >= 0) {
      const members = this.fronts[old];
      members.splice(members.indexOf(index), 1);
      this.ordered[old] = undefined;
    }
    while (this.fronts.length <= front) {
      this.fronts.push([]);
      this.ordered.push(undefined);
    }
    const members = this.fronts[front];
    let at = members.length;
    while (at > 0 && members[at - 1] > index) at--;
    members.splice(at, 0, index);
    this.ordered[front] = undefined;
    this.frontOf[index] = front;
  }
}


function compareLexicographic(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}
