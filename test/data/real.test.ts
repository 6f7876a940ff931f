import { expect } from 'chai';
import { ImageCache, loadFaceDataset } from '../../lib/data/index.js';
import { sharedData } from '../support/shared-data.js';

describe('data: real face sets in ../shared/data', () => {
  it('LFW balanced through folder: 1,407 images, 78 identities, 39 + 39 by perceived sex', async function () {
    const lfw = sharedData('lfw_balanced');
    if (!lfw) {
      console.log('      ../shared/data/lfw_balanced not found: skipping the LFW test');
      this.skip();
    }
    const dataset = await loadFaceDataset(`folder:${lfw}`);
    expect(dataset.size).to.equal(1407);
    expect(dataset.identities).to.have.length(78);
    expect(dataset.groupAttribute).to.equal('perceived_sex');
    expect(dataset.groupCounts()).to.deep.equal({ F: { images: 707, identities: 39 }, M: { images: 700, identities: 39 } });
    // The CSV's n_images column agrees with the files found.
    const perIdentity = dataset.imagesPerIdentity();
    dataset.identities.forEach((identity, index) => {
      const item = dataset.items.find((candidate) => candidate.identityIndex === index);
      expect(Number(item?.attributes.n_images), identity).to.equal(perIdentity[index]);
    });
    const { train, validation } = dataset.split(0);
    expect(train.identities).to.have.length(78);
    expect(validation.identities).to.have.length(78);
    // Every image decodes: streamed in batches at a small size.
    const cache = new ImageCache(0);
    let decoded = 0;
    for await (const batch of dataset.batches({ batchSize: 128, size: 16, centerFraction: 0.5, cache, prefetch: 1 })) {
      expect(batch.images.shape.slice(1)).to.deep.equal([16, 16, 1]);
      decoded += batch.images.shape[0];
      batch.images.dispose();
    }
    expect(decoded).to.equal(1407);
  });

  it('ORL: 400 PGM images, 40 identities, 4 perceived female', async function () {
    const orl = sharedData('orl_faces');
    if (!orl) {
      console.log('      ../shared/data/orl_faces not found: skipping the ORL test');
      this.skip();
    }
    const dataset = await loadFaceDataset(`orl:${orl}`);
    expect(dataset.size).to.equal(400);
    expect(dataset.identities).to.have.length(40);
    expect(dataset.identities.slice(0, 3)).to.deep.equal(['s1', 's2', 's3']);
    expect(dataset.groupCounts()).to.deep.equal({ female: { images: 40, identities: 4 }, male: { images: 360, identities: 36 } });
    const batch = await dataset.loadAll({ size: 32, cache: new ImageCache(0) });
    expect(batch.images.shape).to.deep.equal([400, 32, 32, 1]);
    batch.images.dispose();
    const { validation } = dataset.split(1);
    expect(validation.groupCounts().female.images).to.equal(8);
  });
});
