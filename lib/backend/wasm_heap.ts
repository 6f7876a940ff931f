// Data movement on the wasm heap in plain JS loops. The wasm backend's own Transpose, Slice, StridedSlice,
// PadV2 (rank > 4) and Tile walk tensors element by element through index arithmetic and are 5-50x slower
// than these loops for the NHWC shapes training uses (measured in benchmarks/backend.ts --profile).
import type { tf } from './tf.js';

type Info = tf.TensorInfo;

/** The part of tfjs-backend-wasm's BackendWasm the added kernels use. */
export interface WasmBackend {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
}

export function asBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (b === null || typeof b !== 'object' || typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    throw new Error('frnas wasm kernels called with a backend that is not tfjs-backend-wasm');
  }
  return b as WasmBackend;
}

/**
 * A view on a tensor's heap memory. Views go stale when the heap grows, so take them only after the
 * last makeOutput of a kernel.
 */
export function view(backend: WasmBackend, info: Info): Float32Array | Int32Array | Uint8Array {
  return backend.typedArrayFromHeap(info);
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** 4-D transpose. Keeps runs along an unmoved last axis; [3,1,2,0] (NHWC <-> CHWN) walks cache-friendly. */
export function transpose4(backend: WasmBackend, x: Info, perm: readonly number[]): Info {
  const s = x.shape;
  const outShape = perm.map((p) => s[p]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (x.dtype !== 'float32') {
    transposeGeneric(view(backend, x), view(backend, out), s, perm);
    return out;
  }
  const xv = view(backend, x) as Float32Array;
  const o = view(backend, out) as Float32Array;
  if (perm[0] === 3 && perm[1] === 1 && perm[2] === 2 && perm[3] === 0) {
    // x viewed as [A, M, C] -> out [C, M, A]; for each m, an A x C tile stays in L1.
    const [a, m, c] = [s[0], s[1] * s[2], s[3]];
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < a; i++) {
        const src = (i * m + j) * c;
        let dst = j * a + i;
        for (let k = 0; k < c; k++, dst += m * a) o[dst] = xv[src + k];
      }
    }
    return out;
  }
  transposeGeneric(xv, o, s, perm);
  return out;
}

function transposeGeneric(
  xv: Float32Array | Int32Array | Uint8Array, o: Float32Array | Int32Array | Uint8Array, s: number[], perm: readonly number[],
): tf.TensorInfo | void {
  const xs = [s[1] * s[2] * s[3], s[2] * s[3], s[3], 1];
  const [A, B, C, D] = perm.map((p) => s[p]);
  const [sa, sb, sc, sd] = perm.map((p) => xs[p]);
  let k = 0;
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const base = a * sa + b * sb + c * sc;
        if (sd === 1) {
          for (let d = 0; d < D; d++) o[k++] = xv[base + d];
        } else {
          for (let d = 0; d < D; d++) o[k++] = xv[base + d * sd];
        }
      }
    }
  }
}

/**
 * dy [N, oH, oW, C] spread on the grid of a transposed convolution: dy[n, y, x] lands at
 * (offH + y*sH, offW + x*sW) of a zero [N, outH, outW, C] tensor; positions outside are dropped.
 */
export function spread(
  backend: WasmBackend, dy: Info, sH: number, sW: number, offH: number, offW: number, outH: number, outW: number,
): Info {
  const [n, oH, oW, c] = dy.shape;
  const out = backend.makeOutput([n, outH, outW, c], 'float32');
  view(backend, out).fill(0);
  interleavePhase(backend, out, dy, sH, sW, offH, offW, oH, oW);
  return out;
}

/**
 * Depthwise filter gradient straight from the definition:
 * dW[i, j, c, m] = sum over n, y, x of x[n, y*sH + i - top, x*sW + j - left, c] * dy[n, y, x, c*M + m].
 * Depthwise layers are cheap (one multiply-add per tap and channel), so a JS loop beats composing kernels.
 */
export function depthwiseFilterGrad(
  backend: WasmBackend, x: Info, dy: Info, fh: number, fw: number, sH: number, sW: number, top: number, left: number,
): Info {
  const [n, inH, inW, c] = x.shape;
  const [, oH, oW, cm] = dy.shape;
  const m = cm / c;
  const out = backend.makeOutput([fh, fw, c, m], 'float32');
  const xv = view(backend, x) as Float32Array;
  const d = view(backend, dy) as Float32Array;
  const o = view(backend, out) as Float32Array;
  const acc = new Float64Array(fh * fw * c * m);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oH; y++) {
      for (let xx = 0; xx < oW; xx++) {
        const dyBase = ((b * oH + y) * oW + xx) * cm;
        for (let i = 0; i < fh; i++) {
          const h = y * sH + i - top;
          if (h < 0 || h >= inH) continue;
          for (let j = 0; j < fw; j++) {
            const w = xx * sW + j - left;
            if (w < 0 || w >= inW) continue;
            const xBase = ((b * inH + h) * inW + w) * c;
            const aBase = (i * fw + j) * c * m;
            if (m === 1) {
              for (let k = 0; k < c; k++) acc[aBase + k] += xv[xBase + k] * d[dyBase + k];
            } else {
              for (let k = 0; k < c; k++) {
                const xval = xv[xBase + k];
                for (let q = 0; q < m; q++) acc[aBase + k * m + q] += xval * d[dyBase + k * m + q];
              }
            }
          }
        }
      }
    }
  }
  o.set(acc);
  return out;
}

/** Tile by doubling blocks in place with copyWithin (memmove speed); axis by axis from the last. */
export function tile(backend: WasmBackend, x: Info, reps: readonly number[]): Info {
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (size(outShape) === 0) return out;
  const xv = view(backend, x);
  const o = view(backend, out);
  o.set(xv, 0);
  const cur = [...x.shape];
  for (let k = cur.length - 1; k >= 0; k--) {
    const r = reps[k];
    if (r === 1) continue;
    const block = size(cur.slice(k));
    const outer = size(cur.slice(0, k));
    // From the last block down, so no source is overwritten before it is copied.
    for (let b = outer - 1; b >= 0; b--) {
      const src = b * block;
      const dst = b * block * r;
      for (let j = r - 1; j >= 0; j--) o.copyWithin(dst + j * block, src, src + block);
    }
    cur[k] *= r;
  }
  return out;
}

/**
 * The sub-filter of one output phase (a, b) of a strided transposed convolution: taps i = a + s*t, j = b + s*u,
 * flipped in space and transposed to [Ta, Tb, Cout, Cin] (a stride-1 conv filter over dy).
 */
export function phaseFilter(backend: WasmBackend, filter: Info, sH: number, sW: number, a: number, b: number): Info {
  const [fh, fw, cin, cout] = filter.shape;
  const ta = Math.ceil((fh - a) / sH);
  const tb = Math.ceil((fw - b) / sW);
  const out = backend.makeOutput([ta, tb, cout, cin], 'float32');
  const f = view(backend, filter) as Float32Array;
  const o = view(backend, out) as Float32Array;
  for (let k = 0; k < ta; k++) {
    const i = a + sH * (ta - 1 - k);
    for (let l = 0; l < tb; l++) {
      const j = b + sW * (tb - 1 - l);
      const src = (i * fw + j) * cin * cout;
      const dst = (k * tb + l) * cout * cin;
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) o[dst + co * cin + ci] = f[src + ci * cout + co];
      }
    }
  }
  return out;
}

/** Writes phase result p [N, U, V, C] into dx [N, H, W, C] at rows h0 + sH*u and columns w0 + sW*v. */
export function interleavePhase(
  backend: WasmBackend, dx: Info, p: Info | undefined, sH: number, sW: number, h0: number, w0: number, rows: number, cols: number,
): void {
  const [n, inH, inW, c] = dx.shape;
  const o = view(backend, dx) as Float32Array;
  const pv = p === undefined ? undefined : (view(backend, p) as Float32Array);
  for (let bn = 0; bn < n; bn++) {
    for (let u = 0; u < rows; u++) {
      const h = h0 + sH * u;
      if (h < 0 || h >= inH) continue;
      for (let v = 0; v < cols; v++) {
        const w = w0 + sW * v;
        if (w < 0 || w >= inW) continue;
        const dst = ((bn * inH + h) * inW + w) * c;
        if (pv === undefined) {
          o.fill(0, dst, dst + c);
        } else {
          const src = ((bn * rows + u) * cols + v) * c;
          for (let k = 0; k < c; k++) o[dst + k] = pv[src + k];
        }
      }
    }
  }
}

/**
 * Max-pool gradient: each dy goes to the first maximum of its window, as on the cpu backend. The built-in
 * wasm MaxPoolGrad (tfjs 4.22) drops the gradient of windows whose maximum is negative.
 */
export function maxPoolGrad(
  backend: WasmBackend, dy: Info, x: Info, fh: number, fw: number, sH: number, sW: number, top: number, left: number,
): Info {
  const [n, inH, inW, c] = x.shape;
  const [, oH, oW] = dy.shape;
  const out = backend.makeOutput(x.shape, 'float32');
  const xv = view(backend, x) as Float32Array;
  const d = view(backend, dy) as Float32Array;
  const o = view(backend, out) as Float32Array;
  o.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oH; y++) {
      for (let xx = 0; xx < oW; xx++) {
        for (let k = 0; k < c; k++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < fh; i++) {
            const h = y * sH + i - top;
            if (h < 0 || h >= inH) continue;
            for (let j = 0; j < fw; j++) {
              const w = xx * sW + j - left;
              if (w < 0 || w >= inW) continue;
              const idx = ((b * inH + h) * inW + w) * c + k;
              if (xv[idx] > best || at < 0) {
                best = xv[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) o[at] += d[((b * oH + y) * oW + xx) * c + k];
        }
      }
    }
  }
  return out;
}

/** acc += add, element-wise (same sizes). */
export function addInto(backend: WasmBackend, acc: Info, add: Info): void {
  const o = view(backend, acc) as Float32Array;
  const a = view(backend, add) as Float32Array;
  for (let i = 0; i < o.length; i++) o[i] += a[i];
}

/**
 * Images [b0, b1) of x [N, H, W, C] in channel-major order [C, b1 - b0, rows, cols]:
 * out[c, b - b0, u, v] = x[b, u*gH - top, v*gW - left, c], zero outside x. Steps 1 with the conv's pads give the
 * padded input; a step s gives the pixels a 1x1 stride-s conv reads. Each input row is read C times (strided, from
 * L1) so that the writes run along v.
 */
export function channelMajor(
  backend: WasmBackend, x: Info, rows: number, cols: number, gH: number, gW: number, top: number, left: number,
  b0 = 0, b1 = x.shape[0],
): Info {
  const [, inH, inW, c] = x.shape;
  const n = b1 - b0;
  const out = backend.makeOutput([c, n, rows, cols], 'float32');
  const xv = view(backend, x) as Float32Array;
  const o = view(backend, out) as Float32Array;
  const plane = n * rows * cols;
  // Columns v0 <= v < v1 read x; the others are padding.
  const v0 = Math.min(cols, Math.max(0, Math.ceil(left / gW)));
  const v1 = Math.max(v0, Math.min(cols, Math.floor((inW - 1 + left) / gW) + 1));
  const step = gW * c;
  for (let b = 0; b < n; b++) {
    for (let u = 0; u < rows; u++) {
      const h = u * gH - top;
      const rowOut = (b * rows + u) * cols;
      if (h < 0 || h >= inH) {
        for (let k = 0; k < c; k++) o.fill(0, k * plane + rowOut, k * plane + rowOut + cols);
        continue;
      }
      const src0 = (((b0 + b) * inH + h) * inW + (v0 * gW - left)) * c;
      for (let k = 0; k < c; k++) {
        const d = k * plane + rowOut;
        for (let v = 0; v < v0; v++) o[d + v] = 0;
        let s = src0 + k;
        for (let v = v0; v < v1; v++, s += step) o[d + v] = xv[s];
        for (let v = v1; v < cols; v++) o[d + v] = 0;
      }
    }
  }
  return out;
}

/**
 * The transposed im2col of output rows [g0, g1) (g = b*oH + y, b counted within the phases' images) for a filter gradient, as [fh*fw*C, (g1 - g0)*oW]:
 * A[(i*fw + j)*C + c, (g - g0)*oW + x] = padded x[b, y*sH + i, x*sW + j, c]. The padded input comes split
 * by phase: phases[a][e] = channelMajor(x, .., sH, sW, top - a, left - e) [C, N, rows, cols] holds the padded
 * pixels (sH*u + a, sW*v + e), so tap (i, j) reads a contiguous run of oW values of phase (i mod sH, j mod sW)
 * at row y + floor(i / sH), column floor(j / sW). Runs of 32 or more are copied with copyWithin (memmove; ~3x a
 * JS loop), shorter ones in a loop.
 */
export function im2colT(
  backend: WasmBackend, phases: Info[][], fh: number, fw: number, sH: number, sW: number, oH: number, oW: number, g0: number, g1: number,
): Info {
  const [c, n] = phases[0][0].shape;
  const kc = (g1 - g0) * oW;
  const out = backend.makeOutput([fh * fw * c, kc], 'float32');
  const o = view(backend, out) as Float32Array;
  const heap = new Float32Array(o.buffer);
  let d = o.byteOffset >> 2;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const ph = phases[i % sH][j % sW];
      const [, , hp, wp] = ph.shape;
      const pBase = view(backend, ph).byteOffset >> 2;
      const ti = Math.floor(i / sH);
      const tj = Math.floor(j / sW);
      for (let k = 0; k < c; k++) {
        for (let g = g0; g < g1; g++) {
          const b = Math.floor(g / oH);
          const s = pBase + ((k * n + b) * hp + (g - b * oH) + ti) * wp + tj;
          if (oW >= 32) {
            heap.copyWithin(d, s, s + oW);
          } else {
            for (let xx = 0; xx < oW; xx++) heap[d + xx] = heap[s + xx];
          }
          d += oW;
        }
      }
    }
  }
  return out;
}

/** Rows [r0, r1) of x viewed as [rows, cols] (cols = its last axis), as a new [r1 - r0, cols] tensor. */
export function rowBlock(backend: WasmBackend, x: Info, r0: number, r1: number): Info {
  const cols = x.shape[x.shape.length - 1];
  const out = backend.makeOutput([r1 - r0, cols], x.dtype);
  const xv = view(backend, x);
  view(backend, out).set(xv.subarray(r0 * cols, r1 * cols));
  return out;
}

/** A 2-D [R, C] tensor transposed to [C, R] (e.g. a filter viewed as [fh*fw*Cin, Cout]). */
export function transpose2(backend: WasmBackend, x: Info, r: number, c: number): Info {
  const out = backend.makeOutput([c, r], 'float32');
  const xv = view(backend, x) as Float32Array;
  const o = view(backend, out) as Float32Array;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) o[j * r + i] = xv[i * c + j];
  }
  return out;
}

/**
 * col2im for an input gradient: cols [K, fh*fw*C] holds, for the output positions of rows [g0, g1) (g = b*oH + y,
 * K = (g1 - g0)*oW), each tap's contribution; dx[b, y*sH + i - top, x*sW + j - left, :] += cols[p, (i*fw + j)*C ...].
 * Taps that fall in the padding are dropped.
 */
export function col2imAdd(
  backend: WasmBackend, dx: Info, cols: Info, fh: number, fw: number, sH: number, sW: number, top: number, left: number,
  oH: number, oW: number, g0: number, g1: number,
): void {
  const [, inH, inW, c] = dx.shape;
  const o = view(backend, dx) as Float32Array;
  const cv = view(backend, cols) as Float32Array;
  const taps = fh * fw * c;
  let s = 0;
  for (let g = g0; g < g1; g++) {
    const b = Math.floor(g / oH);
    const y = g - b * oH;
    for (let x = 0; x < oW; x++, s += taps) {
      for (let i = 0; i < fh; i++) {
        const h = y * sH + i - top;
        if (h < 0 || h >= inH) continue;
        for (let j = 0; j < fw; j++) {
          const w = x * sW + j - left;
          if (w < 0 || w >= inW) continue;
          const d = ((b * inH + h) * inW + w) * c;
          const src = s + (i * fw + j) * c;
          for (let k = 0; k < c; k++) o[d + k] += cv[src + k];
        }
      }
    }
  }
}
