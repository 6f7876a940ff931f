import type { EmbeddingMatrix, IdentityLabel } from './types.js';

/** L2-normalised embeddings, row-major. */
export interface NormalisedEmbeddings {
  count: number;
  dim: number;
  values: Float64Array;
}

/**
 * Validates embeddings (finite, non-zero rows of one length) and L2-normalises every row.
 * `field` names the input in errors, e.g. 'embeddings' or 'gallery.embeddings'.
 */
export function normaliseEmbeddings(embeddings: EmbeddingMatrix, dim: number | undefined, field: string): NormalisedEmbeddings {
  let count: number;
  let width: number;
  let read: (row: number, k: number) => number;
  if (embeddings instanceof Float32Array || embeddings instanceof Float64Array) {
    if (dim === undefined || !Number.isInteger(dim) || dim <= 0) {
      throw new TypeError(`dim must be a positive integer when ${field} is a flat array, got ${String(dim)}`);
    }
    if (embeddings.length % dim !== 0) throw new RangeError(`${field} has ${embeddings.length} values, not a multiple of dim = ${dim}`);
    count = embeddings.length / dim;
    width = dim;
    read = (row, k) => embeddings[row * dim + k];
  } else if (Array.isArray(embeddings)) {
    const rows = embeddings as readonly (readonly number[])[];
    count = rows.length;
    width = count > 0 && Array.isArray(rows[0]) ? rows[0].length : (dim ?? 0);
    if (dim !== undefined && width !== dim) throw new RangeError(`${field}[0] has ${width} values but dim = ${dim}`);
    rows.forEach((row, i) => {
      if (!Array.isArray(row)) throw new TypeError(`${field}[${i}] must be an array of numbers`);
      if (row.length !== width) throw new RangeError(`${field}[${i}] has ${row.length} values but ${field}[0] has ${width}`);
    });
    read = (row, k) => rows[row][k];
  } else {
    throw new TypeError(`${field} must be a Float32Array, a Float64Array or an array of number arrays`);
  }
  if (count > 0 && width === 0) throw new RangeError(`${field} rows must not be empty`);
  const values = new Float64Array(count * width);
  for (let i = 0; i < count; i++) {
    let squared = 0;
    for (let k = 0; k < width; k++) {
      const v = read(i, k);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(`${field} of image ${i} has a non-finite value at position ${k} (${String(v)})`);
      }
      values[i * width + k] = v;
      squared += v * v;
    }
    if (squared === 0) throw new RangeError(`${field} of image ${i} is all zeros and cannot be L2-normalised`);
    const scale = 1 / Math.sqrt(squared);
    for (let k = 0; k < width; k++) values[i * width + k] *= scale;
  }
  return { count, dim: width, values };
}

/** Validates labels (one per image, string or finite number) and maps them to dense codes 0..distinct-1. */
export function encodeLabels(
  labels: readonly IdentityLabel[],
  expectedCount: number,
  field: string,
  countField: string,
): { codes: Int32Array; distinct: IdentityLabel[] } {
  if (!Array.isArray(labels)) throw new TypeError(`${field} must be an array of strings or numbers`);
  if (labels.length !== expectedCount) {
    throw new RangeError(`${field} has ${labels.length} labels but ${countField} has ${expectedCount} images`);
  }
  const codeOf = new Map<IdentityLabel, number>();
  const distinct: IdentityLabel[] = [];
  const codes = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isFinite(label))) {
      throw new TypeError(`${field}[${i}] must be a string or a finite number, got ${String(label)}`);
    }
    let code = codeOf.get(label);
    if (code === undefined) {
      code = distinct.length;
      codeOf.set(label, code);
      distinct.push(label);
    }
    codes[i] = code;
  });
  return { codes, distinct };
}

/**
 * Cosine similarities of query rows [start, end) against every gallery row, into `out` (row-major).
 * Register-blocked 4 queries x 4 gallery rows: each loaded value serves four products, which is what
 * makes a plain-JS similarity matrix a few times faster than the naive triple loop. The gallery is walked
 * in tiles small enough to stay in cache while every query of the block passes over them.
 */
export function similarityBlock(
  queries: NormalisedEmbeddings,
  gallery: NormalisedEmbeddings,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const dim = queries.dim;
  const q = queries.values;
  const g = gallery.values;
  const m = gallery.count;
  const tileRows = Math.max(4, (Math.floor(GALLERY_TILE_VALUES / dim) >> 2) << 2);
  for (let tileStart = 0; tileStart < m; tileStart += tileRows) {
    similarityTile(q, g, dim, m, start, end, tileStart, Math.min(m, tileStart + tileRows), out);
  }
}

/** Gallery values per cache tile (256 KiB of float64). */
const GALLERY_TILE_VALUES = 32_768;

/** similarityBlock restricted to gallery rows [tileStart, tileEnd). */
function similarityTile(
  q: Float64Array,
  g: Float64Array,
  dim: number,
  m: number,
  start: number,
  end: number,
  tileStart: number,
  tileEnd: number,
  out: Float64Array,
): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const q0 = i * dim;
    const q1 = q0 + dim;
    const q2 = q1 + dim;
    const q3 = q2 + dim;
    const r0 = (i - start) * m;
    const r1 = r0 + m;
    const r2 = r1 + m;
    const r3 = r2 + m;
    let j = tileStart;
    for (; j + 4 <= tileEnd; j += 4) {
      const g0 = j * dim;
      const g1 = g0 + dim;
      const g2 = g1 + dim;
      const g3 = g2 + dim;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < dim; k++) {
        const a0 = q[q0 + k];
        const a1 = q[q1 + k];
        const a2 = q[q2 + k];
        const a3 = q[q3 + k];
        const b0 = g[g0 + k];
        const b1 = g[g1 + k];
        const b2 = g[g2 + k];
        const b3 = g[g3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
      }
      out[r0 + j] = s00; out[r0 + j + 1] = s01; out[r0 + j + 2] = s02; out[r0 + j + 3] = s03;
      out[r1 + j] = s10; out[r1 + j + 1] = s11; out[r1 + j + 2] = s12; out[r1 + j + 3] = s13;
      out[r2 + j] = s20; out[r2 + j + 1] = s21; out[r2 + j + 2] = s22; out[r2 + j + 3] = s23;
      out[r3 + j] = s30; out[r3 + j + 1] = s31; out[r3 + j + 2] = s32; out[r3 + j + 3] = s33;
    }
    for (; j < tileEnd; j++) {
      const gj = j * dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < dim; k++) {
        const v = g[gj + k];
        s0 += q[q0 + k] * v;
        s1 += q[q1 + k] * v;
        s2 += q[q2 + k] * v;
        s3 += q[q3 + k] * v;
      }
      out[r0 + j] = s0;
      out[r1 + j] = s1;
      out[r2 + j] = s2;
      out[r3 + j] = s3;
    }
  }
  for (; i < end; i++) {
    const qi = i * dim;
    const row = (i - start) * m;
    for (let j = tileStart; j < tileEnd; j++) {
      const gj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[qi + k] * g[gj + k];
      out[row + j] = s;
    }
  }
}
