import type { Configuration, Rng } from '../../../space/types.js';
import type { Space } from '../../../space/index.js';

/** An acquisition score: higher `value` is better; ties go to the lower predicted `mean`. */
export interface AcquisitionScore {
  value: number;
  mean: number;
}

/** Scores a batch of configurations at once (one forest prediction per batch). */
export type AcquisitionFunction = (configs: readonly Configuration[]) => AcquisitionScore[];

/** Settings of SMAC3's `LocalAndSortedRandomSearch`, scaled down so that a proposal stays cheap. */
export interface AcquisitionSearchOptions {
  /** Random configurations scored per proposal ("sorted random search"). */
  randomSamples: number;
  /** Local searches per proposal, started from the best-scoring known configurations. */
  localSearchStarts: number;
  /** Hill-climbing steps per local search at most. */
  maxLocalSearchSteps: number;
}

interface Candidate {
  config: Configuration;
  score: AcquisitionScore;
}

export function isBetter(a: AcquisitionScore, b: AcquisitionScore): boolean {
  return a.value > b.value || (a.value === b.value && a.mean < b.mean);
}

function byScore(a: Candidate, b: Candidate): number {
  if (isBetter(a.score, b.score)) return -1;
  if (isBetter(b.score, a.score)) return 1;
  return 0;
}

function scored(configs: readonly Configuration[], acquisition: AcquisitionFunction): Candidate[] {
  if (configs.length === 0) return [];
  const scores = acquisition(configs);
  return configs.map((config, i) => ({ config, score: scores[i] }));
}

/**
 * Maximises an acquisition function like SMAC3's LocalAndSortedRandomSearch: scores random samples,
 * hill-climbs the one-exchange neighbourhood (steepest ascent, until no neighbour is better) from the
 * best `localSearchStarts` of the known and random configurations, then returns every candidate
 * found, best first. The caller picks the first one it has not evaluated yet.
 */
export function searchAcquisition(
  space: Space,
  acquisition: AcquisitionFunction,
  known: readonly Configuration[],
  rng: Rng,
  options: AcquisitionSearchOptions,
): Configuration[] {
  const random = scored(Array.from({ length: options.randomSamples }, () => space.sampleWith(rng)), acquisition);
  const knownScored = scored(known, acquisition).sort(byScore);
  // Starts: the best known configurations, topped up with the best random ones (SMAC3's rule).
  const starts = knownScored.slice(0, options.localSearchStarts);
  if (starts.length < options.localSearchStarts) {
    const topRandom = [...random].sort(byScore);
    starts.push(...topRandom.slice(0, options.localSearchStarts - starts.length));
  }
  const local: Candidate[] = [];
  for (const start of starts) local.push(hillClimb(space, acquisition, start, rng, options.maxLocalSearchSteps));
  // Local-search results first so that they win ties against random samples.
  const all = [...local, ...random].sort(byScore);
  return all.map((c) => c.config);
}

function hillClimb(space: Space, acquisition: AcquisitionFunction, start: Candidate, rng: Rng, maxSteps: number): Candidate {
  let current = start;
  for (let step = 0; step < maxSteps; step++) {
    const neighbours = scored(space.neighbours(current.config, rng), acquisition);
    let best: Candidate | undefined;
    for (const n of neighbours) if (!best || isBetter(n.score, best.score)) best = n;
    if (!best || !isBetter(best.score, current.score)) break;
    current = best;
  }
  return current;
}
