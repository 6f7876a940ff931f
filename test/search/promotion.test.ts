import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  HypervolumePromotion,
  IncrementalNonDominatedRanking,
  NonDominatedCrowdingPromotion,
  ParEGOPromotion,
  Study,
  SuccessiveHalving,
  paregoScalarize,
  randomSimplexWeights,
  rankByNonDominationAndCrowding,
  resolvePromotion,
  type Direction,
} from '../../lib/search/index.js';
import { toySpace } from './helpers/toy-space.js';
import { twoObjectives } from './helpers/problems.js';

// A hand-made rung (both objectives minimised), told in this order:
//   front 0: A(1,9) B(2,7) C(3,5) D(6,4) E(9,1)
//   front 1: F(3,8) G(6,6) I(8,5)   (F by B, G and I by C)
//   front 2: H(9,9)
// Crowding distances in front 0 (ranges 8 and 8): A, E infinite;
//   B = (3-1)/8 + (9-5)/8 = 0.75, C = (6-2)/8 + (7-4)/8 = 0.875, D = (9-3)/8 + (5-1)/8 = 1.25.
// Front 1: F and I infinite (boundaries), G finite.
const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'H'];
const POINTS = [[1, 9], [2, 7], [3, 5], [6, 4], [9, 1], [3, 8], [6, 6], [8, 5], [9, 9]];
const MIN: Direction[] = ['minimize', 'minimize'];

const byName = (order: number[]): string[] => order.map((i) => NAMES[i]);

describe('search: multi-objective promotion', () => {
  it('non-dominated rank then crowding distance orders a hand-made rung', () => {
    const order = new NonDominatedCrowdingPromotion().rank(POINTS, MIN);
    expect(byName(order)).to.deep.equal(['A', 'E', 'D', 'C', 'B', 'F', 'I', 'G', 'H']);
  });

  it('keeps whole fronts while they fit, then the most spread points of the next front', () => {
    const rank = new NonDominatedCrowdingPromotion();
    expect(byName(rank.rank(POINTS, MIN).slice(0, 3)).sort()).to.deep.equal(['A', 'D', 'E']);
    expect(byName(rank.rank(POINTS, MIN).slice(0, 7)).sort()).to.deep.equal(['A', 'B', 'C', 'D', 'E', 'F', 'I']);
  });

  it('with a limit, ranks at least that many in the same order as the full ranking', () => {
    const rank = new NonDominatedCrowdingPromotion();
    const full = rank.rank(POINTS, MIN);
    for (let limit = 1; limit <= POINTS.length; limit++) {
      const partial = rank.rank(POINTS, MIN, seedrandom('unused'), limit);
      expect(partial.length).to.be.at.least(limit);
      expect(partial).to.deep.equal(full.slice(0, partial.length));
    }
    expect(rank.rank(POINTS, MIN, seedrandom('unused'), 3)).to.have.length(5); // the whole first front
  });

  it('respects maximised objectives', () => {
    const flipped = POINTS.map(([a, b]) => [a, -b]);
    const order = new NonDominatedCrowdingPromotion().rank(flipped, ['minimize', 'maximize']);
    expect(byName(order)).to.deep.equal(['A', 'E', 'D', 'C', 'B', 'F', 'I', 'G', 'H']);
  });

  it('ParEGO ranks by the Chebyshev score of weights drawn from the given stream', () => {
    const order = new ParEGOPromotion().rank(POINTS, MIN, seedrandom('w'));
    const scores = paregoScalarize(POINTS, MIN, randomSimplexWeights(2, seedrandom('w')));
    const expected = POINTS.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
    expect(order).to.deep.equal(expected);
    expect(new ParEGOPromotion().rank(POINTS, MIN, seedrandom('w'))).to.deep.equal(order);
  });

  it('hypervolume promotion orders each front by exclusive contribution (hand-made rung)', () => {
    // Normalised over the rung (both ranges [1, 9]) with reference 1.1, i.e. (9.8, 9.8) in the rung's units; the
    // contributions in those units (width to the next point right x height to the next point up):
    // front 0: A 1 x 0.8 = 0.8, B 1 x 2 = 2, C 3 x 2 = 6, D 3 x 1 = 3, E 0.8 x 3 = 2.4 -> C D E B A;
    // front 1: F 3 x 1.8 = 5.4, G 2 x 2 = 4, I 1.8 x 1 = 1.8 -> F G I. Crowding put the extremes A and E first.
    const rank = new HypervolumePromotion();
    expect(byName(rank.rank(POINTS, MIN))).to.deep.equal(['C', 'D', 'E', 'B', 'A', 'F', 'G', 'I', 'H']);
    expect(byName(rank.rank(POINTS.map(([a, b]) => [a, -b]), ['minimize', 'maximize']))).to.deep.equal(['C', 'D', 'E', 'B', 'A', 'F', 'G', 'I', 'H']);
    // With a limit, the ranking stops after the front that reaches it.
    expect(byName(rank.rank(POINTS, MIN, seedrandom('unused'), 3))).to.deep.equal(['C', 'D', 'E', 'B', 'A']);
    expect(resolvePromotion('hypervolume')).to.be.instanceOf(HypervolumePromotion);
    expect(() => resolvePromotion('nope' as 'parego')).to.throw(/hypervolume/);
  });

  it('successive halving with hypervolume promotion promotes the largest contributors of a rung', () => {
    const study = Study.inMemory({
      space: toySpace(), objectives: twoObjectives, fidelity: { min: 1, max: 9, eta: 3 }, scheduler: new SuccessiveHalving(), promotion: 'hypervolume',
    });
    const rung0 = POINTS.map(() => study.ask());
    rung0.forEach((t, i) => study.tell(t.id, { values: { error: POINTS[i][0], disparity: POINTS[i][1] } }));
    expect([study.ask(), study.ask(), study.ask()].map((t) => NAMES[t.parentTrialId!])).to.deep.equal(['C', 'D', 'E']);
  });

  it('with one objective every strategy is plain sorting (ties in told order)', () => {
    const values = [[0.4], [0.1], [0.3], [0.1], [0.9]];
    const expected = [1, 3, 2, 0, 4];
    expect(new NonDominatedCrowdingPromotion().rank(values, ['minimize'])).to.deep.equal(expected);
    expect(new ParEGOPromotion().rank(values, ['minimize'], seedrandom('x'))).to.deep.equal(expected);
    expect(new HypervolumePromotion().rank(values, ['minimize'])).to.deep.equal(expected);
    expect(new NonDominatedCrowdingPromotion().rank(values, ['maximize'])).to.deep.equal([4, 0, 2, 1, 3]);
  });

  it('successive halving promotes exactly the non-dominated-then-crowding set of a rung', () => {
    // (min 1, max 9, eta 3): one bracket 9 -> 3 -> 1; rung 0 holds the hand-made points.
    const study = Study.inMemory({
      space: toySpace(),
      objectives: twoObjectives,
      fidelity: { min: 1, max: 9, eta: 3 },
      scheduler: new SuccessiveHalving(),
    });
    const rung0 = POINTS.map(() => study.ask());
    rung0.forEach((t, i) => study.tell(t.id, { values: { error: POINTS[i][0], disparity: POINTS[i][1] } }));
    const promoted = [study.ask(), study.ask(), study.ask()];
    expect(promoted.map((t) => NAMES[t.parentTrialId!])).to.deep.equal(['A', 'E', 'D']);
    for (const t of promoted) {
      expect(t.budget).to.equal(3);
      expect(t.rung).to.equal(1);
      expect(t.config).to.deep.equal(rung0[t.parentTrialId!].config);
    }
  });
});

describe('search: incremental non-dominated ranking (ASHA)', () => {
  for (const [label, directions, levels] of [
    ['two minimised objectives, many ties', ['minimize', 'minimize'], 6],
    ['mixed directions, continuous', ['minimize', 'maximize'], 0],
    ['three objectives', ['minimize', 'maximize', 'minimize'], 5],
  ] as [string, Direction[], number][]) {
    it(`equals the full ranking after every insertion: ${label}`, () => {
      const rng = seedrandom(label);
      const incremental = new IncrementalNonDominatedRanking(directions);
      const points: number[][] = [];
      for (let n = 0; n < 220; n++) {
        const point = directions.map(() => (levels > 0 ? Math.floor(rng() * levels) : rng()));
        points.push(point);
        incremental.add(point);
        const full = rankByNonDominationAndCrowding(points, directions);
        expect(incremental.ranking(), `after ${n + 1} points`).to.deep.equal(full);
        const limit = Math.floor(points.length / 3);
        const partial = incremental.ranking(limit);
        expect(partial.length).to.be.at.least(limit);
        expect(partial).to.deep.equal(full.slice(0, partial.length));
      }
    });
  }
});
