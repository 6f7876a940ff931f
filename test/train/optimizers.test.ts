import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import { ParameterStore } from '../../lib/models/parameters.js';
import { Optimizer, type OptimizerName } from '../../lib/train/optimizers.js';
import { learningRateAt, learningRateSchedule } from '../../lib/train/schedules.js';

/** One weight w (with decay) and gradients fed by hand; returns w after each step. */
function run(name: OptimizerName, w0: number, gradients: number[], settings: { lr: number; weightDecay: number; momentum?: number; nesterov?: boolean }): number[] {
  const store = new ParameterStore(0);
  const w = store.normal('w', [1], 0, true);
  tf.tidy(() => w.assign(tf.tensor1d([w0])));
  const optimizer = new Optimizer(store.trainable(), { name, learningRate: settings.lr, weightDecay: settings.weightDecay, momentum: settings.momentum ?? 0.9, nesterov: settings.nesterov ?? false });
  const values: number[] = [];
  for (const g of gradients) {
    const grad = tf.tensor1d([g]);
    optimizer.apply({ [w.name]: grad }, settings.lr);
    grad.dispose();
    values.push(w.dataSync()[0]);
  }
  optimizer.dispose();
  store.dispose();
  return values;
}

describe('train/optimizers: SGD, Adam, AdamW with explicit state', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('SGD with momentum follows torch.optim.SGD (L2 added to the gradient)', () => {
    const [w1, w2] = run('SGD', 1, [0.5, 0.5], { lr: 0.1, weightDecay: 0.01 });
    // step 1: g = 0.5 + 0.01·1 = 0.51, buf = 0.51, w = 1 − 0.051.
    expect(w1).to.be.closeTo(0.949, 1e-6);
    // step 2: g = 0.5 + 0.01·0.949, buf = 0.9·0.51 + g.
    const g2 = 0.5 + 0.01 * 0.949;
    expect(w2).to.be.closeTo(0.949 - 0.1 * (0.9 * 0.51 + g2), 1e-6);
  });

  it('SGD Nesterov steps by g + μ·buf', () => {
    const [w1] = run('SGD', 1, [1], { lr: 0.1, weightDecay: 0, nesterov: true });
    expect(w1).to.be.closeTo(1 - 0.1 * (1 + 0.9 * 1), 1e-6);
  });

  it('AdamW decouples weight decay; Adam adds it to the gradient (they differ as they should)', () => {
    const lr = 0.01;
    const wd = 0.1;
    // Zero loss gradient: AdamW only shrinks w by (1 − lr·wd); Adam+L2 normalises wd·w to a step of ~lr.
    const [adamW] = run('AdamW', 2, [0], { lr, weightDecay: wd });
    const [adam] = run('Adam', 2, [0], { lr, weightDecay: wd });
    expect(adamW).to.be.closeTo(2 * (1 - lr * wd), 1e-6);
    const g = wd * 2; // m̂ = g, v̂ = g² after bias correction.
    expect(adam).to.be.closeTo(2 - (lr * g) / (Math.abs(g) + 1e-8), 1e-6);
    // With a loss gradient g pulling w up: AdamW's decay effect is lr·wd·w whatever g's scale; with Adam the
    // L2 term is normalised together with g, so it flips a small gradient's step and vanishes beside a large one.
    const effect = (name: OptimizerName, g: number): number =>
      run(name, 2, [g, g], { lr, weightDecay: wd })[1] - run(name, 2, [g, g], { lr, weightDecay: 0 })[1];
    expect(effect('AdamW', -0.05)).to.be.closeTo(effect('AdamW', -1e3), 1e-5);
    expect(effect('AdamW', -0.05)).to.be.lessThan(-1e-3);
    expect(effect('Adam', -0.05)).to.be.closeTo(-4 * lr, 2e-3);
    expect(Math.abs(effect('Adam', -1e3))).to.be.lessThan(1e-5);
  });

  it('skips weight decay for parameters marked without decay (biases, BatchNorm)', () => {
    const store = new ParameterStore(0);
    const bias = store.constant('b', [1], 1);
    const optimizer = new Optimizer(store.trainable(), { name: 'AdamW', learningRate: 0.1, weightDecay: 0.5 });
    const grad = tf.zeros([1]);
    optimizer.apply({ [bias.name]: grad }, 0.1);
    expect(bias.dataSync()[0]).to.equal(1);
    tf.dispose(grad);
    optimizer.dispose();
    store.dispose();
  });

  it('saves and restores its state exactly', () => {
    const store = new ParameterStore(0);
    const w = store.normal('w', [3], 1, true);
    const optimizer = new Optimizer(store.trainable(), { name: 'Adam', learningRate: 0.1 });
    const grad = tf.tensor1d([1, -2, 3]);
    optimizer.apply({ [w.name]: grad }, 0.1);
    const saved = optimizer.saveState();
    optimizer.apply({ [w.name]: grad }, 0.1);
    optimizer.restoreState(saved);
    expect(optimizer.step).to.equal(1);
    expect(Array.from(optimizer.saveState().slots.get('w/m')!)).to.deep.equal(Array.from(saved.slots.get('w/m')!));
    tf.dispose(grad);
    optimizer.dispose();
    store.dispose();
  });
});

describe('train/schedules: learning rate against the maximum budget', () => {
  it('cosine warms up linearly, peaks at the base rate and decays to the floor at maxEpochs', () => {
    const s = learningRateSchedule({ name: 'cosine', learningRate: 0.1, maxEpochs: 10, warmupEpochs: 3, warmupLearningRate: 0, minLearningRate: 0 });
    expect(learningRateAt(s, 0)).to.equal(0);
    expect(learningRateAt(s, 1.5)).to.be.closeTo(0.05, 1e-12);
    expect(learningRateAt(s, 3)).to.be.closeTo(0.1, 1e-12);
    expect(learningRateAt(s, 6.5)).to.be.closeTo(0.05, 1e-12);
    expect(learningRateAt(s, 10)).to.be.closeTo(0, 1e-12);
  });

  it('step multiplies by lrCycleDecay every decayEpochs; constant stays', () => {
    const s = learningRateSchedule({ name: 'step', learningRate: 1, maxEpochs: 9, warmupEpochs: 0, decayEpochs: 3, lrCycleDecay: 0.5 });
    expect([0, 2.9, 3, 6.1].map((t) => learningRateAt(s, t))).to.deep.equal([1, 1, 0.5, 0.25]);
    const c = learningRateSchedule({ name: 'constant', learningRate: 0.3, maxEpochs: 9 });
    expect(learningRateAt(c, 8)).to.equal(0.3);
  });

  it('defaults to FR-NAS warm-up (3 of 10 epochs, at most 30 % of the schedule)', () => {
    expect(learningRateSchedule({ learningRate: 1, maxEpochs: 10 }).warmupEpochs).to.equal(3);
    expect(learningRateSchedule({ learningRate: 1, maxEpochs: 4 }).warmupEpochs).to.be.closeTo(1.2, 1e-12);
    expect(() => learningRateSchedule({ name: 'cyclic' as 'step', learningRate: 1, maxEpochs: 4 })).to.throw(/unknown schedule/);
  });
});
