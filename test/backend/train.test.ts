// A small conv net trains on wasm: 50 Adam steps, falling loss, no tensor leak.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { tf, initBackend, batchNormTrain, leanRelu, pickPerRow, groupedConv2d } from '../../lib/backend/index.js';

describe('backend: training on wasm', function () {
  before(async () => {
    await initBackend({ prefer: 'wasm', log: () => undefined });
  });

  it('trains a small conv net for 50 steps with a falling loss and a stable tensor count', () => {
    const rng = seedrandom('train');
    const [n, size, classes] = [32, 12, 4];
    // Class = the quadrant holding a bright square, on noise: learnable in a few dozen steps.
    const xs = new Float32Array(n * size * size * 3);
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % classes;
      labels.push(c);
      for (let p = 0; p < size * size * 3; p++) xs[i * size * size * 3 + p] = (rng() - 0.5) * 0.5;
      const [oy, ox] = [c < 2 ? 1 : 7, c % 2 === 0 ? 1 : 7];
      for (let y = oy; y < oy + 4; y++) for (let x = ox; x < ox + 4; x++) for (let k = 0; k < 3; k++) xs[((i * size + y) * size + x) * 3 + k] += 1.5;
    }
    const x = tf.tensor4d(xs, [n, size, size, 3]);
    const y = tf.tensor1d(labels, 'int32');
    const init = (shape: number[], fanIn: number): tf.Variable =>
      tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng() * 2 - 1) * Math.sqrt(6 / fanIn)), shape));
    const v = {
      c1: init([3, 3, 3, 8], 27), g1: tf.variable(tf.ones([8])), b1: tf.variable(tf.zeros([8])),
      c2: init([3, 3, 2, 16], 18), g2: tf.variable(tf.ones([16])), b2: tf.variable(tf.zeros([16])),
      dw: init([3, 3, 16, 1], 9), fc: init([16, classes], 16),
    };
    const loss = (): tf.Scalar => {
      let h = leanRelu(batchNormTrain(tf.conv2d(x, v.c1 as tf.Tensor4D, 1, 'same'), v.g1 as tf.Tensor1D, v.b1 as tf.Tensor1D));
      h = leanRelu(batchNormTrain(groupedConv2d(h as tf.Tensor4D, v.c2 as tf.Tensor4D, 2, 'same', 4), v.g2 as tf.Tensor1D, v.b2 as tf.Tensor1D));
      h = tf.relu(tf.depthwiseConv2d(h as tf.Tensor4D, v.dw as tf.Tensor4D, 1, 'same'));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      const logits = tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, v.fc as tf.Tensor2D);
      return tf.neg(tf.mean(pickPerRow(tf.logSoftmax(logits) as tf.Tensor2D, y))) as tf.Scalar;
    };
    const opt = tf.train.adam(0.02);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 50; step++) {
      const l = opt.minimize(loss, true) as tf.Scalar;
      losses.push(l.dataSync()[0]);
      l.dispose();
      counts.push(tf.memory().numTensors);
    }
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(losses.every(Number.isFinite)).to.equal(true);
    expect(last).to.be.below(first * 0.5);
    // Adam creates its slot variables on the first step; from then on the count must not move.
    expect(new Set(counts.slice(1))).to.deep.equal(new Set([counts[1]]));
    opt.dispose();
    tf.dispose([x, y, ...Object.values(v)]);
  });
});
