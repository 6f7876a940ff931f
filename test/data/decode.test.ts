import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, ImageCache, decodeImage, decodePixels, parsePgm, pixelsToFloats } from '../../lib/data/index.js';
import { greyPattern, makeTempDir, removeDir, writeImage, writeText } from './fixtures.js';

describe('data: decoding', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir('decode');
  });
  after(() => removeDir(dir));

  it('parses binary and ASCII PGM, 8- and 16-bit, with comments', () => {
    const binary = parsePgm(Buffer.concat([Buffer.from('P5\n# a comment\n3 2\n255\n'), Buffer.from([0, 10, 20, 30, 40, 255])]), 'a.pgm');
    expect(binary).to.deep.include({ width: 3, height: 2 });
    expect([...binary.pixels]).to.deep.equal([0, 10, 20, 30, 40, 255]);
    const ascii = parsePgm(Buffer.from('P2 2 2 15\n0 15\n# mid\n5 10\n'), 'b.pgm');
    expect([...ascii.pixels]).to.deep.equal([0, 255, 85, 170]);
    const wide = parsePgm(Buffer.concat([Buffer.from('P5 2 1 65535\n'), Buffer.from([0xff, 0xff, 0x80, 0x00])]), 'c.pgm');
    expect([...wide.pixels]).to.deep.equal([255, 128]);
  });

  it('rejects a truncated PGM naming the file', () => {
    expect(() => parsePgm(Buffer.from('P5 4 4 255\n\x01\x02'), 'short.pgm')).to.throw(DataError, /short\.pgm.*truncated/);
  });

  it('decodes JPEG, PNG and PGM files to size x size x channels bytes', async () => {
    const pattern = greyPattern(30, 40, 3);
    for (const name of ['face.jpg', 'face.png', 'face.pgm']) await writeImage(join(dir, name), pattern, 30, 40);
    for (const name of ['face.jpg', 'face.png', 'face.pgm']) {
      const grey = await decodePixels(join(dir, name), { size: 16 });
      expect(grey.length, name).to.equal(16 * 16);
      const rgb = await decodePixels(join(dir, name), { size: 8, channels: 3 });
      expect(rgb.length, name).to.equal(8 * 8 * 3);
      // A grey source gives equal R, G and B.
      expect(rgb[0]).to.equal(rgb[1]);
      expect(rgb[1]).to.equal(rgb[2]);
    }
    // PNG and PGM are lossless: the same resize gives the same pixels.
    const png = await decodePixels(join(dir, 'face.png'), { size: 16 });
    const pgm = await decodePixels(join(dir, 'face.pgm'), { size: 16 });
    expect([...png]).to.deep.equal([...pgm]);
  });

  it('decodes encoded bytes as well as paths, and colour to grey', async () => {
    const rgb = new Uint8Array(10 * 10 * 3);
    for (let i = 0; i < 100; i++) rgb.set([200, 40, 40], i * 3);
    await writeImage(join(dir, 'red.png'), rgb, 10, 10, 3);
    const bytes = readFileSync(join(dir, 'red.png'));
    const colour = await decodePixels(bytes, { size: 4, channels: 3 });
    expect([...colour.subarray(0, 3)]).to.deep.equal([200, 40, 40]);
    const grey = await decodePixels(bytes, { size: 4, channels: 1 });
    expect(grey[0]).to.be.within(60, 110);
  });

  it('crops the centre: centerFraction keeps the middle of the image', async () => {
    // A 20x20 image, black border of 5 px around a white 10x10 centre.
    const pixels = new Uint8Array(400);
    for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) pixels[y * 20 + x] = 255;
    await writeImage(join(dir, 'centre.png'), pixels, 20, 20);
    const whole = await decodePixels(join(dir, 'centre.png'), { size: 10 });
    const middle = await decodePixels(join(dir, 'centre.png'), { size: 10, centerFraction: 0.5 });
    expect(whole[0]).to.equal(0);
    expect(Math.min(...middle)).to.equal(255);
  });

  it('normalises and flips', async () => {
    const pixels = Uint8Array.from([0, 255, 51, 102]);
    const out = new Float32Array(4);
    const expectClose = (actual: Float32Array, expected: number[]): void =>
      expected.forEach((value, index) => expect(actual[index], `value ${index}`).to.be.closeTo(value, 1e-6));
    pixelsToFloats(pixels, 2, 1, 'symmetric', false, out);
    expectClose(out, [-1, 1, -0.6, -0.2]);
    pixelsToFloats(pixels, 2, 1, 'unit', true, out);
    expectClose(out, [1, 0, 0.4, 0.2]);
    pixelsToFloats(pixels, 2, 1, { mean: [0.5], std: [0.5] }, false, out);
    expect(out[0]).to.be.closeTo(-1, 1e-6);
    expect(out[1]).to.be.closeTo(1, 1e-6);
    await writeImage(join(dir, 'ramp.png'), Uint8Array.from([0, 100, 200, 0, 100, 200, 0, 100, 200]), 3, 3);
    const flipped = await decodeImage(join(dir, 'ramp.png'), { size: 3, flip: true });
    expect(flipped[0]).to.be.closeTo(200 / 255, 1e-6);
    expect(flipped[2]).to.be.closeTo(0, 1e-6);
  });

  it('names the file of an unreadable or missing image', async () => {
    writeText(join(dir, 'broken.jpg'), 'this is not a jpeg');
    let error: unknown;
    try {
      await decodePixels(join(dir, 'broken.jpg'), { size: 8 });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(DataError);
    expect((error as Error).message).to.contain(join(dir, 'broken.jpg'));
    let missing: unknown;
    try {
      await decodePixels(join(dir, 'nowhere.jpg'), { size: 8 });
    } catch (caught) {
      missing = caught;
    }
    expect((missing as Error).message).to.contain(join(dir, 'nowhere.jpg'));
  });
});

describe('data: ImageCache', () => {
  it('evicts least recently used entries beyond its byte bound', () => {
    const cache = new ImageCache(30);
    cache.set('a', new Uint8Array(10));
    cache.set('b', new Uint8Array(10));
    cache.set('c', new Uint8Array(10));
    expect(cache.get('a')).to.not.equal(undefined); // a is now most recent
    cache.set('d', new Uint8Array(10)); // evicts b
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('c')).to.not.equal(undefined);
    expect(cache.bytes).to.equal(30);
    expect(cache.size).to.equal(3);
    cache.set('huge', new Uint8Array(31)); // larger than the bound: not kept
    expect(cache.get('huge')).to.equal(undefined);
    cache.maxBytes = 10;
    expect(cache.bytes).to.be.at.most(10);
    expect(cache.hits).to.equal(2);
    expect(cache.misses).to.equal(2);
  });
});
