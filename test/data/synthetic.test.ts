import { expect } from 'chai';
import { ImageCache, loadFaceDataset, syntheticFaces, type FaceDataset } from '../../lib/data/index.js';

/** Leave-one-out rank-1 accuracy per group of a nearest-neighbour classifier on raw pixels. */
async function nearestNeighbourAccuracy(dataset: FaceDataset, size: number): Promise<number[]> {
  const cache = new ImageCache(0);
  const pixels = await Promise.all(dataset.items.map((_, index) => dataset.readPixels(index, { size, cache })));
  const correct = dataset.groups.map(() => 0);
  const total = dataset.groups.map(() => 0);
  for (let i = 0; i < pixels.length; i++) {
    let nearest = -1;
    let nearestDistance = Infinity;
    for (let j = 0; j < pixels.length; j++) {
      if (i === j) continue;
      let distance = 0;
      for (let k = 0; k < pixels[i].length; k++) distance += (pixels[i][k] - pixels[j][k]) ** 2;
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = j;
      }
    }
    const group = dataset.items[i].groupIndex;
    total[group]++;
    if (dataset.items[nearest].identityIndex === dataset.items[i].identityIndex) correct[group]++;
  }
  return correct.map((count, group) => count / total[group]);
}

describe('data: synthetic faces', () => {
  it('has the asked identities, images and balanced groups', () => {
    const dataset = syntheticFaces({ identities: 6, imagesPerIdentity: 4, groups: ['a', 'b', 'c'] });
    expect(dataset.size).to.equal(24);
    expect(dataset.identities).to.have.length(6);
    expect(dataset.groups).to.deep.equal(['a', 'b', 'c']);
    expect(dataset.groupCounts()).to.deep.equal({ a: { images: 8, identities: 2 }, b: { images: 8, identities: 2 }, c: { images: 8, identities: 2 } });
    expect(dataset.groupAttribute).to.equal('group');
  });

  it('is deterministic per seed and differs between seeds', async () => {
    const options = { size: 16, cache: null };
    const first = await syntheticFaces({ seed: 7 }).readPixels(13, options);
    const again = await syntheticFaces({ seed: 7 }).readPixels(13, options);
    const other = await syntheticFaces({ seed: 8 }).readPixels(13, options);
    expect([...first]).to.deep.equal([...again]);
    expect([...first]).to.not.deep.equal([...other]);
  });

  it('renders at any size, grey or RGB, with images of one identity alike on average', async () => {
    const dataset = syntheticFaces({ identities: 6, imagesPerIdentity: 3 });
    const rgb = await dataset.readPixels(0, { size: 24, channels: 3, cache: null });
    expect(rgb.length).to.equal(24 * 24 * 3);
    const pixels = await Promise.all(dataset.items.map((_, index) => dataset.readPixels(index, { size: 24, cache: null })));
    const distance = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, value, k) => sum + (value - b[k]) ** 2, 0);
    const within: number[] = [];
    const between: number[] = [];
    for (let i = 0; i < pixels.length; i++) {
      for (let j = i + 1; j < pixels.length; j++) {
        expect(distance(pixels[i], pixels[j])).to.be.greaterThan(0);
        (dataset.items[i].identity === dataset.items[j].identity ? within : between).push(distance(pixels[i], pixels[j]));
      }
    }
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(within)).to.be.lessThan(mean(between));
  });

  it('makes one group harder: nearest-neighbour accuracy differs by group, and less so without difficulty', async function () {
    this.timeout(30000);
    const gaps: number[] = [];
    for (const difficulty of [0.5, 0]) {
      const accuracy = await nearestNeighbourAccuracy(syntheticFaces({ seed: 1, difficulty }), 24);
      console.log(`      difficulty ${difficulty}: leave-one-out 1-NN accuracy groupA ${accuracy[0].toFixed(3)}, groupB ${accuracy[1].toFixed(3)}`);
      gaps.push(accuracy[0] - accuracy[1]);
    }
    expect(gaps[0]).to.be.greaterThan(0.15);
    expect(Math.abs(gaps[1])).to.be.lessThan(gaps[0] - 0.1);
  });

  it('is reachable through loadFaceDataset, with options in the spec', async () => {
    const dataset = await loadFaceDataset('synthetic:identities=4,images=3,seed=2,groups=x|y');
    expect(dataset.size).to.equal(12);
    expect(dataset.groups).to.deep.equal(['x', 'y']);
    expect((await loadFaceDataset('synthetic')).size).to.equal(200);
    await loadFaceDataset('synthetic:colour=1').then(
      () => expect.fail('should throw'),
      (error: Error) => expect(error.message).to.match(/unknown synthetic option "colour"/),
    );
  });
});
