// Gradient kernels the wasm backend of TensorFlow.js 4.22 lacks (and a faster Conv2DBackpropInput),
// composed from kernels wasm already has. Each kernel frees every intermediate it makes.
import { tf } from './tf.js';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type Pads = { top: number; bottom: number; left: number; right: number };

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
}

/** Kernels frnas registers for wasm, in the order they are registered. */
export const WASM_ADDED_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

function call(name: string, inputs: Record<string, Info> | Info[], backend: WasmBackend, attrs: Attrs = {}): Info {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`wasm kernel '${name}' is not registered`);
  return config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

// The built-in Conv2DBackpropInput, kept aside after ours replaces it, for benchmarks.
let builtinBackpropInput: tf.KernelConfig | undefined;

function free(backend: WasmBackend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function asBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (b === null || typeof b !== 'object' || typeof b.makeOutput !== 'function' || typeof b.disposeData !== 'function') {
    throw new Error('frnas wasm kernels called with a backend that is not tfjs-backend-wasm');
  }
  return b as WasmBackend;
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
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

function convPads(
  xShape: number[], filterShape: number[], strides: unknown, pad: unknown, rounding: unknown, depthwise: boolean,
): { info: tf.backend_util.Conv2DInfo; pads: Pads } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    pair(strides), 1, pad as Pad, rounding as RoundingMode, depthwise, 'channelsLast');
  const p = info.padInfo;
  return { info, pads: { top: p.top, bottom: p.bottom, left: p.left, right: p.right } };
}

/**
 * dy spread over the input grid for a transposed convolution: zeros between rows/columns (stride),
 * then cut or zero-padded so that a stride-1 'valid' conv with an fh x fw filter yields inH x inW.
 * Returns the tensor and the explicit pads still to apply inside the conv (cheaper than a copy).
 */
function spreadForTransposedConv(
  dy: Info, backend: WasmBackend, sH: number, sW: number, fh: number, fw: number,
  inH: number, inW: number, pads: Pads,
): { t: Info; convPad: [[number, number], [number, number], [number, number], [number, number]] } {
  const [n, oH, oW, c] = dy.shape;
  let t = dy;
  let owned = false;
  let h = oH;
  let w = oW;
  if (sH > 1 || sW > 1) {
    const r = call('Reshape', { x: dy }, backend, { shape: [n, oH, 1, oW, 1, c] });
    const padded = call('PadV2', { x: r }, backend, {
      paddings: [[0, 0], [0, 0], [0, sH - 1], [0, 0], [0, sW - 1], [0, 0]], constantValue: 0,
    });
    free(backend, r);
    t = call('Reshape', { x: padded }, backend, { shape: [n, oH * sH, oW * sW, c] });
    free(backend, padded);
    owned = true;
    h = oH * sH;
    w = oW * sW;
  }
  // Wanted extent along H: rows [-padTop', inH + fh - 1 - padTop') of the spread dy.
  const pt = fh - 1 - pads.top;
  const pl = fw - 1 - pads.left;
  const wantH = inH + fh - 1;
  const wantW = inW + fw - 1;
  const cropTop = Math.max(0, -pt);
  const cropLeft = Math.max(0, -pl);
  const padTop = Math.max(0, pt);
  const padLeft = Math.max(0, pl);
  const keepH = Math.min(h - cropTop, wantH - padTop);
  const keepW = Math.min(w - cropLeft, wantW - padLeft);
  if (cropTop > 0 || cropLeft > 0 || keepH < h || keepW < w) {
    const s = call('Slice', { x: t }, backend, { begin: [0, cropTop, cropLeft, 0], size: [n, keepH, keepW, c] });
    if (owned) free(backend, t);
    t = s;
    owned = true;
  }
  const padBottom = wantH - padTop - keepH;
  const padRight = wantW - padLeft - keepW;
  if (!owned) {
    // Keep ownership uniform: the caller frees `t`; a reshape shares dy's data with a reference.
    t = call('Reshape', { x: dy }, backend, { shape: dy.shape });
  }
  return { t, convPad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]] };
}

/** dx = conv2d(spread dy, filter flipped in space and transposed to [fh, fw, Cout, Cin]). */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = asBackend(args.backend);
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNHWC(a.dataFormat);
  const inputShape = a.inputShape as number[];
  const { info, pads } = convPads(inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, false);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw } = info;
  const { t, convPad } = spreadForTransposedConv(dy, backend, sH, sW, fh, fw, inputShape[1], inputShape[2], pads);
  const rev = call('Reverse', { x: filter }, backend, { dims: [0, 1] });
  const wT = call('Transpose', { x: rev }, backend, { perm: [0, 1, 3, 2] });
  free(backend, rev);
  const dx = call('Conv2D', { x: t, filter: wT }, backend, {
    strides: [1, 1], pad: convPad, dilations: [1, 1], dataFormat: 'NHWC',
  });
  free(backend, t, wT);
  return dx;
}

/**
 * dW as a conv over the batch: x^T [Cin, Hp, Wp, N] convolved with dy^T [oH, oW, N, Cout] at dilation = stride
 * gives [Cin, fh', fw', Cout]; keep the first fh x fw taps and transpose to [fh, fw, Cin, Cout].
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = asBackend(args.backend);
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNHWC(a.dataFormat);
  const filterShape = a.filterShape as number[];
  const { info, pads } = convPads(x.shape, filterShape, a.strides, a.pad, a.dimRoundingMode, false);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw, outHeight: oH, outWidth: oW } = info;
  const [n, inH, inW, cin] = x.shape;
  const cout = filterShape[3];
  // Only rows up to (oH-1)*sH + fh of the padded input matter; the rest of a bottom pad is dropped.
  const usedH = (oH - 1) * sH + fh;
  const usedW = (oW - 1) * sW + fw;
  const bottom = Math.min(pads.bottom, Math.max(0, usedH - pads.top - inH));
  const right = Math.min(pads.right, Math.max(0, usedW - pads.left - inW));
  let xs = x;
  const cropH = Math.min(inH, usedH - pads.top);
  const cropW = Math.min(inW, usedW - pads.left);
  if (cropH < inH || cropW < inW) xs = call('Slice', { x }, backend, { begin: [0, 0, 0, 0], size: [n, cropH, cropW, cin] });
  const xT = call('Transpose', { x: xs }, backend, { perm: [3, 1, 2, 0] });
  if (xs !== x) free(backend, xs);
  const dyT = call('Transpose', { x: dy }, backend, { perm: [1, 2, 0, 3] });
  const r = call('Conv2D', { x: xT, filter: dyT }, backend, {
    strides: [1, 1], pad: [[0, 0], [pads.top, bottom], [pads.left, right], [0, 0]], dilations: [sH, sW], dataFormat: 'NHWC',
  });
  free(backend, xT, dyT);
  let rs = r;
  if (r.shape[1] !== fh || r.shape[2] !== fw) {
    rs = call('Slice', { x: r }, backend, { begin: [0, 0, 0, 0], size: [cin, fh, fw, cout] });
    free(backend, r);
  }
  const dw = call('Transpose', { x: rs }, backend, { perm: [1, 2, 0, 3] });
  free(backend, rs);
  return dw;
}

/** Depthwise dW: per filter tap, strided slice of the padded x times dy, summed over batch and space. */
function depthwiseBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = asBackend(args.backend);
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNoDilation(a.dilations);
  const filterShape = a.filterShape as number[];
  const { info, pads } = convPads(x.shape, filterShape, a.strides, a.pad, a.dimRoundingMode, true);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw, outHeight: oH, outWidth: oW } = info;
  const [n, , , cin] = x.shape;
  const m = filterShape[3];
  const xp = call('PadV2', { x }, backend, {
    paddings: [[0, 0], [pads.top, pads.bottom], [pads.left, pads.right], [0, 0]], constantValue: 0,
  });
  const rows = n * oH * oW;
  const dy2 = call('Reshape', { x: dy }, backend, { shape: [rows, cin, m] });
  const taps: Info[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const s = call('StridedSlice', { x: xp }, backend, {
        begin: [0, i, j, 0], end: [n, i + (oH - 1) * sH + 1, j + (oW - 1) * sW + 1, cin], strides: [1, sH, sW, 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      });
      const s3 = call('Reshape', { x: s }, backend, { shape: [rows, cin, 1] });
      const prod = call('Multiply', { a: s3, b: dy2 }, backend);
      free(backend, s, s3);
      // Sum over rows as ones[1, rows] x prod[rows, cin*m]: a matmul, not a transpose-then-reduce.
      const p2 = call('Reshape', { x: prod }, backend, { shape: [1, rows, cin * m] });
      free(backend, prod);
      taps.push(p2);
    }
  }
  free(backend, xp, dy2);
  const ones = backend.makeOutput([1, 1, rows], 'float32');
  (backend.typedArrayFromHeap(ones) as Float32Array).fill(1);
  const out: Info[] = [];
  for (const p of taps) {
    out.push(call('BatchMatMul', { a: ones, b: p }, backend, { transposeA: false, transposeB: false }));
    free(backend, p);
  }
  free(backend, ones);
  const stacked = call('Concat', out, backend, { axis: 0 });
  free(backend, ...out);
  const dw = call('Reshape', { x: stacked }, backend, { shape: [fh, fw, cin, m] });
  free(backend, stacked);
  return dw;
}

/** Depthwise dx: spread dy, depthwise conv with the flipped filter per (channel, multiplier), sum over the multiplier. */
function depthwiseBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = asBackend(args.backend);
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const a = (args.attrs ?? {}) as Attrs;
  assertNoDilation(a.dilations);
  const inputShape = a.inputShape as number[];
  const { info, pads } = convPads(inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, true);
  const { strideHeight: sH, strideWidth: sW, filterHeight: fh, filterWidth: fw } = info;
  const [n, inH, inW, cin] = inputShape;
  const m = filter.shape[3];
  const { t, convPad } = spreadForTransposedConv(dy, backend, sH, sW, fh, fw, inH, inW, pads);
  const rev = call('Reverse', { x: filter }, backend, { dims: [0, 1] });
  const f1 = call('Reshape', { x: rev }, backend, { shape: [fh, fw, cin * m, 1] });
  free(backend, rev);
  const y = call('DepthwiseConv2dNative', { x: t, filter: f1 }, backend, {
    strides: [1, 1], pad: convPad, dilations: [1, 1], dataFormat: 'NHWC',
  });
  free(backend, t, f1);
  if (m === 1) return y;
  const y5 = call('Reshape', { x: y }, backend, { shape: [n, inH, inW, cin, m] });
  free(backend, y);
  const dx = call('Sum', { x: y5 }, backend, { axis: [4], keepDims: false });
  free(backend, y5);
  return dx;
}

/** Segment sums on the wasm heap; ids outside [0, numSegments) are dropped as in TensorFlow. */
function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const backend = asBackend(args.backend);
  const { x, segmentIds } = args.inputs as { x: Info; segmentIds: Info };
  const numSegments = (args.attrs ?? {}).numSegments as number;
  const idsShape = segmentIds.shape;
  const idCount = idsShape.reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(idsShape.length).reduce((p, d) => p * d, 1);
  const outShape = [numSegments, ...x.shape.slice(idsShape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out);
  o.fill(0);
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let r = 0; r < idCount; r++) {
    const id = ids[r];
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xv[src + k];
  }
  return out;
}

const IMPLEMENTATIONS: Record<(typeof WASM_ADDED_KERNELS)[number], tf.KernelFunc> = {
  Conv2DBackpropFilter: conv2DBackpropFilter as tf.KernelFunc,
  Conv2DBackpropInput: conv2DBackpropInput as tf.KernelFunc,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter as tf.KernelFunc,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput as tf.KernelFunc,
  UnsortedSegmentSum: unsortedSegmentSum as tf.KernelFunc,
};

/** What registerWasmKernels did, kernel by kernel. */
export interface WasmKernelReport {
  registered: string[];
  replaced: string[];
  skipped: string[];
}

let report: WasmKernelReport | undefined;

/**
 * Registers the missing wasm gradient kernels; a kernel the installed wasm already ships is skipped,
 * except Conv2DBackpropInput, whose built-in version is replaced because it is ~10x slower.
 * Safe to call again: later calls return the first call's report.
 */
export function registerWasmKernels(): WasmKernelReport {
  if (report !== undefined) return report;
  const r: WasmKernelReport = { registered: [], replaced: [], skipped: [] };
  for (const name of WASM_ADDED_KERNELS) {
    const existing = tf.getKernel(name, 'wasm');
    if (existing !== undefined) {
      if (name !== 'Conv2DBackpropInput') {
        r.skipped.push(name);
        continue;
      }
      builtinBackpropInput = existing;
      tf.unregisterKernel(name, 'wasm');
      r.replaced.push(name);
    } else {
      r.registered.push(name);
    }
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: IMPLEMENTATIONS[name] });
  }
  report = r;
  return r;
}

/** The wasm backend's own Conv2DBackpropInput (before frnas replaced it), for benchmarks. */
export function builtinWasmConv2DBackpropInput(): tf.KernelConfig | undefined {
  return builtinBackpropInput;
}
