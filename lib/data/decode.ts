import { readFile } from 'node:fs/promises';
import type { Sharp } from 'sharp';

// sharp (a native binary) is loaded by the first decode, not at import: code that never decodes an image never needs it.
let sharpLoaded: typeof import('sharp').default | undefined;
async function loadSharp(): Promise<typeof import('sharp').default> {
  try {
    sharpLoaded ??= (await import('sharp')).default;
  } catch (error) {
    throw new DataError(`cannot load sharp, which decodes and resizes images: ${(error as Error).message}`);
  }
  return sharpLoaded;
}
import { DataError } from './errors.js';

/** How an image of another aspect ratio becomes a square: `center` scales the short side and crops the middle, `stretch` scales each side. */
export type CropMode = 'center' | 'stretch';

/** How pixel bytes become floats: `unit` [0, 1], `symmetric` [-1, 1], or per-channel (x/255 - mean) / std. */
export type Normalization = 'unit' | 'symmetric' | { mean: readonly number[]; std: readonly number[] };

export interface PixelOptions {
  /** Side of the square output in pixels. */
  size: number;
  /** 1 = grey, 3 = RGB (grey images are replicated). Default 1. */
  channels?: 1 | 3;
  /** Default `center`. */
  crop?: CropMode;
  /**
   * Keep only the central `centerFraction` of each side before resizing (e.g. 0.5 for LFW's 250x250 photos,
   * whose face fills the middle). Default 1 (whole image).
   */
  centerFraction?: number;
}

export interface DecodeOptions extends PixelOptions {
  /** Default `unit`. */
  normalize?: Normalization;
  /** Mirror left-right. Default false. */
  flip?: boolean;
}

/** A grey image as parsed from a PGM file. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Extensions the folder loaders treat as images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.pgm'];

/**
 * Parses a binary (P5) or ASCII (P2) PGM, 8- or 16-bit (16-bit is scaled to 8). sharp's prebuilt libvips
 * does not read PGM, and the format is a short text header plus raw bytes, so it is parsed here.
 */
export function parsePgm(bytes: Uint8Array, name: string): GreyImage {
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (magic !== 'P5' && magic !== 'P2') throw new DataError(`cannot decode image ${name}: not a PGM file (magic ${JSON.stringify(magic)})`);
  // Header: magic, width, height, maxval as whitespace-separated tokens, `#` comments to end of line.
  const header: number[] = [];
  let position = 2;
  while (header.length < 3) {
    while (position < bytes.length && isSpace(bytes[position])) position++;
    if (bytes[position] === 0x23) {
      while (position < bytes.length && bytes[position] !== 0x0a) position++;
      continue;
    }
    const start = position;
    while (position < bytes.length && bytes[position] >= 0x30 && bytes[position] <= 0x39) position++;
    if (start === position) throw new DataError(`cannot decode image ${name}: malformed PGM header`);
    header.push(Number(String.fromCharCode(...bytes.subarray(start, position))));
  }
  const [width, height, maxValue] = header;
  if (width < 1 || height < 1 || maxValue < 1 || maxValue > 65535) {
    throw new DataError(`cannot decode image ${name}: bad PGM header ${width}x${height} max ${maxValue}`);
  }
  const count = width * height;
  const pixels = new Uint8Array(count);
  const scale = 255 / maxValue;
  if (magic === 'P5') {
    position++; // exactly one whitespace byte separates the header from the raster
    const bytesPerSample = maxValue < 256 ? 1 : 2;
    if (bytes.length - position < count * bytesPerSample) {
      throw new DataError(`cannot decode image ${name}: PGM raster truncated (${bytes.length - position} of ${count * bytesPerSample} bytes)`);
    }
    for (let i = 0; i < count; i++) {
      const sample = bytesPerSample === 1 ? bytes[position + i] : (bytes[position + 2 * i] << 8) | bytes[position + 2 * i + 1];
      pixels[i] = Math.round(sample * scale);
    }
  } else {
    const samples = new TextDecoder().decode(bytes.subarray(position)).replace(/#[^\n]*/g, ' ').trim().split(/\s+/);
    if (samples.length < count) throw new DataError(`cannot decode image ${name}: PGM has ${samples.length} of ${count} samples`);
    for (let i = 0; i < count; i++) pixels[i] = Math.round(Number(samples[i]) * scale);
  }
  return { width, height, pixels };
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function isPgm(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32) && isSpace(bytes[2] ?? 0);
}

/**
 * Decodes a JPEG, PNG or PGM (file path or encoded bytes) and resizes it to `size`x`size` with
 * `channels` channels: `size*size*channels` bytes, row-major, channels last.
 */
export async function decodePixels(input: string | Uint8Array, options: PixelOptions): Promise<Uint8Array> {
  const { size, channels, crop, centerFraction } = resolvePixelOptions(options);
  const name = typeof input === 'string' ? input : `<${input.byteLength} bytes>`;
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (error) {
    throw new DataError(`cannot read image ${name}: ${(error as Error).message}`);
  }
  const sharp = await loadSharp();
  try {
    let image: Sharp;
    let width: number;
    let height: number;
    if (isPgm(bytes)) {
      const grey = parsePgm(bytes, name);
      ({ width, height } = grey);
      image = sharp(grey.pixels, { raw: { width, height, channels: 1 } });
    } else {
      image = sharp(bytes);
      if (centerFraction < 1) {
        const metadata = await image.metadata();
        width = metadata.width;
        height = metadata.height;
      } else {
        width = height = 0;
      }
    }
    if (centerFraction < 1) {
      const boxWidth = Math.max(1, Math.round(width * centerFraction));
      const boxHeight = Math.max(1, Math.round(height * centerFraction));
      image = image.extract({
        left: Math.floor((width - boxWidth) / 2),
        top: Math.floor((height - boxHeight) / 2),
        width: boxWidth,
        height: boxHeight,
      });
    }
    image = channels === 1 ? image.greyscale() : image.toColourspace('srgb');
    const { data, info } = await image
      .removeAlpha()
      .resize(size, size, { fit: crop === 'center' ? 'cover' : 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return matchChannels(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.channels, channels, size * size);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot decode image ${name}: ${(error as Error).message}`);
  }
}

/** Pixel options with every default filled in and checked. */
export function resolvePixelOptions(options: PixelOptions): Required<PixelOptions> {
  const { size, channels = 1, crop = 'center', centerFraction = 1 } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`image size must be a positive integer, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`channels must be 1 or 3, got ${String(channels)}`);
  if (crop !== 'center' && crop !== 'stretch') throw new RangeError(`crop must be center or stretch, got ${String(crop)}`);
  if (!(centerFraction > 0 && centerFraction <= 1)) throw new RangeError(`centerFraction must be in (0, 1], got ${centerFraction}`);
  return { size, channels, crop, centerFraction };
}

/** Safety net for the channel count libvips returns (it may keep three for a grey PNG, or one for a grey JPEG). */
function matchChannels(data: Uint8Array, have: number, want: 1 | 3, pixelCount: number): Uint8Array {
  if (have === want) return data;
  const out = new Uint8Array(pixelCount * want);
  for (let p = 0; p < pixelCount; p++) {
    if (want === 3) {
      out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = data[p * have];
    } else {
      out[p] = Math.round(0.299 * data[p * have] + 0.587 * data[p * have + 1] + 0.114 * data[p * have + 2]);
    }
  }
  return out;
}

/**
 * Writes `pixels` (size x size x channels bytes) as normalised floats into `out` at `offset`,
 * mirrored left-right when `flip` is set. Used for single images and for batch assembly.
 */
export function pixelsToFloats(
  pixels: Uint8Array,
  size: number,
  channels: number,
  normalize: Normalization,
  flip: boolean,
  out: Float32Array,
  offset = 0,
): void {
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    if (normalize === 'unit') {
      scale[c] = 1 / 255;
    } else if (normalize === 'symmetric') {
      scale[c] = 2 / 255;
      shift[c] = -1;
    } else {
      const mean = normalize.mean[c] ?? normalize.mean[0];
      const std = normalize.std[c] ?? normalize.std[0];
      scale[c] = 1 / (255 * std);
      shift[c] = -mean / std;
    }
  }
  const rowLength = size * channels;
  for (let y = 0; y < size; y++) {
    const row = y * rowLength;
    for (let x = 0; x < size; x++) {
      const source = row + (flip ? size - 1 - x : x) * channels;
      const target = offset + row + x * channels;
      for (let c = 0; c < channels; c++) out[target + c] = pixels[source + c] * scale[c] + shift[c];
    }
  }
}

/** Decodes one image to normalised floats, `size*size*channels` values, channels last. */
export async function decodeImage(input: string | Uint8Array, options: DecodeOptions): Promise<Float32Array> {
  const pixels = await decodePixels(input, options);
  const channels = options.channels ?? 1;
  const out = new Float32Array(pixels.length);
  pixelsToFloats(pixels, options.size, channels, options.normalize ?? 'unit', options.flip ?? false, out);
  return out;
}
