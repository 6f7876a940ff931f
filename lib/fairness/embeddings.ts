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
 * Four queries share each pass over a gallery row, so a gallery value is loaded once for four products.
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
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const q0 = i * dim;
    const q1 = q0 + dim;
    const q2 = q1 + dim;
    const q3 = q2 + dim;
    const row = (i - start) * m;
    for (let j = 0; j < m; j++) {
      const gj = j * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dim; k++) {
        const v = g[gj + k];
        s0 += q[q0 + k] * v;
        s1 += q[q1 + k] * v;
        s2 += q[q2 + k] * v;
        s3 += q[q3 + k] * v;
      }
      out[row + j] = s0;
      out[row + m + j] = s1;
      out[row + 2 * m + j] = s2;
      out[row + 3 * m + j] = s3;
    }
  }
  for (; i < end; i++) {
    const qi = i * dim;
    const row = (i - start) * m;
    for (let j = 0; j < m; j++) {
      const gj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[qi + k] * g[gj + k];
      out[row + j] = s;
    }
  }
}
