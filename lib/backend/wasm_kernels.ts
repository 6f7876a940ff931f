// Gradient kernels the wasm backend of TensorFlow.js 4.22 lacks (and a faster Conv2DBackpropInput),
// composed from kernels wasm already has. Each kernel frees every intermediate it makes.
import type { backend_util } from '@tensorflow/tfjs';
import { tf } from './tf.js';

import {
  addInto, asBackend, channelMajor, col2imAdd, depthwiseFilterGrad, im2colT, interleavePhase, maxPoolGrad, phaseFilter, rowBlock, size, spread,
  tile, transpose2, transpose4, view, type WasmBackend,
} from './wasm_heap.js';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type Pads = { top: number; bottom: number; left: number; right: number };
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Kernels frnas registers for wasm, in the order they are registered. */
export const WASM_ADDED_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Tile',
  'Sum',
  'Mean',
  'MaxPoolGrad',
] as const;
type AddedKernel = (typeof WASM_ADDED_KERNELS)[number];

/** Built-in wasm kernels frnas replaces with faster ones (the rest are only added where missing). */
export const WASM_REPLACED_KERNELS: readonly AddedKernel[] = ['Conv2DBackpropInput', 'Tile', 'Sum', 'Mean', 'MaxPoolGrad'];

// The built-in kernels, kept after ours replace them: delegation for cases ours leave alone, and benchmarks.
const builtins = new Map<string, tf.KernelConfig>();

function call(name: string, inputs: Record<string, Info> | Info[], backend: WasmBackend, attrs: Attrs = {}): Info {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`wasm kernel '${name}' is not registered`);
  return config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

function free(backend: WasmBackend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function pair(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a[1]];
}

function assertNHWC(dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`frnas wasm kernels support only NHWC data, got dataFormat '${String(dataFormat)}'`);
  }
}

function assertNoDilation(dilations: unknown): void {
  const [dh, dw] = dilations === undefined ? [1, 1] : pair(dilations);
  if (dh !== 1 || dw !== 1) throw new Error('frnas wasm gradient kernels do not support dilated convolutions');
}

type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

function convPads(
  xShape: number[], filterShape: number[], strides: unknown, pad: unknown, rounding: unknown, depthwise: boolean,
): { info: backend_util.Conv2DInfo; pads: Pads } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    pair(strides), 1, pad as Pad, rounding as RoundingMode, depthwise, 'channelsLast');
  const p = info.padInfo;
  return { info, pads: { top: p.top, bottom: p.bottom, left: p.left, right: p.right } };
}

/**
 * The transposed convolution behind both input gradients: dy placed on the input grid (zeros between by the
 * stride) and framed so that a stride-1 'valid' conv with the flipped fh x fw filter yields inH x inW.
 * Stride 1 with in-range pads passes dy itself and lets the conv pad (no copy).
 */
function transposedConvInput(
  dy: Info, backend: WasmBackend, sH: number, sW: number, fh: number, fw: number, inH: number, inW: number, pads: Pads,
): { t: Info; owned: boolean; convPad: [[number, number], [number, number], [number, number], [number, number]] } {
  const [, oH, oW] = dy.shape;
  const pt = fh - 1 - pads.top;
  const pl = fw - 1 - pads.left;
  const fullH = inH + fh - 1;
  const fullW = inW + fw - 1;
  const pb = fullH - pt - oH;
  const pr = fullW - pl - oW;
  if (sH === 1 && sW === 1 && pt >= 0 && pl >= 0 && pb >= 0 && pr >= 0) {
    return { t: dy, owned: false, convPad: [[0, 0], [pt, pb], [pl, pr], [0, 0]] };
  }
  return { t: spread(backend, dy, sH, sW, pt, pl, fullH, fullW), owned: true, convPad: [[0, 0], [0, 0], [0, 0], [0, 0]] };
}

/**
 * How Conv2DBackpropInput runs at stride > 1, exported for tests and benchmarks: 'gemm' (below) or 'phases' (one
 * stride-1 conv per output phase, the algorithm before it). `chunkBytes`: bytes of the product per chunk.
 */
export const inputGradTuning: { method: 'gemm' | 'phases'; chunkBytes: number } = { method: 'gemm', chunkBytes: 1024 * 1024 };

/**
 * Strided input gradient as one matrix product and a col2im: dy's rows [K, Cout] times the filter transposed to
 * [Cout, fh*fw*Cin] give every output position's contribution to each tap's input pixel, which col2imAdd sums
 * into dx. Chunks of output rows (`inputGradTuning.chunkBytes` of products) bound the transient memory; the
 * transposed filter is one tensor, so XNNPACK packs it once for all chunks.
 */
function inputGradGemm(
  backend: WasmBackend, dy: Info, filter: Info, info: backend_util.Conv2DInfo, pads: Pads, inputShape: number[],
): Info {
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw, outHeight: oH, outWidth: oW } = info;
  const [n, , , cin] = inputShape;
  const cout = dy.shape[3];
  const taps = fh * fw * cin;
  const wT = transpose2(backend, filter, taps, cout);
  const dx = backend.makeOutput(inputShape, 'float32');
  view(backend, dx).fill(0);
  const rowsPerChunk = Math.max(1, Math.floor(inputGradTuning.chunkBytes / (4 * taps * oW)));
  const dyRows = { ...dy, shape: [n * oH * oW, cout] };
  for (let g0 = 0; g0 < n * oH; g0 += rowsPerChunk) {
    const g1 = Math.min(n * oH, g0 + rowsPerChunk);
    const am = rowBlock(backend, dyRows, g0 * oW, g1 * oW);
    const cols = call('BatchMatMul', { a: am, b: wT }, backend, { transposeA: false, transposeB: false });
    free(backend, am);
    col2imAdd(backend, dx, cols, fh, fw, sH, sW, pads.top, pads.left, oH, oW, g0, g1);
    free(backend, cols);
  }
  free(backend, wT);
  return dx;
}

/**
 * Conv2D input gradient. Stride 1: conv2d(dy, filter flipped and transposed to [fh, fw, Cout, Cin]).
 * Stride > 1: split by output phase, so no multiply-add touches an inserted zero: rows h with
 * (h + top) mod s = a only see taps i = a + s*t, a stride-1 conv of dy with that sub-filter; the s*s results
 * are interleaved into dx. A quarter of the work of convolving a zero-dilated dy at stride 2.
 */
function conv2DBackpropInput(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNHWC(a.dataFormat);
  const inputShape = a.inputShape as number[];
  const { info, pads } = convPads(inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, false);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw } = info;
  if (sH === 1 && sW === 1) {
    const { t, owned, convPad } = transposedConvInput(dy, backend, 1, 1, fh, fw, inputShape[1], inputShape[2], pads);
    const wT = phaseFilter(backend, filter, 1, 1, 0, 0);
    const dx = call('Conv2D', { x: t, filter: wT }, backend, {
      strides: [1, 1], pad: convPad, dilations: [1, 1], dataFormat: 'NHWC',
    });
    if (owned) free(backend, t);
    free(backend, wT);
    return dx;
  }
  if (inputGradTuning.method === 'gemm') return inputGradGemm(backend, dy, filter, info, pads, inputShape);
  const [, inH, inW] = inputShape;
  const dx = backend.makeOutput(inputShape, 'float32');
  for (let pa = 0; pa < sH; pa++) {
    for (let pb = 0; pb < sW; pb++) {
      // Output rows of this phase: h = sH*u + pa - top for u in [u0, u1] (likewise columns).
      const u0 = Math.ceil((pads.top - pa) / sH);
      const u1 = Math.floor((inH - 1 + pads.top - pa) / sH);
      const v0 = Math.ceil((pads.left - pb) / sW);
      const v1 = Math.floor((inW - 1 + pads.left - pb) / sW);
      const rows = u1 - u0 + 1;
      const cols = v1 - v0 + 1;
      if (rows <= 0 || cols <= 0) continue;
      const h0 = sH * u0 + pa - pads.top;
      const w0 = sW * v0 + pb - pads.left;
      const ta = Math.ceil((fh - pa) / sH);
      const tb = Math.ceil((fw - pb) / sW);
      if (ta <= 0 || tb <= 0) {
        interleavePhase(backend, dx, undefined, sH, sW, h0, w0, rows, cols);
        continue;
      }
      // p[u] = sum over t of dy[u - t] * W[pa + s*t]: a 'valid' conv over dy framed from row u0 - (ta - 1).
      const framed = spread(backend, dy, 1, 1, ta - 1 - u0, tb - 1 - v0, rows + ta - 1, cols + tb - 1);
      const wf = phaseFilter(backend, filter, sH, sW, pa, pb);
      const p = call('Conv2D', { x: framed, filter: wf }, backend, {
        strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC',
      });
      free(backend, framed, wf);
      interleavePhase(backend, dx, p, sH, sW, h0, w0, rows, cols);
      free(backend, p);
    }
  }
  return dx;
}

/**
 * How Conv2DBackpropFilter runs, exported for tests and benchmarks. `method`: 'gemm' (matrix products over chunks
 * of dy, below) or 'conv' (the algorithm before it: one XNNPACK conv with all of dy as its filter).
 * `chunkBytes`: the bytes of dy per matrix product.
 */
export const filterGradTuning: { method: 'gemm' | 'conv'; chunkBytes: number } = { method: 'gemm', chunkBytes: 256 * 1024 };

function conv2DBackpropFilter(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNHWC(a.dataFormat);
  const filterShape = a.filterShape as number[];
  const { info, pads } = convPads(x.shape, filterShape, a.strides, a.pad, a.dimRoundingMode, false);
  return filterGradTuning.method === 'conv' ? filterGradConv(backend, x, dy, info, pads) : filterGradGemm(backend, x, dy, info, pads);
}

/**
 * dW as matrix products over chunks of dy's rows: for output rows [g0, g1) of the batch (g = n*oH + y),
 * A = im2col(x)^T [fh*fw*Cin, K] (K = (g1 - g0)*oW positions) times B = dy's rows [K, Cout] (a plain copy) is
 * that chunk's share of dW, already in [fh, fw, Cin, Cout] order; the shares are summed.
 * A is copied from the padded input in channel-major order, split by stride phase (channelMajor, made for a group of
 * images at a time), where every tap reads runs of oW contiguous values (im2colT). Chunks of `filterGradTuning.chunkBytes` of dy keep XNNPACK's
 * packed copy of B in L2 and make packing it cheap: the single conv over all of dy ('conv') packs a 32 MB filter
 * at 64x64 and streams it from memory.
 * 1x1 filters gather only the pixels they read (a quarter of x at stride 2), then are a stride-1 problem.
 */
function filterGradGemm(backend: WasmBackend, x: Info, dy: Info, info: backend_util.Conv2DInfo, pads: Pads): Info {
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw, outHeight: oH, outWidth: oW } = info;
  const [n, , , cin] = x.shape;
  const cout = dy.shape[3];
  const oneByOne = fh === 1 && fw === 1;
  const [ps, qs] = oneByOne ? [1, 1] : [sH, sW];
  const dW = backend.makeOutput([fh, fw, cin, cout], 'float32');
  const rowsPerChunk = Math.max(1, Math.floor(filterGradTuning.chunkBytes / (4 * cout * oW)));
  // Images are taken in groups that fill a chunk (or one at a time when a chunk is part of an image), so the
  // channel-major copy of x exists one group at a time.
  const group = Math.max(1, Math.floor(rowsPerChunk / oH));
  const dyRows = { ...dy, shape: [n * oH * oW, cout] };
  for (let b0 = 0; b0 < n; b0 += group) {
    const b1 = Math.min(n, b0 + group);
    // phases[a][e]: padded input pixels (sH*u + a, sW*v + e) of images [b0, b1), [Cin, b1 - b0, rows, cols].
    const phases: Info[][] = [];
    for (let pa = 0; pa < ps; pa++) {
      phases.push([]);
      for (let pe = 0; pe < qs; pe++) {
        phases[pa].push(oneByOne
          ? channelMajor(backend, x, oH, oW, sH, sW, pads.top, pads.left, b0, b1)
          : channelMajor(backend, x, oH + Math.floor((fh - 1 - pa) / sH), oW + Math.floor((fw - 1 - pe) / sW), sH, sW,
            pads.top - pa, pads.left - pe, b0, b1));
      }
    }
    const rows = (b1 - b0) * oH;
    for (let g0 = 0; g0 < rows; g0 += rowsPerChunk) {
      const g1 = Math.min(rows, g0 + rowsPerChunk);
      const am = im2colT(backend, phases, fh, fw, ps, qs, oH, oW, g0, g1);
      const bm = rowBlock(backend, dyRows, (b0 * oH + g0) * oW, (b0 * oH + g1) * oW);
      // b is a fresh tensor: XNNPACK's packed copy of it (cached by tensor id) goes when it is freed.
      const r = call('BatchMatMul', { a: am, b: bm }, backend, { transposeA: false, transposeB: false });
      free(backend, am, bm);
      if (b0 === 0 && g0 === 0) view(backend, dW).set(view(backend, r));
      else addInto(backend, dW, r);
      free(backend, r);
    }
    free(backend, ...phases.flat());
  }
  return dW;
}

/**
 * The previous algorithm, kept for benchmarks: dW as one conv over the batch: x^T [Cin, H, W, N] convolved with
 * dy^T [oH, oW, N, Cout] at dilation = stride (the conv pads x) gives [Cin, fh', fw', Cout]; keep the first
 * fh x fw taps, transpose to [fh, fw, Cin, Cout].
 */
function filterGradConv(backend: WasmBackend, x: Info, dy: Info, info: backend_util.Conv2DInfo, pads: Pads): Info {
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw, outHeight: oH, outWidth: oW } = info;
  const [n, inH, inW, cin] = x.shape;
  const cout = dy.shape[3];
  // Only rows up to (oH-1)*sH + fh of the padded input matter; the rest (of x or of a bottom pad) is dropped.
  const usedH = (oH - 1) * sH + fh;
  const usedW = (oW - 1) * sW + fw;
  const bottom = Math.min(pads.bottom, Math.max(0, usedH - pads.top - inH));
  const right = Math.min(pads.right, Math.max(0, usedW - pads.left - inW));
  let xs = x;
  const cropH = Math.min(inH, usedH - pads.top);
  const cropW = Math.min(inW, usedW - pads.left);
  if (cropH < inH || cropW < inW) xs = call('Slice', { x }, backend, { begin: [0, 0, 0, 0], size: [n, cropH, cropW, cin] });
  const xT = transpose4(backend, xs, [3, 1, 2, 0]);
  if (xs !== x) free(backend, xs);
  const dyT = transpose4(backend, dy, [1, 2, 0, 3]);
  const r = call('Conv2D', { x: xT, filter: dyT }, backend, {
    strides: [1, 1], pad: [[0, 0], [pads.top, bottom], [pads.left, right], [0, 0]], dilations: [sH, sW], dataFormat: 'NHWC',
  });
  free(backend, xT, dyT);
  let rs = r;
  if (r.shape[1] !== fh || r.shape[2] !== fw) {
    rs = call('Slice', { x: r }, backend, { begin: [0, 0, 0, 0], size: [cin, fh, fw, cout] });
    free(backend, r);
  }
  const dw = transpose4(backend, rs, [1, 2, 0, 3]);
  free(backend, rs);
  return dw;
}

/** Depthwise dW from its definition in a JS loop over the heap (see wasm_heap.ts). */
function depthwiseBackpropFilter(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNoDilation(a.dilations);
  const filterShape = a.filterShape as number[];
  const { info, pads } = convPads(x.shape, filterShape, a.strides, a.pad, a.dimRoundingMode, true);
  return depthwiseFilterGrad(backend, x, dy, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    pads.top, pads.left);
}

/** Depthwise dx: dy on the input grid, depthwise conv with the flipped filter per (channel, multiplier), sum over the multiplier. */
function depthwiseBackpropInput(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNoDilation(a.dilations);
  const inputShape = a.inputShape as number[];
  const { info, pads } = convPads(inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, true);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw } = info;
  const [n, inH, inW, cin] = inputShape;
  const m = filter.shape[3];
  const { t, owned, convPad } = transposedConvInput(dy, backend, sH, sW, fh, fw, inH, inW, pads);
  const rev = call('Reverse', { x: filter }, backend, { dims: [0, 1] });
  const f1 = call('Reshape', { x: rev }, backend, { shape: [fh, fw, cin * m, 1] });
  free(backend, rev);
  const y = call('DepthwiseConv2dNative', { x: t, filter: f1 }, backend, {
    strides: [1, 1], pad: convPad, dilations: [1, 1], dataFormat: 'NHWC',
  });
  if (owned) free(backend, t);
  free(backend, f1);
  if (m === 1) return y;
  const y5 = call('Reshape', { x: y }, backend, { shape: [n, inH, inW, cin, m] });
  free(backend, y);
  const dx = call('Sum', { x: y5 }, backend, { axis: [4], keepDims: false });
  free(backend, y5);
  return dx;
}

/** Segment sums on the wasm heap; ids outside [0, numSegments) are dropped as in TensorFlow. */
function unsortedSegmentSum(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { x, segmentIds } = args.inputs as { x: Info; segmentIds: Info };
  const numSegments = (args.attrs ?? {}).numSegments as number;
  const idsShape = segmentIds.shape;
  const idCount = size(idsShape);
  const inner = size(x.shape.slice(idsShape.length));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsShape.length)], x.dtype);
  const o = view(backend, out);
  o.fill(0);
  const xv = view(backend, x);
  const ids = view(backend, segmentIds);
  for (let r = 0; r < idCount; r++) {
    const id = ids[r];
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xv[src + k];
  }
  return out;
}

function tileKernel(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { x } = args.inputs as { x: Info };
  const reps = (args.attrs ?? {}).reps as number[];
  if (x.dtype === 'string') return callBuiltin('Tile', args);
  return tile(backend, x, reps);
}

/**
 * Sum and Mean over a contiguous block of axes that is not innermost (BatchNorm's [0, 1, 2] of NHWC, global
 * pooling's [1, 2]): one pass over x[outer, R, inner] in JS. The built-in transposes x first (about 30x slower
 * here), and a ones-vector matmul would make XNNPACK pack and cache a copy of x as weights.
 */
function reduceKernel(kind: 'Sum' | 'Mean'): (args: KernelArgs) => Info {
  return (args: KernelArgs): Info => {
    const backend = asBackend(args.backend);
    const { x } = args.inputs as { x: Info };
    const attrs = (args.attrs ?? {}) as Attrs;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    const rank = x.shape.length;
    const contiguous = axes.every((ax, i) => i === 0 || ax === axes[i - 1] + 1);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous || axes[axes.length - 1] === rank - 1) {
      return callBuiltin(kind, args);
    }
    const outer = size(x.shape.slice(0, axes[0]));
    const r = size(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
    const inner = size(x.shape.slice(axes[axes.length - 1] + 1));
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = backend.makeOutput(attrs.keepDims === true ? kept : x.shape.filter((_, i) => !axes.includes(i)), 'float32');
    const xv = view(backend, x) as Float32Array;
    const o = view(backend, out) as Float32Array;
    const acc = new Float64Array(inner);
    const scale = kind === 'Mean' ? 1 / r : 1;
    for (let b = 0; b < outer; b++) {
      acc.fill(0);
      let p = b * r * inner;
      let j = 0;
      // Four rows per pass: a quarter of the accumulator traffic.
      for (; j + 4 <= r; j += 4) {
        const p1 = p + inner;
        const p2 = p1 + inner;
        const p3 = p2 + inner;
        for (let i = 0; i < inner; i++) acc[i] += (xv[p + i] + xv[p1 + i]) + (xv[p2 + i] + xv[p3 + i]);
        p += 4 * inner;
      }
      for (; j < r; j++) {
        for (let i = 0; i < inner; i++) acc[i] += xv[p + i];
        p += inner;
      }
      for (let i = 0; i < inner; i++) o[b * inner + i] = acc[i] * scale;
    }
    return out;
  };
}

/** MaxPoolGrad in JS: the built-in one loses the gradient of windows whose maximum is negative. */
function maxPoolGradKernel(args: KernelArgs): Info {
  const backend = asBackend(args.backend);
  const { dy, input } = args.inputs as { dy: Info; input: Info };
  const a = (args.attrs ?? {}) as Attrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], pair(a.filterSize) as [number, number], pair(a.strides) as [number, number],
    1, a.pad as Pad, a.dimRoundingMode as RoundingMode);
  return maxPoolGrad(backend, dy, input, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.padInfo.top, info.padInfo.left);
}

function callBuiltin(name: string, args: KernelArgs): Info {
  const k = builtins.get(name);
  if (k === undefined) throw new Error(`built-in wasm kernel '${name}' is missing`);
  return k.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as Info;
}

const IMPLEMENTATIONS: Record<AddedKernel, tf.KernelFunc> = {
  Conv2DBackpropFilter: conv2DBackpropFilter as tf.KernelFunc,
  Conv2DBackpropInput: conv2DBackpropInput as tf.KernelFunc,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter as tf.KernelFunc,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput as tf.KernelFunc,
  UnsortedSegmentSum: unsortedSegmentSum as tf.KernelFunc,
  Tile: tileKernel as tf.KernelFunc,
  Sum: reduceKernel('Sum') as tf.KernelFunc,
  Mean: reduceKernel('Mean') as tf.KernelFunc,
  MaxPoolGrad: maxPoolGradKernel as tf.KernelFunc,
};

/** What registerWasmKernels did, kernel by kernel. */
export interface WasmKernelReport {
  registered: string[];
  replaced: string[];
  skipped: string[];
}

let report: WasmKernelReport | undefined;

/**
 * Registers the missing wasm gradient kernels (a kernel the installed wasm already ships is skipped) and
 * replaces the built-in kernels listed in WASM_REPLACED_KERNELS with faster ones.
 * Safe to call again: later calls return the first call's report.
 */
export function registerWasmKernels(): WasmKernelReport {
  if (report !== undefined) return report;
  // Registered before tfjs-backend-wasm loads, ours would be overwritten by its own kernels.
  if (tf.getKernel('Conv2D', 'wasm') === undefined) throw new Error('registerWasmKernels: tfjs-backend-wasm is not loaded (call initBackend first)');
  const r: WasmKernelReport = { registered: [], replaced: [], skipped: [] };
  for (const name of WASM_ADDED_KERNELS) {
    const existing = tf.getKernel(name, 'wasm');
    if (existing !== undefined) {
      if (!WASM_REPLACED_KERNELS.includes(name)) {
        r.skipped.push(name);
        continue;
      }
      builtins.set(name, existing);
      tf.unregisterKernel(name, 'wasm');
      r.replaced.push(name);
    } else {
      r.registered.push(name);
    }
    // setupFunc of a replaced kernel already ran when wasm initialised; the builtin keeps working for delegation.
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: IMPLEMENTATIONS[name] });
  }
  report = r;
  return r;
}

/** The wasm backend's own kernel that frnas replaced (e.g. 'Conv2DBackpropInput'), for tests and benchmarks. */
export function builtinWasmKernel(name: string): tf.KernelConfig | undefined {
  return builtins.get(name);
}
