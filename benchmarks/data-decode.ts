// Decode + resize throughput of lib/data (images/s): JPEG and PGM files at 112x112 to 64x64, one at a time
// and 8 in flight, then a whole epoch through FaceDataset.batches with the decoded-pixel cache cold and warm.
//
//   npx tsx benchmarks/data-decode.ts                 # 300 images per format, 3 repeats
//   npx tsx benchmarks/data-decode.ts --images 600 --repeats 5
//
// Inputs are synthetic faces written to a temp folder (removed at the end); figures are medians of the repeats.
// Machines are shared, so expect noise.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf } from '../lib/backend/tf.js';
import { FaceDataset, ImageCache, decodePixels, syntheticFaces, type FaceItemInput, type PixelOptions } from '../lib/data/index.js';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const IMAGES = argument('images', 300);
const REPEATS = argument('repeats', 3);
const SOURCE_SIZE = 112;
const TARGET_SIZE = 64;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Images per second of `task` over `count` images, median of REPEATS runs after one warm-up. */
async function throughput(count: number, task: () => Promise<void>): Promise<number> {
  await task();
  const rates: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const start = process.hrtime.bigint();
    await task();
    rates.push(count / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

async function decodeEach(paths: readonly string[], options: PixelOptions, inFlight: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) await decodePixels(paths[next++], options);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'frnas-data-bench-'));
  try {
    // Inputs: synthetic faces rendered at 112x112, RGB JPEG (quality 90) and grey binary PGM.
    const faces = syntheticFaces({ identities: Math.ceil(IMAGES / 10), imagesPerIdentity: 10, seed: 1 });
    const jpegPaths: string[] = [];
    const pgmPaths: string[] = [];
    mkdirSync(join(dir, 'jpeg'));
    mkdirSync(join(dir, 'pgm'));
    for (let index = 0; index < IMAGES; index++) {
      const rgb = await faces.readPixels(index, { size: SOURCE_SIZE, channels: 3, cache: null });
      const grey = await faces.readPixels(index, { size: SOURCE_SIZE, channels: 1, cache: null });
      const jpegPath = join(dir, 'jpeg', `${index}.jpg`);
      await sharp(Buffer.from(rgb), { raw: { width: SOURCE_SIZE, height: SOURCE_SIZE, channels: 3 } }).jpeg({ quality: 90 }).toFile(jpegPath);
      const pgmPath = join(dir, 'pgm', `${index}.pgm`);
      writeFileSync(pgmPath, Buffer.concat([Buffer.from(`P5\n${SOURCE_SIZE} ${SOURCE_SIZE}\n255\n`), Buffer.from(grey)]));
      jpegPaths.push(jpegPath);
      pgmPaths.push(pgmPath);
    }

    const rows: [string, number][] = [];
    for (const [format, paths] of [['JPEG', jpegPaths], ['PGM', pgmPaths]] as const) {
      for (const channels of [1, 3] as const) {
        if (format === 'PGM' && channels === 3) continue;
        const options = { size: TARGET_SIZE, channels };
        rows.push([`${format} ${SOURCE_SIZE}->${TARGET_SIZE} ${channels === 1 ? 'grey' : 'RGB'}, one at a time`, await throughput(IMAGES, () => decodeEach(paths, options, 1))]);
        rows.push([`${format} ${SOURCE_SIZE}->${TARGET_SIZE} ${channels === 1 ? 'grey' : 'RGB'}, 8 in flight`, await throughput(IMAGES, () => decodeEach(paths, options, 8))]);
      }
    }

    // A whole epoch through the batch pipeline (batch 64, normalised float tensors), cache cold vs warm.
    const items: FaceItemInput[] = jpegPaths.map((path, index) => ({
      id: `${index}`,
      source: { kind: 'file', path },
      identity: `p${Math.floor(index / 10)}`,
      group: index % 20 < 10 ? 'a' : 'b',
      attributes: {},
    }));
    const dataset = new FaceDataset({ name: 'bench', items, groupAttribute: 'group' });
    const epoch = async (cache: ImageCache): Promise<void> => {
      for await (const batch of dataset.batches({ batchSize: 64, size: TARGET_SIZE, channels: 3, shuffleSeed: 1, flip: 'random', cache })) batch.images.dispose();
    };
    rows.push([`JPEG epoch via batches(64, RGB ${TARGET_SIZE}), cache cold`, await throughput(IMAGES, () => epoch(new ImageCache(0)))]);
    const warm = new ImageCache();
    await epoch(warm);
    rows.push([`JPEG epoch via batches(64, RGB ${TARGET_SIZE}), cache warm (hits)`, await throughput(IMAGES, () => epoch(warm))]);
    const synthetic = syntheticFaces({ identities: Math.ceil(IMAGES / 10), imagesPerIdentity: 10, seed: 2 });
    const renderEpoch = async (cache: ImageCache | null): Promise<void> => {
      for await (const batch of synthetic.batches({ batchSize: 64, size: TARGET_SIZE, cache })) batch.images.dispose();
    };
    rows.push([`synthetic epoch via batches(64, grey ${TARGET_SIZE}), rendered each time`, await throughput(synthetic.size, () => renderEpoch(null))]);

    console.log(`lib/data decode benchmark: ${IMAGES} images per row, median of ${REPEATS} runs, tfjs backend ${tf.getBackend()}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, rate] of rows) console.log(`${label.padEnd(width)}  ${rate.toFixed(0).padStart(6)} images/s`);
    console.log(`warm cache: ${warm.size} entries, ${(warm.bytes / 1024 / 1024).toFixed(1)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
