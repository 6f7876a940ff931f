import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { rankByIdentity, rankByIdentityGalleryProbe, selectRankableImages } from '../../lib/fairness/index.js';

const atAngle = (degrees: number): number[] => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

/** Reference rank_by_id: sort the other images by L2 distance (own identity first among equal distances) and walk. */
function walkRanks(embeddings: number[][], identities: readonly (string | number)[], gallery = embeddings, galleryIds = identities, leaveOneOut = true): number[] {
  const unit = (v: number[]): number[] => v.map((x) => x / Math.hypot(...v));
  const g = gallery.map(unit);
  return embeddings.map((raw, i) => {
    const q = unit(raw);
    const others = g
      .map((e, j) => ({ j, d: Math.hypot(...e.map((x, k) => x - q[k])), own: galleryIds[j] === identities[i] }))
      .filter((o) => !(leaveOneOut && o.j === i))
      .sort((a, b) => a.d - b.d || Number(b.own) - Number(a.own));
    const met = new Set<string | number>();
    for (const o of others) {
      if (o.own) return met.size;
      met.add(galleryIds[o.j]);
    }
    throw new Error('no own image');
  });
}

function randomSet(seed: string, count: number, dim: number, identityCount: number): { embeddings: number[][]; identities: number[] } {
  const rng = seedrandom(seed);
  const centres = Array.from({ length: identityCount }, () => Array.from({ length: dim }, () => rng() * 2 - 1));
  const identities = Array.from({ length: count }, (_, i) => (i < 2 * identityCount ? i % identityCount : Math.floor(rng() * identityCount)));
  const embeddings = identities.map((id) => centres[id].map((c) => c + (rng() * 2 - 1) * 0.9));
  return { embeddings, identities };
}

describe('fairness/rankByIdentity', () => {
  it('counts distinct other identities met before the nearest own image (hand-made angles)', () => {
    const angles = [0, 10, 5, 90, 3, 180, 45, 46];
    const identities = ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D'];
    // e.g. image 3 (B at 90 deg): own image at 85 deg; A at 10 (80 deg) and D at 45/46 are closer -> 2.
    expect(rankByIdentity({ embeddings: angles.map(atAngle), identities })).to.deep.equal([2, 2, 3, 2, 3, 3, 0, 0]);
  });

  it('does not count another identity at exactly the distance of the nearest own image', () => {
    // Every query has its own image and another identity both at distance sqrt(2) (dot product exactly 0).
    const embeddings = [[1, 0], [0, 1], [0, -1], [-1, 0]];
    expect(rankByIdentity({ embeddings, identities: ['x', 'x', 'y', 'y'] })).to.deep.equal([0, 0, 0, 0]);
    // Strictly closer does count: move y's first image towards x's first.
    expect(rankByIdentity({ embeddings: [[1, 0], [0, 1], [1, -0.9], [-1, 0]], identities: ['x', 'x', 'y', 'y'] })[0]).to.equal(1);
  });

  it('L2-normalises: scaling an embedding changes nothing; flat Float32Array input gives the same ranks', () => {
    const { embeddings, identities } = randomSet('scale', 40, 5, 8);
    const expected = rankByIdentity({ embeddings, identities });
    const scaled = embeddings.map((e, i) => e.map((x) => x * (1 + i)));
    expect(rankByIdentity({ embeddings: scaled, identities })).to.deep.equal(expected);
    const flat = Float64Array.from(embeddings.flat());
    expect(rankByIdentity({ embeddings: flat, dim: 5, identities })).to.deep.equal(expected);
    const flat32 = Float32Array.from(embeddings.flat());
    const rounded = Array.from({ length: 40 }, (_, i) => Array.from(flat32.subarray(i * 5, i * 5 + 5)));
    expect(rankByIdentity({ embeddings: flat32, dim: 5, identities })).to.deep.equal(rankByIdentity({ embeddings: rounded, identities }));
  });

  it('agrees with a sort-and-walk reference on random sets, whatever the block size', () => {
    for (let trial = 0; trial < 6; trial++) {
      const { embeddings, identities } = randomSet(`walk-${trial}`, 30 + trial * 7, 3 + trial, 4 + trial * 2);
      const expected = walkRanks(embeddings, identities);
      for (const blockSize of [1, 3, 7, 64]) {
        expect(rankByIdentity({ embeddings, identities, blockSize }), `trial ${trial}, block ${blockSize}`).to.deep.equal(expected);
      }
    }
  });

  it('agrees with the reference walk on a 128-d set spanning several cache tiles with ragged edges', () => {
    const { embeddings, identities } = randomSet('tiles', 301, 128, 60);
    expect(rankByIdentity({ embeddings, identities, blockSize: 23 })).to.deep.equal(walkRanks(embeddings, identities));
  });

  it('accepts similarity blocks computed elsewhere and checks their size', () => {
    const { embeddings, identities } = randomSet('hook', 25, 4, 5);
    const unit = embeddings.map((v) => v.map((x) => x / Math.hypot(...v)));
    const calls: [number, number][] = [];
    const similarityBlock = (start: number, end: number): Float32Array => {
      calls.push([start, end]);
      const out = new Float32Array((end - start) * unit.length);
      for (let i = start; i < end; i++) unit.forEach((g, j) => (out[(i - start) * unit.length + j] = g.reduce((s, x, k) => s + x * unit[i][k], 0)));
      return out;
    };
    expect(rankByIdentity({ embeddings, identities, blockSize: 10, similarityBlock })).to.deep.equal(walkRanks(embeddings, identities));
    expect(calls).to.deep.equal([[0, 10], [10, 20], [20, 25]]);
    expect(() => rankByIdentity({ embeddings, identities, similarityBlock: () => new Float32Array(3) })).to.throw(/similarityBlock\(0, 25\) must return 625/);
  });

  it('rejects bad input with one clear error', () => {
    expect(() => rankByIdentity({ embeddings: [[1, 0], [0, 1]], identities: ['a'] })).to.throw(/identities has 1 labels but embeddings has 2 images/);
    expect(() => rankByIdentity({ embeddings: [[1, 0], [0, 1], [1, 1]], identities: ['a', 'a', 'b'] })).to.throw(/identity "b" \(image 2\) has no other image/);
    expect(() => rankByIdentity({ embeddings: [[1, 0], [NaN, 1]], identities: ['a', 'a'] })).to.throw(/embeddings of image 1 has a non-finite value at position 0/);
    expect(() => rankByIdentity({ embeddings: [[1, 0], [0, 0]], identities: ['a', 'a'] })).to.throw(/image 1 is all zeros/);
    expect(() => rankByIdentity({ embeddings: new Float32Array(6), identities: ['a', 'a'] })).to.throw(/dim must be a positive integer/);
    expect(() => rankByIdentity({ embeddings: new Float32Array(7), dim: 3, identities: ['a', 'a'] })).to.throw(/7 values, not a multiple of dim = 3/);
    expect(() => rankByIdentity({ embeddings: [[1, 0], [0, 1, 2]], identities: ['a', 'a'] })).to.throw(/embeddings\[1\] has 3 values/);
    expect(() => rankByIdentity({ embeddings: [[1, 0], [0, 1]], identities: ['a', 'a'], blockSize: 0 })).to.throw(/blockSize must be a positive integer/);
  });

  it('selectRankableImages keeps the images whose identity has another image', () => {
    expect(selectRankableImages(['a', 'b', 'a', 'c', 7, 7])).to.deep.equal([0, 2, 4, 5]);
  });
});

describe('fairness/rankByIdentityGalleryProbe', () => {
  it('ranks probes against the gallery only (hand-made angles)', () => {
    const gallery = { embeddings: [0, 20, 40, 60].map(atAngle), identities: ['A', 'B', 'C', 'D'] };
    // Probe A at 35 deg: own at 35 deg away; C (5), B (15) and D (25) are closer -> 3. Probe C at 41 deg -> 0.
    // Probe D at 33 deg: own at 27 deg; C (7) and B (13) are closer, A (33) is not -> 2.
    const probes = { embeddings: [35, 41, 33].map(atAngle), identities: ['A', 'C', 'D'] };
    expect(rankByIdentityGalleryProbe({ gallery, probes })).to.deep.equal([3, 0, 2]);
  });

  it('agrees with the reference walk on random identity-disjoint splits and rejects unknown probe identities', () => {
    const { embeddings, identities } = randomSet('gp', 60, 6, 10);
    const galleryIdx = identities.map((_, i) => i).filter((i) => i % 3 === 0 || i < 10);
    const probeIdx = identities.map((_, i) => i).filter((i) => !galleryIdx.includes(i));
    const gallery = { embeddings: galleryIdx.map((i) => embeddings[i]), identities: galleryIdx.map((i) => identities[i]) };
    const probes = { embeddings: probeIdx.map((i) => embeddings[i]), identities: probeIdx.map((i) => identities[i]) };
    expect(rankByIdentityGalleryProbe({ gallery, probes, blockSize: 5 })).to.deep.equal(
      walkRanks(probes.embeddings, probes.identities, gallery.embeddings, gallery.identities, false),
    );
    expect(() => rankByIdentityGalleryProbe({ gallery, probes: { embeddings: [[1, 2, 3, 4, 5, 6]], identities: [99] } })).to.throw(/probes.identities\[0\] = 99 has no image in the gallery/);
    expect(() => rankByIdentityGalleryProbe({ gallery, probes: { embeddings: [[1, 2]], identities: [1] } })).to.throw(/probes.embeddings have 2 values per image but gallery.embeddings have 6/);
  });
});
