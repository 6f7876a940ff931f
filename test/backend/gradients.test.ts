// Gradient checks on wasm against cpu for every op the frnas backbones and heads use: one list, walked in order.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  tf, initBackend, groupedConv2d, batchNormTrain, leanRelu, pickPerRow, gatherRows, labelMask, setGradientRelease,
} from '../../lib/backend/index.js';
import { randomArray, relError, runOn, TOL } from './helpers.js';

type T4 = tf.Tensor4D;
interface Case {
  name: string;
  /** Shapes of the differentiated inputs (random values in [-scale, scale]). */
  shapes: number[][];
  scale?: number;
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

const LABELS = [3, 0, 2, 1];
const conv = (s: number, pad: 'same' | 'valid' | number) => (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.conv2d(x as T4, w as T4, s, pad);
const explicitPad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [2, 1], [1, 2], [0, 0]];

function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), axis, true), 1e-12)));
}

const CASES: Case[] = [
  { name: 'conv2d 3x3 stride 1 same', shapes: [[2, 8, 8, 3], [3, 3, 3, 4]], f: conv(1, 'same') },
  { name: 'conv2d 3x3 stride 2 same', shapes: [[2, 9, 9, 4], [3, 3, 4, 6]], f: conv(2, 'same') },
  { name: 'conv2d 5x5 stride 2 valid', shapes: [[2, 11, 10, 3], [5, 5, 3, 4]], f: conv(2, 'valid') },
  { name: 'conv2d 7x7 stride 2 explicit pad', shapes: [[2, 12, 12, 3], [7, 7, 3, 5]],
    f: (x, w) => tf.conv2d(x as T4, w as T4, 2, explicitPad) },
  { name: 'conv2d 1x1 stride 2 (projection shortcut)', shapes: [[2, 8, 8, 4], [1, 1, 4, 8]], f: conv(2, 'same') },
  { name: 'grouped conv 3x3, 4 groups, split', shapes: [[2, 8, 8, 8], [3, 3, 2, 8]],
    f: (x, w) => groupedConv2d(x as T4, w as T4, 1, 'same', 4, 'split') },
  { name: 'grouped conv 3x3, 4 groups, block-diagonal, stride 2', shapes: [[2, 8, 8, 8], [3, 3, 2, 12]],
    f: (x, w) => groupedConv2d(x as T4, w as T4, 2, 'same', 4, 'blockdiag') },
  { name: 'depthwise conv 3x3 stride 1', shapes: [[2, 8, 8, 4], [3, 3, 4, 1]], f: (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 1, 'same') },
  { name: 'depthwise conv 5x5 stride 2, multiplier 2', shapes: [[2, 9, 9, 3], [5, 5, 3, 2]],
    f: (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 2, 'same') },
  { name: 'separable conv (depthwise + pointwise)', shapes: [[2, 8, 8, 4], [3, 3, 4, 1], [1, 1, 4, 6]],
    f: (x, d, p) => tf.separableConv2d(x as T4, d as T4, p as T4, 1, 'same') },
  { name: 'batch norm, training mode (tfjs moments + batchNorm)', shapes: [[4, 5, 5, 6], [6], [6]],
    f: (x, g, b) => { const { mean, variance } = tf.moments(x, [0, 1, 2]); return tf.batchNorm(x, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3); } },
  { name: 'batch norm, training mode (frnas batchNormTrain)', shapes: [[4, 5, 5, 6], [6], [6]],
    f: (x, g, b) => batchNormTrain(x, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3) },
  { name: 'batch norm 1-D (embedding)', shapes: [[8, 6], [6], [6]], f: (x, g, b) => batchNormTrain(x, g as tf.Tensor1D, b as tf.Tensor1D) },
  { name: 'relu', shapes: [[2, 6, 6, 3]], f: (x) => tf.relu(x) },
  { name: 'leanRelu', shapes: [[2, 6, 6, 3]], f: (x) => leanRelu(x) },
  { name: 'prelu', shapes: [[2, 6, 6, 3], [3]], f: (x, a) => tf.prelu(x, a) },
  { name: 'max pool 2x2 stride 2', shapes: [[2, 8, 8, 3]], f: (x) => tf.maxPool(x as T4, 2, 2, 'valid') },
  { name: 'max pool 3x3 stride 2 same', shapes: [[2, 9, 9, 3]], f: (x) => tf.maxPool(x as T4, 3, 2, 'same') },
  { name: 'average pool 2x2 stride 2', shapes: [[2, 8, 8, 3]], f: (x) => tf.avgPool(x as T4, 2, 2, 'valid') },
  { name: 'global average pool', shapes: [[3, 5, 5, 4]], f: (x) => tf.mean(x, [1, 2]) },
  { name: 'concat on channels (dual-path)', shapes: [[2, 4, 4, 3], [2, 4, 4, 5]], f: (a, b) => tf.concat([a, b], 3) },
  { name: 'slice on channels', shapes: [[2, 4, 4, 8]], f: (x) => tf.slice(x, [0, 0, 0, 2], [2, 4, 4, 4]) },
  { name: 'residual add with broadcast bias', shapes: [[2, 4, 4, 6], [2, 4, 4, 6], [6]], f: (a, b, c) => tf.add(tf.add(a, b), c) },
  { name: 'matmul (dense layer)', shapes: [[6, 10], [10, 7]], f: (a, b) => tf.matMul(a, b) },
  { name: 'matmul with transposes', shapes: [[10, 6], [7, 10]], f: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'L2 normalise rows', shapes: [[4, 8]], f: (x) => l2Normalize(x, 1) },
  { name: 'ArcFace margin cos(acos(cos) + m)', shapes: [[4, 8], [8, 5]],
    f: (e, w) => {
      const cos = tf.clipByValue(tf.matMul(l2Normalize(e, 1), l2Normalize(w, 0)), -0.999, 0.999);
      const mask = labelMask(LABELS, 5);
      return tf.mul(tf.add(tf.mul(mask, tf.cos(tf.add(tf.acos(cos), 0.5))), tf.mul(tf.sub(1, mask), cos)), 30);
    } },
  { name: 'CosFace margin cos - m', shapes: [[4, 8], [8, 5]],
    f: (e, w) => tf.mul(tf.sub(tf.matMul(l2Normalize(e, 1), l2Normalize(w, 0)), tf.mul(labelMask(LABELS, 5), 0.35)), 30) },
  { name: 'log-softmax cross-entropy (pickPerRow)', shapes: [[4, 5]], scale: 3,
    f: (z) => tf.neg(tf.mean(pickPerRow(tf.logSoftmax(z) as tf.Tensor2D, LABELS))) },
  { name: 'focal loss (gamma 2)', shapes: [[4, 5]], scale: 3,
    f: (z) => {
      const logp = pickPerRow(tf.logSoftmax(z) as tf.Tensor2D, LABELS);
      return tf.neg(tf.mean(tf.mul(tf.pow(tf.sub(1, tf.exp(logp)), 2), logp)));
    } },
  { name: 'gatherRows', shapes: [[5, 3]], f: (x) => gatherRows(x, [4, 0, 0, 2]) },
];

/** Weighted sum with fixed random weights so every output element matters to the gradient. */
function scalarize(y: tf.Tensor, seed: string): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(randomArray(y.size, seed), y.shape))) as tf.Scalar;
}

function gradsOf(c: Case): () => tf.Tensor[] {
  return () => {
    const xs = c.shapes.map((s, i) => tf.tensor(randomArray(s.reduce((p, d) => p * d, 1), `${c.name}-${i}`, c.scale ?? 1), s));
    const g = tf.grads((...args: tf.Tensor[]) => scalarize(c.f(...args), `${c.name}-w`));
    const y = c.f(...xs);
    return [y, ...g(xs)];
  };
}

describe('backend: gradients on wasm equal cpu, op by op', function () {
  before(async () => {
    await initBackend({ prefer: 'wasm', log: () => undefined });
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const ref = await runOn('cpu', gradsOf(c));
      const got = await runOn('wasm', gradsOf(c));
      expect(got.length).to.equal(ref.length);
      for (let i = 0; i < ref.length; i++) {
        expect(relError(got[i], ref[i]), i === 0 ? 'value' : `gradient ${i}`).to.be.below(TOL);
      }
    });
  }

  it('batchNormTrain matches tfjs moments + batchNorm (values and gradients)', async () => {
    const mk = (useOurs: boolean) => (): tf.Tensor[] => {
      const x = tf.tensor(randomArray(4 * 5 * 5 * 6, 'bnx', 2), [4, 5, 5, 6]);
      const g = tf.tensor1d(randomArray(6, 'bng'));
      const b = tf.tensor1d(randomArray(6, 'bnb'));
      const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
        if (useOurs) return batchNormTrain(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-3);
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        return tf.batchNorm(xx, mean, variance, bb as tf.Tensor1D, gg as tf.Tensor1D, 1e-3);
      };
      const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => scalarize(f(xx, gg, bb), 'bnw'));
      return [f(x, g, b), ...grads([x, g, b])];
    };
    const ref = await runOn('cpu', mk(false));
    const got = await runOn('wasm', mk(true));
    for (let i = 0; i < ref.length; i++) expect(relError(got[i], ref[i]), `output ${i}`).to.be.below(TOL);
  });

  it('early release of intermediate gradients changes no result and lowers the peak', async () => {
    const run = (release: boolean): (() => tf.Tensor[]) => () => {
      setGradientRelease(release);
      const x = tf.tensor(randomArray(4 * 12 * 12 * 4, 'rx'), [4, 12, 12, 4]);
      const w1 = tf.tensor(randomArray(3 * 3 * 4 * 8, 'rw1'), [3, 3, 4, 8]);
      const w2 = tf.tensor(randomArray(3 * 3 * 8 * 8, 'rw2'), [3, 3, 8, 8]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const h = tf.relu(tf.conv2d(x as T4, a as T4, 1, 'same'));
        return scalarize(tf.sigmoid(tf.conv2d(h as T4, b as T4, 2, 'same')), 'rw');
      });
      return g([w1, w2]);
    };
    await tf.setBackend('wasm');
    const withRelease = await runOn('wasm', run(true));
    const without = await runOn('wasm', run(false));
    setGradientRelease(true);
    for (let i = 0; i < without.length; i++) expect(Array.from(withRelease[i])).to.deep.equal(Array.from(without[i]));
    // The peak is measured in a fresh process: in this one, what earlier test files left behind could move it.
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/release-peak.ts', import.meta.url))], { encoding: 'utf8' });
    expect(child.status, child.stderr).to.equal(0);
    const { on, off } = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { on: number; off: number };
    expect(on).to.be.below(off);
  });
});
