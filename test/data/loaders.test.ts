import { expect } from 'chai';
import { join } from 'node:path';
import { DataError, ImageCache, loadFaceDataset, type FaceDataset } from '../../lib/data/index.js';
import { makeTempDir, removeDir, writeFace, writeImage, greyPattern, writeText } from './fixtures.js';

/** The DataError a promise rejects with (fails the test if it resolves or throws something else). */
async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(DataError);
    return (error as Error).message;
  }
  return expect.fail('expected a DataError');
}

/** Decodes every image of a data set once, through a fresh cache, and checks the batch shapes. */
async function decodeAll(dataset: FaceDataset, size = 8): Promise<void> {
  const batch = await dataset.loadAll({ size, cache: new ImageCache() });
  expect(batch.images.shape).to.deep.equal([dataset.size, size, size, 1]);
  batch.images.dispose();
}

describe('data: loaders on fixture trees', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir('loaders');
  });
  after(() => removeDir(dir));

  describe('folder: (generic layout)', () => {
    let withImagesFolder: string;
    let flat: string;
    before(async () => {
      withImagesFolder = join(dir, 'generic-a');
      const people = { Ann_Lee: 'F', Bob_Ray: 'M', Cy_Dee: 'M', Di_Fox: 'F' };
      let seed = 0;
      for (const [identity] of Object.entries(people)) {
        for (let image = 1; image <= 3; image++) await writeFace(join(withImagesFolder, 'images', identity, `${identity}_000${image}.jpg`), seed++);
      }
      writeText(join(withImagesFolder, 'images', 'Ann_Lee', 'notes.txt'), 'not an image');
      writeText(
        join(withImagesFolder, 'attributes.csv'),
        'identity,perceived_sex,skin_tone\n' + Object.entries(people).map(([identity, sex], index) => `${identity},${sex},${index % 2 ? 'darker' : 'lighter'}`).join('\n') + '\n',
      );
      flat = join(dir, 'generic-b');
      for (const identity of ['x1', 'x2']) for (let image = 0; image < 2; image++) await writeFace(join(flat, identity, `${image}.png`), seed++);
      writeText(join(flat, 'attributes.csv'), 'person,"group, long name"\r\nx1,"a, b"\r\nx2,c\r\n');
    });

    it('reads images/<identity>/ + attributes.csv, grouping by the first attribute column', async () => {
      const dataset = await loadFaceDataset(`folder:${withImagesFolder}`);
      expect(dataset.size).to.equal(12);
      expect(dataset.identities).to.deep.equal(['Ann_Lee', 'Bob_Ray', 'Cy_Dee', 'Di_Fox']);
      expect(dataset.groupAttribute).to.equal('perceived_sex');
      expect(dataset.groupCounts()).to.deep.equal({ F: { images: 6, identities: 2 }, M: { images: 6, identities: 2 } });
      expect(dataset.items[0]).to.deep.include({ id: 'Ann_Lee/Ann_Lee_0001.jpg', identity: 'Ann_Lee', group: 'F' });
      expect(dataset.items[0].attributes).to.deep.equal({ perceived_sex: 'F', skin_tone: 'lighter' });
      expect(dataset.defaultSplitMode).to.equal('images');
      await decodeAll(dataset);
    });

    it('groups by another column when asked', async () => {
      const dataset = await loadFaceDataset(`folder:${withImagesFolder}`, { groupBy: 'skin_tone' });
      expect(dataset.groups).to.deep.equal(['darker', 'lighter']);
      expect(await dataError(loadFaceDataset(`folder:${withImagesFolder}`, { groupBy: 'age' }))).to.match(/attributes\.csv:1: no column "age".*perceived_sex, skin_tone/);
    });

    it('reads <identity>/ folders beside the CSV, with quoted fields and CRLF', async () => {
      const dataset = await loadFaceDataset(`folder:${flat}`);
      expect(dataset.groupAttribute).to.equal('group, long name');
      expect(dataset.groups).to.deep.equal(['a, b', 'c']);
      expect(dataset.size).to.equal(4);
      await decodeAll(dataset);
    });

    it('names the file and line of bad metadata, and the folder of an unlabelled identity', async () => {
      const bad = join(dir, 'generic-bad');
      await writeFace(join(bad, 'p1', '1.jpg'), 1);
      await writeFace(join(bad, 'p2', '1.jpg'), 2);
      const csv = join(bad, 'attributes.csv');
      writeText(csv, 'identity,sex\np1,F\np2,\n');
      expect(await dataError(loadFaceDataset(`folder:${bad}`))).to.equal(`${csv}:3: identity p2 has no sex label (its protected group)`);
      writeText(csv, 'identity,sex\np1,F\np2,M,extra\n');
      expect(await dataError(loadFaceDataset(`folder:${bad}`))).to.match(new RegExp(`${csv}:3: expected 2 fields`));
      writeText(csv, 'identity,sex\np1,"F\n');
      expect(await dataError(loadFaceDataset(`folder:${bad}`))).to.equal(`${csv}:2: a quoted field is never closed`);
      writeText(csv, 'identity,sex\np1,F\n');
      expect(await dataError(loadFaceDataset(`folder:${bad}`))).to.match(/identity folder .*p2 has no row in .*attributes\.csv, so no sex label/);
      writeText(csv, 'identity,sex\np1,F\np2,M\np3,M\n');
      expect(await dataError(loadFaceDataset(`folder:${bad}`))).to.equal(`${csv}:4: identity p3 has no image folder ${join(bad, 'p3')}`);
      expect(await dataError(loadFaceDataset(`folder:${join(dir, 'absent')}`))).to.match(/folder not found: .*absent/);
      expect(await dataError(loadFaceDataset(`folder:${join(bad, 'p1')}`))).to.match(/needs a CSV of identity attributes.*file not found: .*p1.attributes\.csv/);
    });

    it('names an unreadable image when a batch decodes it', async () => {
      const broken = join(dir, 'generic-broken');
      await writeFace(join(broken, 'p1', '1.jpg'), 1);
      writeText(join(broken, 'p1', '2.jpg'), 'garbage');
      writeText(join(broken, 'attributes.csv'), 'identity,sex\np1,F\n');
      const dataset = await loadFaceDataset(`folder:${broken}`);
      expect(await dataError(dataset.loadAll({ size: 8, cache: null }))).to.match(new RegExp(`cannot decode image ${join(broken, 'p1', '2.jpg')}`));
    });
  });

  it('orl: reads s<N>/<k>.pgm with attributes.csv in natural order', async () => {
    const orl = join(dir, 'orl');
    let seed = 0;
    for (const subject of ['s1', 's2', 's10']) for (let image = 1; image <= 3; image++) await writeImage(join(orl, subject, `${image}.pgm`), greyPattern(23, 28, seed++), 23, 28);
    writeText(join(orl, 'attributes.csv'), 'subject,perceived_sex,perceived_skin_tone\ns1,male,lighter\ns2,female,lighter\ns10,male,darker\n');
    writeText(join(orl, 'README'), 'ORL');
    const dataset = await loadFaceDataset(`orl:${orl}`);
    expect(dataset.identities).to.deep.equal(['s1', 's2', 's10']);
    expect(dataset.items.map((item) => item.id).slice(0, 3)).to.deep.equal(['s1/1.pgm', 's1/2.pgm', 's1/3.pgm']);
    expect(dataset.groupCounts()).to.deep.equal({ female: { images: 3, identities: 1 }, male: { images: 6, identities: 2 } });
    await decodeAll(dataset);
  });

  describe('celeba:', () => {
    let celeba: string;
    const writeCelebA = async (root: string): Promise<void> => {
      // 4 identities x 3 images; identity 30 has one image labelled female among two male ones.
      const identities = [10, 20, 30, 40];
      const male = { 10: [-1, -1, -1], 20: [1, 1, 1], 30: [1, -1, 1], 40: [-1, -1, -1] } as Record<number, number[]>;
      const files: string[] = [];
      const attributeRows: string[] = [];
      const identityRows: string[] = [];
      const partitionRows: string[] = [];
      let index = 0;
      for (const identity of identities) {
        for (let image = 0; image < 3; image++) {
          index++;
          const file = `${String(index).padStart(6, '0')}.jpg`;
          files.push(file);
          await writeFace(join(root, 'img_align_celeba', file), index, 18, 22);
          identityRows.push(`${file} ${identity}`);
          attributeRows.push(`${file} ${index % 2 ? ' 1' : '-1'} ${male[identity][image] === 1 ? ' 1' : '-1'} -1`);
          partitionRows.push(`${file} ${image < 2 ? 0 : identity < 30 ? 1 : 2}`);
        }
      }
      writeText(join(root, 'identity_CelebA.txt'), identityRows.join('\n') + '\n');
      writeText(join(root, 'list_attr_celeba.txt'), `${files.length}\n5_o_Clock_Shadow Male Young \n${attributeRows.join('\n')}\n`);
      writeText(join(root, 'list_eval_partition.txt'), partitionRows.join('\n') + '\n');
    };
    before(async () => {
      celeba = join(dir, 'celeba');
      await writeCelebA(celeba);
    });

    it('reads identities, the Male attribute as perceived sex (majority per identity) and the official partition', async () => {
      const dataset = await loadFaceDataset(`celeba:${celeba}`);
      expect(dataset.size).to.equal(12);
      expect(dataset.identities).to.deep.equal(['10', '20', '30', '40']);
      expect(dataset.groupAttribute).to.equal('perceived_sex');
      expect(dataset.groupCounts()).to.deep.equal({ female: { images: 6, identities: 2 }, male: { images: 6, identities: 2 } });
      const oddOne = dataset.items.find((item) => item.id === '000008.jpg');
      expect(oddOne).to.deep.include({ identity: '30', group: 'male' });
      expect(oddOne?.attributes).to.deep.equal({ perceived_sex: 'male', image_Male: '-1' });
      const { train, validation, test } = dataset.split(0, { mode: 'official' });
      expect([train.size, validation.size, test.size]).to.deep.equal([8, 2, 2]);
      expect(test.identities).to.deep.equal(['30', '40']);
      const byImages = dataset.split(0, { validation: 0.3, requireAllGroups: false });
      expect(byImages.validation.size).to.equal(8);
      await decodeAll(dataset);
    });

    it('groups by another attribute when asked', async () => {
      const dataset = await loadFaceDataset(`celeba:${celeba}`, { groupBy: 'Young' });
      expect(dataset.groups).to.deep.equal(['not_Young']);
    });

    it('names file and line of malformed metadata and missing images', async () => {
      const bad = join(dir, 'celeba-bad');
      await writeCelebA(bad);
      const attributes = join(bad, 'list_attr_celeba.txt');
      writeText(attributes, '2\n5_o_Clock_Shadow Male Young\n000001.jpg -1 1 1\n000002.jpg -1 1\n');
      expect(await dataError(loadFaceDataset(`celeba:${bad}`))).to.equal(`${attributes}:4: expected an image name and 3 values, found 3 fields`);
      writeText(attributes, '2\n5_o_Clock_Shadow Male Young\n000001.jpg -1 1 1\n000002.jpg -1 yes 1\n');
      expect(await dataError(loadFaceDataset(`celeba:${bad}`))).to.equal(`${attributes}:4: Male must be 1 or -1, found "yes"`);
      writeText(attributes, '3\n5_o_Clock_Shadow Male Young\n000001.jpg -1 1 1\n000002.jpg -1 1 1\n');
      expect(await dataError(loadFaceDataset(`celeba:${bad}`))).to.equal(`${attributes}:1: declares 3 images but lists 2`);
      writeText(attributes, '2\n5_o_Clock_Shadow Male Young\n000001.jpg -1 1 1\n000002.jpg -1 1 1\n');
      expect(await dataError(loadFaceDataset(`celeba:${bad}`))).to.equal(`${join(bad, 'identity_CelebA.txt')}:3: image 000003.jpg has no row in ${attributes}, so no Male label`);
      writeText(join(bad, 'identity_CelebA.txt'), '000001.jpg 1\n000099.jpg 1\n');
      expect(await dataError(loadFaceDataset(`celeba:${bad}`))).to.equal(`${join(bad, 'identity_CelebA.txt')}:2: image 000099.jpg not found in ${join(bad, 'img_align_celeba')}`);
      expect(await dataError(loadFaceDataset(`celeba:${join(dir, 'orl')}`))).to.match(/folder not found: .*img_align_celeba/);
    });
  });

  describe('vggface2:', () => {
    let vgg: string;
    before(async () => {
      vgg = join(dir, 'vggface2');
      let seed = 0;
      for (const [folder, classId] of [['train', 'n000001'], ['train', 'n000002'], ['train', 'n000003'], ['train', 'n000004'], ['test', 'n000009']]) {
        for (let image = 1; image <= 3; image++) await writeFace(join(vgg, folder, classId, `0${image}01_01.jpg`), seed++);
      }
      writeText(
        join(vgg, 'meta', 'identity_meta.csv'),
        'Class_ID, Name, Sample_Num, Flag, Gender\n' +
          'n000001, "14th_Dalai_Lama", 424, 0, m\n' +
          'n000002, "A, B ""Junior"" Jones", 315, 1, f\n' +
          'n000003, "Carla", 205, 1, f\n' +
          'n000004, "Dan", 405, 1, m\n' +
          'n000009, "Eve", 300, 0, f\n' +
          'n000010, "Not downloaded", 100, 1, m\n',
      );
    });

    it('reads train/ by default with Gender as perceived sex and quoted names', async () => {
      const dataset = await loadFaceDataset(`vggface2:${vgg}`);
      expect(dataset.size).to.equal(12);
      expect(dataset.identities).to.deep.equal(['n000001', 'n000002', 'n000003', 'n000004']);
      expect(dataset.groupCounts()).to.deep.equal({ female: { images: 6, identities: 2 }, male: { images: 6, identities: 2 } });
      expect(dataset.items[3].attributes).to.deep.equal({ perceived_sex: 'female', name: 'A, B "Junior" Jones' });
      expect(dataset.items[0]).to.deep.include({ id: 'train/n000001/0101_01.jpg', partition: 'train' });
      await decodeAll(dataset);
    });

    it('reads train/ and test/ with subset all; official split = the two folders', async () => {
      const dataset = await loadFaceDataset(`vggface2:${vgg}`, { subset: 'all' });
      const { train, validation, test } = dataset.split(0, { mode: 'official', requireAllGroups: false });
      expect([train.size, validation.size, test.size]).to.deep.equal([12, 0, 3]);
      expect(test.identities).to.deep.equal(['n000009']);
    });

    it('names the line of a bad Gender and the folder of an identity missing from the meta file', async () => {
      const bad = join(dir, 'vggface2-bad');
      await writeFace(join(bad, 'train', 'n000001', '1.jpg'), 1);
      await writeFace(join(bad, 'train', 'n000002', '1.jpg'), 2);
      const meta = join(bad, 'meta', 'identity_meta.csv');
      writeText(meta, 'Class_ID, Name, Sample_Num, Flag, Gender\nn000001, "A", 1, 1, m\nn000002, "B", 1, 1, x\n');
      expect(await dataError(loadFaceDataset(`vggface2:${bad}`))).to.equal(`${meta}:3: identity n000002: Gender must be m or f, found "x"`);
      writeText(meta, 'Class_ID, Name, Sample_Num, Flag, Gender\nn000001, "A", 1, 1, m\n');
      expect(await dataError(loadFaceDataset(`vggface2:${bad}`))).to.match(/identity folder .*n000002 has no row in .*identity_meta\.csv, so no Gender label/);
    });
  });

  describe('rfw:', () => {
    let rfw: string;
    before(async () => {
      rfw = join(dir, 'rfw');
      let seed = 0;
      const people: Record<string, string[]> = { African: ['m.0a1', 'm.0a2'], Asian: ['m.0b1', 'm.0b2'], Caucasian: ['m.0c1', 'm.0c2'], Indian: ['m.0d1', 'm.0d2'] };
      for (const [race, identities] of Object.entries(people)) {
        for (const identity of identities) for (let image = 1; image <= 3; image++) await writeFace(join(rfw, 'test', 'data', race, identity, `${identity}_000${image}.jpg`), seed++);
      }
      writeText(join(rfw, 'test', 'txts', 'African', 'African_pairs.txt'), 'm.0a1\t1\t2\nm.0a1\t3\tm.0a2\t1\n');
      writeText(join(rfw, 'test', 'txts', 'Asian', 'Asian_pairs.txt'), '1 2\nm.0b2 1 3\n');
    });

    it('reads race folders as groups and resolves verification pairs', async () => {
      const dataset = await loadFaceDataset(`rfw:${rfw}`);
      expect(dataset.groups).to.deep.equal(['African', 'Asian', 'Caucasian', 'Indian']);
      expect(dataset.groupAttribute).to.equal('race');
      expect(dataset.size).to.equal(24);
      expect(dataset.defaultSplitMode).to.equal('identities');
      expect(dataset.pairs).to.deep.equal([
        { first: 'African/m.0a1/m.0a1_0001.jpg', second: 'African/m.0a1/m.0a1_0002.jpg', same: true, group: 'African' },
        { first: 'African/m.0a1/m.0a1_0003.jpg', second: 'African/m.0a2/m.0a2_0001.jpg', same: false, group: 'African' },
        { first: 'Asian/m.0b2/m.0b2_0001.jpg', second: 'Asian/m.0b2/m.0b2_0003.jpg', same: true, group: 'Asian' },
      ]);
      // The RFW root or its test/ folder both work.
      expect((await loadFaceDataset(`rfw:${join(rfw, 'test')}`)).size).to.equal(24);
      const { train, validation } = dataset.split(3, { validation: 0.5 });
      expect(validation.groupCounts().Indian.identities).to.equal(1);
      expect(train.identities.filter((identity) => validation.identities.includes(identity))).to.deep.equal([]);
      // Pairs stay with the split that holds both images.
      expect(train.pairs.length + validation.pairs.length).to.be.at.most(3);
      await decodeAll(dataset);
    });

    it('names the line of a pair whose image does not exist', async () => {
      const pairs = join(rfw, 'test', 'txts', 'Indian', 'Indian_pairs.txt');
      writeText(pairs, 'm.0d1 1 2\nm.0d1 1 9\n');
      try {
        expect(await dataError(loadFaceDataset(`rfw:${rfw}`))).to.match(new RegExp(`^${pairs}:2: image .*m\\.0d1_0009\\.jpg not found`));
      } finally {
        removeDir(join(rfw, 'test', 'txts', 'Indian'));
      }
    });
  });

  it('loadFaceDataset rejects unknown kinds and specs without a folder', async () => {
    expect(await dataError(loadFaceDataset('imagenet:/x'))).to.match(/unknown data set "imagenet:\/x"; expected one of synthetic, orl:<dir>/);
    expect(await dataError(loadFaceDataset('celeba'))).to.match(/needs a folder: celeba:<dir>/);
  });
});
