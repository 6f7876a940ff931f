// Each kernel frnas adds to wasm equals the cpu backend's kernel on random inputs.
import { expect } from 'chai';
import { tf, initBackend, registerWasmKernels, WASM_ADDED_KERNELS } from '../../lib/backend/index.js';
import { filterGradTuning, inputGradTuning } from '../../lib/backend/wasm_kernels.js';
import { randomTensor, relError, runOn, TOL } from './helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const PADS: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]]];
const KERNELS = [1, 3, 5, 7];
const STRIDES = [1, 2];

function outSize(n: number, k: number, s: number, pad: Pad, before: number, after: number): number {
  if (pad === 'same') return Math.ceil(n / s);
  if (pad === 'valid') return Math.floor((n - k) / s) + 1;
  return Math.floor((n + before + after - k) / s) + 1;
}

async function compare(fn: () => tf.Tensor): Promise<number> {
  const [ref] = await runOn('cpu', fn);
  const [got] = await runOn('wasm', fn);
  return relError(got, ref);
}

// Conv2DBackpropFilter's code paths for a dy of shape [N, oH, oW, Cout]: matrix products over chunks of dy (all
// images in one chunk; one output row per chunk; two images per chunk, the last group short when N is odd), and the
// previous single conv kept for benchmarks.
const FILTER_GRAD_PATHS: [string, (dyShape: number[]) => typeof filterGradTuning][] = [
  ['gemm', () => ({ method: 'gemm', chunkBytes: 256 * 1024 })],
  ['gemm, 1 row per chunk', () => ({ method: 'gemm', chunkBytes: 1 })],
  ['gemm, 2 images per chunk', ([, oh, ow, cout]) => ({ method: 'gemm', chunkBytes: 4 * cout * ow * oh * 2 })],
  ['conv', () => ({ method: 'conv', chunkBytes: 256 * 1024 })],
];

// Conv2DBackpropInput's code paths at stride > 1: matrix product + col2im (one chunk; one output row per chunk),
// and the previous per-phase convs.
const INPUT_GRAD_PATHS: [string, typeof inputGradTuning][] = [
  ['gemm', { method: 'gemm', chunkBytes: 1024 * 1024 }], ['gemm, 1 row per chunk', { method: 'gemm', chunkBytes: 1 }],
  ['phases', { method: 'phases', chunkBytes: 1024 * 1024 }],
];

/** Largest error against cpu of Conv2DBackpropInput over all its wasm code paths, with the path's name. */
async function compareInputGrad(dy: () => tf.Tensor, filter: () => tf.Tensor, attrs: Record<string, unknown>): Promise<[number, string]> {
  const fn = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy(), filter: filter() }, attrs as tf.NamedAttrMap) as tf.Tensor;
  const [ref] = await runOn('cpu', fn);
  const saved = { ...inputGradTuning };
  let worst: [number, string] = [0, ''];
  try {
    for (const [name, tuning] of INPUT_GRAD_PATHS) {
      Object.assign(inputGradTuning, tuning);
      const err = relError((await runOn('wasm', fn))[0], ref);
      if (!(err <= worst[0])) worst = [err, name];
    }
  } finally {
    Object.assign(inputGradTuning, saved);
  }
  return worst;
}

/** Largest error against cpu of Conv2DBackpropFilter over all its wasm code paths, with the path's name. */
async function compareFilterGrad(x: () => tf.Tensor, dy: () => tf.Tensor, attrs: Record<string, unknown>): Promise<[number, string]> {
  const fn = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropFilter', { x: x(), dy: dy() }, attrs as tf.NamedAttrMap) as tf.Tensor;
  const [ref] = await runOn('cpu', fn);
  const dyShape = tf.tidy(() => dy().shape);
  const saved = { ...filterGradTuning };
  let worst: [number, string] = [0, ''];
  try {
    for (const [name, tuning] of FILTER_GRAD_PATHS) {
      Object.assign(filterGradTuning, tuning(dyShape));
      const [got] = await runOn('wasm', fn);
      const err = relError(got, ref);
      if (!(err <= worst[0])) worst = [err, name];
    }
  } finally {
    Object.assign(filterGradTuning, saved);
  }
  return worst;
}

describe('backend: wasm gradient kernels equal cpu', function () {
  before(async () => {
    await initBackend({ prefer: 'wasm', log: () => undefined });
  });
  after(async () => {
    await tf.setBackend('wasm');
  });

  it('registers every added kernel for wasm, and a second registration is a no-op', () => {
    for (const name of WASM_ADDED_KERNELS) expect(tf.getKernel(name, 'wasm'), name).to.not.equal(undefined);
    const first = registerWasmKernels();
    expect(registerWasmKernels()).to.equal(first);
    expect([...first.registered, ...first.replaced, ...first.skipped].sort()).to.deep.equal([...WASM_ADDED_KERNELS].sort());
  });

  const [n, h, w] = [3, 11, 10];
  for (const k of KERNELS) {
    for (const s of STRIDES) {
      for (const pad of PADS) {
        const padName = typeof pad === 'string' ? pad : 'explicit';
        const [pt, pb] = typeof pad === 'string' ? [0, 0] : pad[1];
        const [pl, pr] = typeof pad === 'string' ? [0, 0] : pad[2];
        const oh = outSize(h, k, s, pad, pt, pb);
        const ow = outSize(w, k, s, pad, pl, pr);
        const [cin, cout] = [4, 5];
        it(`Conv2DBackpropFilter and Conv2DBackpropInput: ${k}x${k}, stride ${s}, pad ${padName}`, async () => {
          const seed = `c${k}${s}${padName}`;
          const [errF, path] = await compareFilterGrad(() => randomTensor([n, h, w, cin], seed + 'x'),
            () => randomTensor([n, oh, ow, cout], seed + 'dy'), { strides: [s, s], pad, dataFormat: 'NHWC', filterShape: [k, k, cin, cout] });
          const [errI, pathI] = await compareInputGrad(() => randomTensor([n, oh, ow, cout], seed + 'dy'),
            () => randomTensor([k, k, cin, cout], seed + 'f'), { strides: [s, s], pad, dataFormat: 'NHWC', inputShape: [n, h, w, cin] });
          expect(errF, `filter (${path})`).to.be.below(TOL);
          expect(errI, `input (${pathI})`).to.be.below(TOL);
        });
        for (const m of [1, 3]) {
          it(`DepthwiseConv2dNative backprops: ${k}x${k}, stride ${s}, pad ${padName}, multiplier ${m}`, async () => {
            const seed = `d${k}${s}${padName}${m}`;
            const c = 3;
            const attrs = { strides: [s, s], pad, dilations: [1, 1] };
            const errF = await compare(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter',
              { x: randomTensor([n, h, w, c], seed + 'x'), dy: randomTensor([n, oh, ow, c * m], seed + 'dy') },
              { ...attrs, filterShape: [k, k, c, m] } as unknown as tf.NamedAttrMap) as tf.Tensor);
            const errI = await compare(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput',
              { dy: randomTensor([n, oh, ow, c * m], seed + 'dy'), filter: randomTensor([k, k, c, m], seed + 'f') },
              { ...attrs, inputShape: [n, h, w, c] } as unknown as tf.NamedAttrMap) as tf.Tensor);
            expect(errF, 'filter').to.be.below(TOL);
            expect(errI, 'input').to.be.below(TOL);
          });
        }
      }
    }
  }

  it('Conv2D backprops at a training-like shape (batch 8, 16x16x24 -> 32, stride 2)', async () => {
    const x = (): tf.Tensor => randomTensor([8, 16, 16, 24], 'bx', 3);
    const dy = (): tf.Tensor => randomTensor([8, 8, 8, 32], 'bdy', 2);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC' };
    const [errF, path] = await compareFilterGrad(x, dy, { ...attrs, filterShape: [3, 3, 24, 32] });
    expect(errF, path).to.be.below(TOL);
    const [errI, pathI] = await compareInputGrad(dy, () => randomTensor([3, 3, 24, 32], 'bf'), { ...attrs, inputShape: [8, 16, 16, 24] });
    expect(errI, pathI).to.be.below(TOL);
  });

  it('Conv2DBackpropFilter on rows of 32 or more outputs (copied with copyWithin), 1x1 and 3x3, strides 1 and 2', async () => {
    for (const [k, s, pad] of [[3, 1, 'same'], [3, 2, 'same'], [1, 2, 'same'], [1, 1, 'valid'], [5, 1, [[0, 0], [2, 1], [3, 0], [0, 0]]]] as [number, number, Pad][]) {
      const [pt, pb] = typeof pad === 'string' ? [0, 0] : pad[1];
      const [pl, pr] = typeof pad === 'string' ? [0, 0] : pad[2];
      const [oh, ow] = [outSize(4, k, s, pad, pt, pb), outSize(70, k, s, pad, pl, pr)];
      const seed = `wide${k}${s}${String(pad)}`;
      const [err, path] = await compareFilterGrad(() => randomTensor([2, 4, 70, 3], seed + 'x'), () => randomTensor([2, oh, ow, 5], seed + 'dy'),
        { strides: [s, s], pad, dataFormat: 'NHWC', filterShape: [k, k, 3, 5] });
      expect(err, `${k}x${k} stride ${s} ${String(pad)}: ${path}`).to.be.below(TOL);
    }
  });

  it('UnsortedSegmentSum: repeated ids, ids out of range dropped, 2-D data', async () => {
    const ids = [0, 3, 3, 1, -1, 7, 0];
    const err = await compare(() => tf.unsortedSegmentSum(randomTensor([7, 5], 'seg'), tf.tensor1d(ids, 'int32'), 4));
    expect(err).to.be.below(1e-6);
    const err1 = await compare(() => tf.unsortedSegmentSum(randomTensor([6], 'seg1'), tf.tensor1d([2, 2, 0, 1, 5, 0], 'int32'), 3));
    expect(err1).to.be.below(1e-6);
  });

  it('Tile (replaced): BatchNorm-style [1,1,1,C] -> NHWC, inner and mixed reps, int32', async () => {
    for (const [shape, reps] of [[[1, 1, 1, 5], [3, 4, 2, 1]], [[2, 3], [2, 3]], [[3, 1, 2], [1, 4, 1]], [[4], [3]]] as [number[], number[]][]) {
      expect(await compare(() => tf.tile(randomTensor(shape, `t${shape}`), reps)), `${shape} x ${reps}`).to.equal(0);
    }
    const [a] = await runOn('wasm', () => tf.tile(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), [2, 2]));
    expect(Array.from(a)).to.deep.equal([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it('Sum and Mean (replaced): leading, middle and innermost axes, keepDims, int32 passthrough', async () => {
    const cases: [number[], number[], boolean][] = [
      [[6, 5, 4, 7], [0, 1, 2], false], [[6, 5, 4, 7], [0, 1, 2], true], [[6, 5, 4, 7], [1, 2], false],
      [[6, 5, 4, 7], [3], false], [[6, 5, 4, 7], [0, 2], true], [[9, 3], [0], false], [[4, 5, 6], [1], true],
    ];
    for (const [shape, axes, keep] of cases) {
      const e1 = await compare(() => tf.sum(randomTensor(shape, `s${shape}${axes}`, 3), axes, keep));
      const e2 = await compare(() => tf.mean(randomTensor(shape, `m${shape}${axes}`, 3), axes, keep));
      expect(e1, `sum ${shape} over ${axes}`).to.be.below(1e-5);
      expect(e2, `mean ${shape} over ${axes}`).to.be.below(1e-5);
    }
    const [s] = await runOn('wasm', () => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    expect(Array.from(s)).to.deep.equal([4, 6]);
  });

  it('MaxPoolGrad (replaced): windows whose maximum is negative keep their gradient, pads and strides', async () => {
    const x = Array.from({ length: 48 }, (_, i) => Math.sin(i * 1.7 + 0.3));
    for (const [k, s, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same']] as [number, number, 'valid' | 'same'][]) {
      const err = await compare(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, k, s, pad), 2)))(
        tf.tensor4d(x, [1, 4, 4, 3])));
      expect(err, `${k}x${k} stride ${s} ${pad}`).to.equal(0);
    }
  });

  it('the kernels free their intermediates (no wasm tensors left behind)', async () => {
    await tf.setBackend('wasm');
    const saved = { ...filterGradTuning };
    const savedI = { ...inputGradTuning };
    after(() => {
      Object.assign(filterGradTuning, saved);
      Object.assign(inputGradTuning, savedI);
    });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const x = randomTensor([2, 9, 9, 3], 'lx');
    const dy = randomTensor([2, 5, 5, 4], 'ldy');
    const f = randomTensor([3, 3, 3, 4], 'lf');
    const dx = randomTensor([2, 9, 9, 4], 'ldx');
    const ddy = randomTensor([2, 5, 5, 8], 'lddy');
    const df = randomTensor([3, 3, 4, 2], 'ldf');
    const dy1 = randomTensor([2, 9, 9, 4], 'ldy1');
    const outs = [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: ddy, filter: df },
        { strides: [2, 2], pad: 'same', dilations: [1, 1], inputShape: [2, 9, 9, 4] } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: dx, dy: ddy },
        { strides: [2, 2], pad: 'same', dilations: [1, 1], filterShape: [3, 3, 4, 2] } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.sum(x, [0, 1, 2]), tf.mean(x, [1, 2]), tf.tile(f, [1, 2, 1, 1]),
      ...FILTER_GRAD_PATHS.flatMap(([, tuning]) => {
        Object.assign(filterGradTuning, tuning([2, 5, 5, 4]));
        return [[3, 2], [1, 2], [3, 1]].map(([k, s]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: s === 2 ? dy : dy1 },
          { strides: [s, s], pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, 3, 4] } as unknown as tf.NamedAttrMap) as tf.Tensor);
      }),
      ...INPUT_GRAD_PATHS.map(([, tuning]) => {
        Object.assign(inputGradTuning, tuning);
        return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f },
          { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }),
    ];
    tf.dispose([x, dy, f, dx, ddy, df, dy1, ...outs]);
    expect(backend.numDataIds()).to.equal(before);
  });
});
