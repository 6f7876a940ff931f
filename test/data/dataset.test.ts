import { expect } from 'chai';
import sharp from 'sharp';
import { tf } from '../../lib/backend/tf.js';
import { DataError, FaceDataset, ImageCache, syntheticFaces, type FaceItemInput } from '../../lib/data/index.js';

/** A data set of the given images per identity (no pixels needed for split and filter tests). */
function countsDataset(imagesPerIdentity: number[], groups: string[] = ['f', 'm']): FaceDataset {
  const items: FaceItemInput[] = [];
  imagesPerIdentity.forEach((count, identity) => {
    for (let image = 0; image < count; image++) {
      const group = groups[identity % groups.length];
      items.push({ id: `p${identity}/${image}`, source: { kind: 'bytes', bytes: new Uint8Array(0) }, identity: `p${identity}`, group, attributes: { sex: group } });
    }
  });
  return new FaceDataset({ name: 'counts', items, groupAttribute: 'sex' });
}

function countBy(dataset: FaceDataset): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of dataset.items) counts.set(item.identity, (counts.get(item.identity) ?? 0) + 1);
  return counts;
}

describe('data: FaceDataset', () => {
  it('indexes identities and groups, counts per group', () => {
    const dataset = countsDataset([3, 1, 4, 2]);
    expect(dataset.size).to.equal(10);
    expect(dataset.identities).to.deep.equal(['p0', 'p1', 'p2', 'p3']);
    expect(dataset.groups).to.deep.equal(['f', 'm']);
    expect(dataset.groupCounts()).to.deep.equal({ f: { images: 7, identities: 2 }, m: { images: 3, identities: 2 } });
    expect([...dataset.imagesPerIdentity()]).to.deep.equal([3, 1, 4, 2]);
    expect(dataset.items[4]).to.deep.include({ identity: 'p2', identityIndex: 2, group: 'f', groupIndex: 0 });
    expect(Object.isFrozen(dataset.items[0])).to.equal(true);
  });

  it('rejects an identity in two groups and duplicate ids', () => {
    const source = { kind: 'bytes', bytes: new Uint8Array(0) } as const;
    const items = [
      { id: 'a', source, identity: 'x', group: 'f', attributes: {} },
      { id: 'b', source, identity: 'x', group: 'm', attributes: {} },
    ];
    expect(() => new FaceDataset({ name: 't', items, groupAttribute: 'sex' })).to.throw(DataError, /identity x has images in two groups/);
    expect(() => new FaceDataset({ name: 't', items: [items[0], items[0]], groupAttribute: 'sex' })).to.throw(DataError, /share the id a/);
  });

  describe('split by images', () => {
    const dataset = countsDataset([10, 10, 6, 5, 3, 2, 1, 20]);

    it('keeps >= 1 train image per identity and >= 2 images per identity in each evaluation split', () => {
      const { train, validation, test } = dataset.split(1, { mode: 'images', validation: 0.2, test: 0.2 });
      expect(train.size + validation.size + test.size).to.equal(dataset.size);
      const trainCounts = countBy(train);
      for (const identity of dataset.identities) expect(trainCounts.get(identity), identity).to.be.at.least(1);
      for (const part of [validation, test]) {
        for (const [identity, count] of countBy(part)) {
          expect(count, identity).to.be.at.least(2);
          expect(trainCounts.has(identity)).to.equal(true);
        }
      }
      // 20 images at 0.2 each: 4 validation, 4 test; 3 images: only validation could take 2, and the rule gives up test first.
      expect(countBy(validation).get('p7')).to.equal(4);
      expect(countBy(test).get('p7')).to.equal(4);
      expect(countBy(validation).get('p4')).to.equal(2);
      expect(countBy(test).has('p4')).to.equal(false);
      expect(countBy(validation).has('p5')).to.equal(false);
      const ids = [train, validation, test].flatMap((part) => part.items.map((item) => item.id));
      expect(new Set(ids).size).to.equal(dataset.size);
    });

    it('is the same for the same seed and differs for another', () => {
      const ids = (seed: number): string[] => dataset.split(seed).validation.items.map((item) => item.id);
      expect(ids(3)).to.deep.equal(ids(3));
      expect(ids(3)).to.not.deep.equal(ids(4));
    });

    it('re-indexes identities of each split from 0', () => {
      const { validation } = dataset.split(2);
      expect(Math.max(...validation.items.map((item) => item.identityIndex))).to.equal(validation.identities.length - 1);
      expect(validation.groups).to.deep.equal(dataset.groups);
      const { train } = dataset.split(2);
      const toTrain = validation.identityIndicesIn(train);
      validation.identities.forEach((identity, index) => expect(train.identities[toTrain[index]]).to.equal(identity));
      // p5 (2 images) and p6 (1 image) are too small to be evaluated: train only.
      const toValidation = dataset.identityIndicesIn(validation);
      expect([toValidation[5], toValidation[6]]).to.deep.equal([-1, -1]);
      expect(toValidation[0]).to.be.at.least(0);
    });
  });

  describe('split by identities', () => {
    it('puts whole identities in one split, stratified by group', () => {
      const dataset = countsDataset(Array.from({ length: 20 }, (_, index) => 2 + (index % 4)));
      const { train, validation, test } = dataset.split(5, { mode: 'identities', validation: 0.2, test: 0.2 });
      const seen = [train, validation, test].map((part) => new Set(part.identities));
      for (const identity of dataset.identities) expect(seen.filter((set) => set.has(identity)).length, identity).to.equal(1);
      expect(validation.groupCounts().f.identities).to.equal(2);
      expect(validation.groupCounts().m.identities).to.equal(2);
      expect(test.groupCounts().f.identities).to.equal(2);
      expect(train.identities.length).to.equal(12);
    });

    it('keeps identities with a single image in train (they cannot be evaluated leave-one-out)', () => {
      const dataset = countsDataset([1, 1, 1, 1, 3, 3, 3, 3]);
      const { train, validation } = dataset.split(0, { mode: 'identities', validation: 0.5 });
      for (const identity of ['p0', 'p1', 'p2', 'p3']) expect(train.identities).to.include(identity);
      expect(validation.identities.length).to.equal(2);
    });
  });

  it('uses the official partition when asked and explains when there is none', () => {
    const source = { kind: 'bytes', bytes: new Uint8Array(0) } as const;
    const items: FaceItemInput[] = ['train', 'train', 'validation', 'test'].map((partition, index) => ({
      id: `i${index}`,
      source,
      identity: `p${index}`,
      group: 'g',
      attributes: {},
      partition: partition as 'train' | 'validation' | 'test',
    }));
    const dataset = new FaceDataset({ name: 'official', items, groupAttribute: 'g' });
    const { train, validation, test } = dataset.split(0, { mode: 'official' });
    expect([train.size, validation.size, test.size]).to.deep.equal([2, 1, 1]);
    expect(() => countsDataset([3, 3]).split(0, { mode: 'official' })).to.throw(DataError, /no official partition/);
  });

  it('throws when a split has no images of a group, naming split and group', () => {
    // The only "m" identity has 2 images: too few to give validation 2 and keep 1 in train.
    const dataset = countsDataset([10, 2]);
    expect(() => dataset.split(0, { mode: 'images' })).to.throw(DataError, /validation split with no images of group "m"/);
    expect(dataset.split(0, { mode: 'images', requireAllGroups: false }).validation.groupCounts().m.images).to.equal(0);
  });

  it('filters by images per identity, identity fraction (per group, seeded) and group', () => {
    const dataset = countsDataset([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(dataset.filter({ minImagesPerIdentity: 5 }).identities).to.deep.equal(['p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    const capped = dataset.filter({ maxImagesPerIdentity: 3, seed: 1 });
    expect(Math.max(...capped.imagesPerIdentity())).to.equal(3);
    expect(capped.size).to.equal(1 + 2 + 3 * 8);
    const half = dataset.filter({ identityFraction: 0.4, seed: 2 });
    expect(half.groupCounts().f.identities).to.equal(2);
    expect(half.groupCounts().m.identities).to.equal(2);
    expect(dataset.filter({ identityFraction: 0.4, seed: 2 }).identities).to.deep.equal(half.identities);
    expect(dataset.filter({ groups: ['m'] }).groupCounts().f.images).to.equal(0);
    expect(() => dataset.filter({ groups: ['x'] })).to.throw(DataError, /group "x"/);
  });

  it('reads items given as encoded bytes', async () => {
    const png = async (value: number): Promise<Uint8Array> =>
      sharp(Buffer.alloc(6 * 6, value), { raw: { width: 6, height: 6, channels: 1 } }).png().toBuffer();
    const items: FaceItemInput[] = await Promise.all(
      [10, 200].map(async (value, index) => ({ id: `b${index}`, source: { kind: 'bytes', bytes: await png(value) }, identity: `p${index}`, group: 'g', attributes: {} }) as const),
    );
    const dataset = new FaceDataset({ name: 'bytes', items, groupAttribute: 'g' });
    const batch = await dataset.loadAll({ size: 3, normalize: 'symmetric', cache: new ImageCache() });
    const values = batch.images.dataSync();
    batch.images.dispose();
    expect(values[0]).to.be.closeTo((10 / 255) * 2 - 1, 1e-6);
    expect(values[9]).to.be.closeTo((200 / 255) * 2 - 1, 1e-6);
  });

  describe('batches', () => {
    const dataset = syntheticFaces({ identities: 5, imagesPerIdentity: 3, seed: 3 });

    it('yields every image once per epoch, in [N, H, W, C] tensors with labels', async () => {
      const seen: number[] = [];
      const sizes: number[] = [];
      for await (const batch of dataset.batches({ batchSize: 4, size: 12, channels: 3, shuffleSeed: 1, cache: null })) {
        expect(batch.images.shape.slice(1)).to.deep.equal([12, 12, 3]);
        sizes.push(batch.images.shape[0]);
        const values = batch.images.dataSync();
        expect(Math.min(...values)).to.be.at.least(0);
        expect(Math.max(...values)).to.be.at.most(1);
        batch.indices.forEach((index, position) => {
          expect(batch.identities[position]).to.equal(dataset.items[index].identityIndex);
          expect(batch.groups[position]).to.equal(dataset.items[index].groupIndex);
        });
        seen.push(...batch.indices);
        batch.images.dispose();
      }
      expect(sizes).to.deep.equal([4, 4, 4, 3]);
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(dataset.items.map((_, index) => index));
    });

    it('shuffles by (seed, epoch) and can drop the last partial batch', async () => {
      const order = async (shuffleSeed: number | undefined, epoch: number): Promise<number[]> => {
        const indices: number[] = [];
        for await (const batch of dataset.batches({ batchSize: 4, size: 8, shuffleSeed, epoch, dropLast: true })) {
          indices.push(...batch.indices);
          batch.images.dispose();
        }
        return indices;
      };
      expect(await order(1, 0)).to.have.length(12);
      expect(await order(1, 0)).to.deep.equal(await order(1, 0));
      expect(await order(1, 0)).to.not.deep.equal(await order(1, 1));
      expect(await order(undefined, 0)).to.deep.equal(dataset.items.slice(0, 12).map((_, index) => index));
    });

    it('flips images: all, or a seeded half', async () => {
      const plain = await dataset.loadAll({ size: 8, cache: null });
      const mirrored = await dataset.loadAll({ size: 8, cache: null, flip: true });
      const plainValues = plain.images.arraySync();
      const mirroredValues = mirrored.images.arraySync();
      expect(mirroredValues[0][0]).to.deep.equal([...plainValues[0][0]].reverse());
      plain.images.dispose();
      mirrored.images.dispose();
      let flipped = 0;
      for await (const batch of dataset.batches({ batchSize: 15, size: 8, flip: 'random', shuffleSeed: 4 })) {
        const values = batch.images.arraySync();
        batch.indices.forEach((index, position) => {
          if (JSON.stringify(values[position][0]) !== JSON.stringify(plainValues[index][0])) flipped++;
        });
        batch.images.dispose();
      }
      expect(flipped).to.be.within(3, 12);
    });

    it('decodes once: a second epoch is served from the cache', async () => {
      const cache = new ImageCache(1024 * 1024);
      for (const epoch of [0, 1]) {
        for await (const batch of dataset.batches({ batchSize: 6, size: 10, shuffleSeed: 2, epoch, cache, prefetch: 2 })) batch.images.dispose();
      }
      expect(cache.misses).to.equal(15);
      expect(cache.hits).to.equal(15);
      expect(cache.bytes).to.equal(15 * 100);
    });

    it('leaves no tensors behind when the consumer stops early', async () => {
      const before = tf.memory().numTensors;
      for await (const batch of dataset.batches({ batchSize: 2, size: 8, prefetch: 2 })) {
        batch.images.dispose();
        break;
      }
      expect(tf.memory().numTensors).to.equal(before);
    });
  });
});
