import { isFeasible } from '../constraints.js';
import type { Configuration, Rng } from '../../space/types.js';
import type { Space } from '../../space/index.js';
import type { ProposalContext, Proposer, Trial } from '../types.js';
import { crowdingDistance, nonDominatedSort } from '../../pareto/index.js';
import { randomUnseen } from './random-forest/random-design.js';

/** Settings of the NSGA-II proposer (Deb et al. 2002, with pymoo's / Syne Tune's usual operator settings). */
export interface Nsga2ProposerOptions {
  /** Survivors kept as parents; the first this many configurations are random (default 20). */
  populationSize?: number;
  /** Probability of simulated binary crossover (SBX) for a child (default 0.9). */
  crossoverProbability?: number;
  /** SBX distribution index: larger keeps children closer to their parents (default 15). */
  crossoverEta?: number;
  /** Probability of polynomial mutation per encoded dimension (default 1/dimension). */
  mutationProbability?: number;
  /** Polynomial mutation distribution index (default 20). */
  mutationEta?: number;
}

interface Member {
  config: Configuration;
  vector: number[];
  rank: number;
  crowding: number;
}

const CHILD_RETRIES = 20;

/**
 * Steady-state NSGA-II as a proposer, for full-fidelity search: the population is the NSGA-II
 * environmental selection (non-dominated rank, then crowding distance) of every ok result at the
 * study's maximum budget; each proposal is one child of two binary-tournament parents, made by SBX
 * crossover and polynomial mutation on encoded vectors and decoded back. Lower budgets are ignored.
 */
export class Nsga2Proposer implements Proposer {
  readonly name = 'nsga2';
  readonly options: Required<Omit<Nsga2ProposerOptions, 'mutationProbability'>> & { mutationProbability?: number };

  constructor(options: Nsga2ProposerOptions = {}) {
    const { populationSize = 20, crossoverProbability = 0.9, crossoverEta = 15, mutationProbability, mutationEta = 20 } = options;
    if (!Number.isInteger(populationSize) || populationSize < 2) throw new Error(`Nsga2Proposer: populationSize must be an integer >= 2, got ${populationSize}`);
    if (!(crossoverProbability >= 0 && crossoverProbability <= 1)) throw new Error(`Nsga2Proposer: crossoverProbability must be in [0, 1], got ${crossoverProbability}`);
    if (mutationProbability !== undefined && !(mutationProbability >= 0 && mutationProbability <= 1)) {
      throw new Error(`Nsga2Proposer: mutationProbability must be in [0, 1], got ${mutationProbability}`);
    }
    if (!(crossoverEta >= 0) || !(mutationEta >= 0)) throw new Error('Nsga2Proposer: crossoverEta and mutationEta must be >= 0');
    this.options = { populationSize, crossoverProbability, crossoverEta, mutationProbability, mutationEta };
  }

  propose(context: ProposalContext): Configuration {
    const { space, history, pending, rng } = context;
    const taken = new Set<string>(history.map((t) => t.configId));
    for (const config of pending) taken.add(space.configId(config));
    const population = this.population(context);
    if (population.length < this.options.populationSize) return randomUnseen(space, rng, taken);

    for (let attempt = 0; attempt < CHILD_RETRIES; attempt++) {
      const a = tournament(population, rng);
      const b = tournament(population, rng);
      const child = this.child(space, a, b, rng);
      if (child && !taken.has(space.configId(child))) return child;
    }
    return randomUnseen(space, rng, taken);
  }

  /** NSGA-II survivors among the ok results at the maximum budget, with their rank and crowding. */
  private population(context: ProposalContext): Member[] {
    const { space, objectives, history, fidelity } = context;
    const latest = new Map<string, Trial>();
    for (const t of history) {
      // Only feasible results are parents (infeasible ones are dominated by every feasible one).
      if (t.budget === fidelity.max && t.status === 'ok' && isFeasible(t) && objectives.every((o) => Number.isFinite(t.values[o.name]))) latest.set(t.configId, t);
    }
    const trials = [...latest.values()];
    const points = trials.map((t) => objectives.map((o) => t.values[o.name]));
    const directions = objectives.map((o) => o.direction);
    const survivors: Member[] = [];
    const fronts = nonDominatedSort(points, directions);
    for (let rank = 0; rank < fronts.length && survivors.length < this.options.populationSize; rank++) {
      const front = fronts[rank];
      const crowding = crowdingDistance(front.map((i) => points[i]), directions);
      const members = front.map((i, k) => ({ config: trials[i].config, vector: space.encode(trials[i].config), rank, crowding: crowding[k] }));
      // The last front that does not fit whole keeps its least crowded members.
      if (survivors.length + members.length > this.options.populationSize) members.sort((p, q) => q.crowding - p.crowding);
      survivors.push(...members.slice(0, this.options.populationSize - survivors.length));
    }
    return survivors;
  }

  /** One child of SBX + polynomial mutation, or undefined when the decoded vector is not a valid configuration. */
  private child(space: Space, a: Member, b: Member, rng: Rng): Configuration | undefined {
    const d = a.vector.length;
    const x = [...a.vector];
    const { crossoverEta, mutationEta } = this.options;
    if (rng() < this.options.crossoverProbability) {
      const takeSecond = rng() < 0.5;
      for (let i = 0; i < d; i++) {
        const p = a.vector[i];
        const q = b.vector[i];
        if (Number.isNaN(p) || Number.isNaN(q)) {
          // A dimension inactive in one parent: inherit it whole from either parent.
          x[i] = rng() < 0.5 ? p : q;
          continue;
        }
        if (rng() >= 0.5 || Math.abs(p - q) < 1e-14) {
          x[i] = takeSecond ? q : p;
          continue;
        }
        const [c1, c2] = sbxPair(Math.min(p, q), Math.max(p, q), crossoverEta, rng);
        x[i] = takeSecond ? c2 : c1;
      }
    }
    const pm = this.options.mutationProbability ?? 1 / Math.max(d, 1);
    for (let i = 0; i < d; i++) if (!Number.isNaN(x[i]) && rng() < pm) x[i] = polynomialMutation(x[i], mutationEta, rng);
    try {
      const config = space.decode(x.map((v) => (Number.isNaN(v) ? v : Math.min(1, Math.max(0, v)))));
      return space.isValid(config) ? config : undefined;
    } catch {
      return undefined;
    }
  }
}

function better(p: Member, q: Member): boolean {
  return p.rank < q.rank || (p.rank === q.rank && p.crowding > q.crowding);
}

/** Binary tournament on (rank, crowding distance). */
function tournament(population: readonly Member[], rng: Rng): Member {
  const p = population[Math.floor(rng() * population.length)];
  const q = population[Math.floor(rng() * population.length)];
  return better(q, p) ? q : p;
}

/** Bounded SBX of y1 <= y2 in [0, 1] (Deb & Agrawal; pymoo's formulation). */
function sbxPair(y1: number, y2: number, eta: number, rng: Rng): [number, number] {
  const u = rng();
  const spread = y2 - y1;
  const child = (beta: number, sign: 1 | -1): number => {
    const alpha = 2 - beta ** -(eta + 1);
    const betaq = u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
    return 0.5 * (y1 + y2 + sign * betaq * spread);
  };
  const c1 = child(1 + (2 * y1) / spread, -1);
  const c2 = child(1 + (2 * (1 - y2)) / spread, 1);
  return rng() < 0.5 ? [c1, c2] : [c2, c1];
}

/** Bounded polynomial mutation of y in [0, 1] (Deb & Goyal). */
function polynomialMutation(y: number, eta: number, rng: Rng): number {
  const u = rng();
  const power = 1 / (eta + 1);
  let delta: number;
  if (u < 0.5) {
    const xy = 1 - y;
    delta = (2 * u + (1 - 2 * u) * xy ** (eta + 1)) ** power - 1;
  } else {
    const xy = y;
    delta = 1 - (2 * (1 - u) + 2 * (u - 0.5) * xy ** (eta + 1)) ** power;
  }
  return Math.min(1, Math.max(0, y + delta));
}
