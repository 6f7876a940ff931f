/**
 * A least-recently-used cache of decoded, resized pixels (Uint8Array, one byte per channel value),
 * bounded by bytes. Pixels are kept as bytes rather than floats (4x less memory); normalisation and
 * flips are applied when a batch is assembled, so one entry serves every normalisation and both flips.
 */
export class ImageCache {
  private readonly entries = new Map<string, Uint8Array>();
  private usedBytes = 0;
  private limit: number;
  hits = 0;
  misses = 0;

  /** @param maxBytes upper bound of the pixel bytes held; 0 disables caching. */
  constructor(maxBytes: number = DEFAULT_IMAGE_CACHE_BYTES) {
    this.limit = checkedLimit(maxBytes);
  }

  get maxBytes(): number {
    return this.limit;
  }

  /** Changes the bound, evicting least recently used entries at once if the cache is over it. */
  set maxBytes(maxBytes: number) {
    this.limit = checkedLimit(maxBytes);
    this.evict();
  }

  get bytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Uint8Array | undefined {
    const pixels = this.entries.get(key);
    if (pixels === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark it most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, pixels);
    return pixels;
  }

  set(key: string, pixels: Uint8Array): void {
    if (pixels.byteLength > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.usedBytes -= previous.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, pixels);
    this.usedBytes += pixels.byteLength;
    this.evict();
  }

  private evict(): void {
    for (const [oldestKey, oldest] of this.entries) {
      if (this.usedBytes <= this.maxBytes) break;
      this.entries.delete(oldestKey);
      this.usedBytes -= oldest.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
    this.hits = 0;
    this.misses = 0;
  }
}

function checkedLimit(maxBytes: number): number {
  if (!(maxBytes >= 0)) throw new RangeError(`ImageCache: maxBytes must be a number >= 0, got ${maxBytes}`);
  return maxBytes;
}

/** 512 MiB: about 43,000 RGB images at 64x64, or the whole of a 200k-image grey set at 32x32. */
export const DEFAULT_IMAGE_CACHE_BYTES = 512 * 1024 * 1024;

/** The process-wide cache every dataset uses unless given its own, so promoted trials in one process reuse decodes. */
export const sharedImageCache = new ImageCache();
