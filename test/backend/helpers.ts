// Shared by the backend tests: seeded data, running one computation on cpu and on wasm, comparing results.
import seedrandom from 'seedrandom';
import { tf } from '../../lib/backend/index.js';

export function randomArray(n: number, seed: string, scale = 1): Float32Array {
  const rng = seedrandom(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng() * 2 - 1) * scale;
  return a;
}

export function randomTensor(shape: number[], seed: string, scale = 1): tf.Tensor {
  return tf.tensor(randomArray(shape.reduce((p, d) => p * d, 1), seed, scale), shape);
}

/** Runs fn on the named backend and returns copies of its outputs (tensors disposed). */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const data = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return data;
}

/** Largest |a - b| relative to the reference's magnitude (at least 1). */
export function relError(a: Float32Array, ref: Float32Array): number {
  if (a.length !== ref.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  return maxDiff / maxRef;
}

/** float32 tolerance relative to magnitude, for sums of a few hundred products. */
export const TOL = 1e-4;
