import type { Direction, MinimisedPoints } from './types.js';
import { toMinimised } from './validate.js';
import { frontRanks } from './sort.js';

/** Validates an approximation set and a reference front of the same number of objectives (both minimised). */
function pairOfSets(
  points: readonly (readonly number[])[],
  referenceFront: readonly (readonly number[])[],
  directions: readonly Direction[] | undefined,
): { approximation: MinimisedPoints; reference: MinimisedPoints } {
  const reference = toMinimised(referenceFront, directions, 'referenceFront');
  if (reference.count === 0) throw new RangeError('referenceFront must contain at least one point');
  const approximation = toMinimised(points, directions);
  if (approximation.count > 0 && approximation.objectives !== reference.objectives) {
    throw new RangeError(`points have ${approximation.objectives} objectives but referenceFront has ${reference.objectives}`);
  }
  return { approximation, reference };
}

/**
 * Mean distance to the nearest point of the other set: over the reference front (IGD family, `over: 'reference'`)
 * or over the approximation (GD). `distance` always takes the approximation's point first.
 */
function meanNearestDistance(
  points: readonly (readonly number[])[],
  referenceFront: readonly (readonly number[])[],
  directions: readonly Direction[] | undefined,
  over: 'reference' | 'approximation',
  distance: (a: Float64Array, aBase: number, z: Float64Array, zBase: number, m: number) => number,
): number {
  const { approximation, reference } = pairOfSets(points, referenceFront, directions);
  if (approximation.count === 0) return Infinity;
  const m = reference.objectives;
  const overReference = over === 'reference';
  const outer = overReference ? reference.count : approximation.count;
  const inner = overReference ? approximation.count : reference.count;
  let total = 0;
  for (let o = 0; o < outer; o++) {
    let nearest = Infinity;
    for (let i = 0; i < inner; i++) {
      const a = overReference ? i : o;
      const z = overReference ? o : i;
      nearest = Math.min(nearest, distance(approximation.values, a * m, reference.values, z * m, m));
    }
    total += nearest;
  }
  return total / outer;
}

function euclidean(a: Float64Array, aBase: number, z: Float64Array, zBase: number, m: number): number {
  let sum = 0;
  for (let k = 0; k < m; k++) sum += (a[aBase + k] - z[zBase + k]) ** 2;
  return Math.sqrt(sum);
}

/**
 * Inverted generational distance: IGD(A, Z) = (1/|Z|) * sum over z in Z of min over a in A of ||a - z||.
 * Lower is better; 0 when A contains Z. An empty A gives Infinity.
 */
export function igd(points: readonly (readonly number[])[], referenceFront: readonly (readonly number[])[], directions?: readonly Direction[]): number {
  return meanNearestDistance(points, referenceFront, directions, 'reference', euclidean);
}

/**
 * IGD+ (Ishibuchi et al., 2015): like IGD but only the amounts by which a is worse than z count,
 * d+(a, z) = sqrt(sum_k max(a_k - z_k, 0)^2) in minimisation, which makes it weakly Pareto compliant.
 * An empty A gives Infinity.
 */
export function igdPlus(points: readonly (readonly number[])[], referenceFront: readonly (readonly number[])[], directions?: readonly Direction[]): number {
  return meanNearestDistance(points, referenceFront, directions, 'reference', (a, aBase, z, zBase, m) => {
    let sum = 0;
    for (let k = 0; k < m; k++) sum += Math.max(a[aBase + k] - z[zBase + k], 0) ** 2;
    return Math.sqrt(sum);
  });
}

/**
 * Generational distance GD(A, Z) = (1/|A|) * sum over a in A of min over z in Z of ||a - z|| (the plain
 * mean, GD_1). An empty A gives Infinity.
 */
export function generationalDistance(
  points: readonly (readonly number[])[],
  referenceFront: readonly (readonly number[])[],
  directions?: readonly Direction[],
): number {
  return meanNearestDistance(points, referenceFront, directions, 'approximation', euclidean);
}

/**
 * Additive epsilon indicator (Zitzler et al., 2003): the smallest eps such that every z in Z is weakly
 * dominated by some a in A shifted by -eps, i.e. max over z of min over a of max over k of (a_k - z_k)
 * in minimisation (for a maximised objective, z_k - a_k). Zero or negative when A weakly dominates Z.
 * An empty A gives Infinity.
 */
export function epsilonAdditive(
  points: readonly (readonly number[])[],
  referenceFront: readonly (readonly number[])[],
  directions?: readonly Direction[],
): number {
  const { approximation, reference } = pairOfSets(points, referenceFront, directions);
  if (approximation.count === 0) return Infinity;
  const m = reference.objectives;
  let worst = -Infinity;
  for (let r = 0; r < reference.count; r++) {
    let best = Infinity;
    for (let a = 0; a < approximation.count; a++) {
      let shift = -Infinity;
      for (let k = 0; k < m; k++) shift = Math.max(shift, approximation.values[a * m + k] - reference.values[r * m + k]);
      best = Math.min(best, shift);
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

/**
 * Knee of the Pareto front: among the non-dominated points, the one with the smallest sum of objectives
 * after min-max normalisation over the front (objectives with a single value count 0). With two objectives
 * the normalised extremes are (0, 1) and (1, 0), so this is the point farthest below the line joining
 * the extremes (Das, 1999; Branke et al., 2004). Ties go to the lowest index; an empty set gives undefined.
 */
export function kneePoint(points: readonly (readonly number[])[], directions?: readonly Direction[]): number | undefined {
  const set = toMinimised(points, directions);
  if (set.count === 0) return undefined;
  const { objectives: m, values } = set;
  const ranks = frontRanks(set);
  const front = Array.from(ranks.keys()).filter((i) => ranks[i] === 0);
  const low = new Float64Array(m).fill(Infinity);
  const high = new Float64Array(m).fill(-Infinity);
  for (const i of front) {
    for (let k = 0; k < m; k++) {
      low[k] = Math.min(low[k], values[i * m + k]);
      high[k] = Math.max(high[k], values[i * m + k]);
    }
  }
  let knee = front[0];
  let bestScore = Infinity;
  for (const i of front) {
    let score = 0;
    for (let k = 0; k < m; k++) if (high[k] > low[k]) score += (values[i * m + k] - low[k]) / (high[k] - low[k]);
    if (score < bestScore) {
      bestScore = score;
      knee = i;
    }
  }
  return knee;
}

/**
 * Empirical attainment function at `goal`: the share of runs (approximation sets) in which some point
 * weakly dominates the goal (is no worse in every objective). An empty list of runs is an error.
 */
export function empiricalAttainment(
  runs: readonly (readonly (readonly number[])[])[],
  goal: readonly number[],
  directions?: readonly Direction[],
): number {
  if (!Array.isArray(runs) || runs.length === 0) throw new RangeError('runs must contain at least one approximation set');
  const target = toMinimised([goal], directions, 'goal');
  const m = target.objectives;
  let attained = 0;
  runs.forEach((run, r) => {
    const set = toMinimised(run, directions, `runs[${r}]`);
    if (set.count > 0 && set.objectives !== m) throw new RangeError(`runs[${r}] has ${set.objectives} objectives but goal has ${m}`);
    for (let i = 0; i < set.count; i++) {
      let weaklyBetter = true;
      for (let k = 0; k < m && weaklyBetter; k++) if (set.values[i * m + k] > target.values[k]) weaklyBetter = false;
      if (weaklyBetter) {
        attained++;
        return;
      }
    }
  });
  return attained / runs.length;
}
