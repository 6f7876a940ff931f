// Builds tiny data trees in the real on-disk layouts, in a temp folder the caller removes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `frnas-data-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** A smooth grey pattern that differs per (seed): a gradient plus a bright square. */
export function greyPattern(width: number, height: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const square = Math.abs(x - ((seed * 5) % width)) < 4 && Math.abs(y - ((seed * 3) % height)) < 4 ? 120 : 0;
      pixels[y * width + x] = Math.min(255, ((x * 7 + y * 3 + seed * 29) % 120) + square);
    }
  }
  return pixels;
}

/** Writes an image of `pixels` (channels-last bytes) to `path`, as JPEG, PNG or PGM by extension. */
export async function writeImage(path: string, pixels: Uint8Array, width: number, height: number, channels: 1 | 3 = 1): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  if (path.endsWith('.pgm')) {
    if (channels !== 1) throw new Error('PGM is grey');
    writeFileSync(path, Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), Buffer.from(pixels)]));
    return;
  }
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  await (path.endsWith('.png') ? image.png() : image.jpeg({ quality: 95 })).toFile(path);
}

/** A small face-like image file whose content depends on `seed`. */
export async function writeFace(path: string, seed: number, width = 20, height = 24): Promise<void> {
  await writeImage(path, greyPattern(width, height, seed), width, height);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A folder data set (`images/<identity>/*.png` + attributes.csv): `people` (identity -> group), `images` 16x16 patterns each. */
export async function writeFolderDataset(dir: string, people: Record<string, string>, images: number, seed: number): Promise<void> {
  let s = seed;
  for (const identity of Object.keys(people)) {
    for (let i = 0; i < images; i++) await writeFace(join(dir, 'images', identity, `${identity}_${i}.png`), s++, 16, 16);
  }
  writeText(join(dir, 'attributes.csv'), 'identity,perceived_sex\n' + Object.entries(people).map(([p, g]) => `${p},${g}`).join('\n') + '\n');
}
