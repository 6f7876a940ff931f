import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import { ArcFace, CosFace, MagFace, SoftmaxHead, createHead } from '../../lib/models/heads.js';
import { crossEntropyLoss, focalLoss } from '../../lib/models/losses.js';
import { ParameterStore } from '../../lib/models/parameters.js';

/** Class centres e1 and e2 (columns of W), so cos θ_j is the j-th coordinate of a unit embedding. */
function setIdentityCentres(weight: tf.Variable): void {
  tf.tidy(() => weight.assign(tf.tensor2d([[1, 0], [0, 1]])));
}

function logitsOf(head: { forward(e: tf.Tensor2D, l: tf.Tensor1D): { logits: tf.Tensor2D; regularizer?: tf.Scalar } }, rows: number[][], labels: number[]): { logits: number[][]; regularizer?: number } {
  return tf.tidy(() => {
    const out = head.forward(tf.tensor2d(rows), tf.tensor1d(labels, 'int32'));
    return { logits: out.logits.arraySync(), regularizer: out.regularizer?.dataSync()[0] };
  });
}

describe('models/heads: margin heads and losses on hand-made cases', () => {
  let store: ParameterStore;
  before(async () => {
    await tf.setBackend('cpu');
  });
  beforeEach(() => {
    store = new ParameterStore(1);
  });
  afterEach(() => store.dispose());

  it('CosFace: s·(cos θ − m) on the target, s·cos θ elsewhere (s 64, m 0.35)', () => {
    const head = new CosFace(store, 2, 2);
    setIdentityCentres(head.weight);
    // Unnormalised input: the head normalises the embedding; cos = (0.6, 0.8).
    const { logits } = logitsOf(head, [[3, 4]], [0]);
    expect(logits[0][0]).to.be.closeTo(64 * (0.6 - 0.35), 1e-3);
    expect(logits[0][1]).to.be.closeTo(64 * 0.8, 1e-3);
  });

  it('ArcFace: s·cos(θ + m) when cos θ > cos(π − m), else the fallback s·(cos θ − m·sin(π − m))', () => {
    const head = new ArcFace(store, 2, 2);
    setIdentityCentres(head.weight);
    const m = 0.5;
    const { logits } = logitsOf(head, [[0.6, 0.8], [-0.9, Math.sqrt(1 - 0.81)]], [0, 0]);
    expect(logits[0][0]).to.be.closeTo(64 * Math.cos(Math.acos(0.6) + m), 1e-3);
    expect(logits[0][1]).to.be.closeTo(64 * 0.8, 1e-3);
    // cos θ = −0.9 < cos(π − 0.5) = −0.8776: θ + m would pass π, so the linear fallback applies.
    expect(logits[1][0]).to.be.closeTo(64 * (-0.9 - m * Math.sin(Math.PI - m)), 1e-3);
  });

  it('MagFace: margin grows with the clamped norm, s 32, regulariser λ(a/u_a² + 1/a)', () => {
    const head = new MagFace(store, 2, 2);
    setIdentityCentres(head.weight);
    const { logits, regularizer } = logitsOf(head, [[12, 16], [0.6, 0.8]], [0, 1]);
    // Row 0: a = 20 -> m = 0.45 + 0.35·(20 − 10)/100 = 0.485.
    expect(logits[0][0]).to.be.closeTo(32 * Math.cos(Math.acos(0.6) + 0.485), 1e-3);
    expect(logits[0][1]).to.be.closeTo(32 * 0.8, 1e-3);
    // Row 1: a = 1 clamps to l_a = 10 -> m = 0.45 on the label-1 column (cos 0.8).
    expect(logits[1][1]).to.be.closeTo(32 * Math.cos(Math.acos(0.8) + 0.45), 1e-3);
    const g = (a: number): number => a / (110 * 110) + 1 / a;
    expect(regularizer).to.be.closeTo((20 * (g(20) + g(10))) / 2, 1e-4);
  });

  it('Softmax: xW + b', () => {
    const head = new SoftmaxHead(store, 2, 2);
    setIdentityCentres(head.weight);
    tf.tidy(() => head.bias.assign(tf.tensor1d([0.5, -1])));
    expect(logitsOf(head, [[2, 3]], [0]).logits[0]).to.deep.equal([2.5, 2]);
  });

  it('gives finite logits and gradients at init even with an embedding on a class centre (clip before acos)', () => {
    for (const name of ['CosFace', 'ArcFace', 'MagFace']) {
      const s = new ParameterStore(2);
      const head = createHead(name, s, 2, 2) as ArcFace;
      setIdentityCentres(head.weight);
      const x = tf.tensor2d([[1, 0], [0, 5]]);
      const labels = tf.tensor1d([0, 1], 'int32');
      const { value, grads } = tf.variableGrads(() => focalLoss(head.forward(x, labels).logits, labels), [head.weight]);
      expect(Number.isFinite(value.dataSync()[0]), name).to.equal(true);
      expect(Array.from(grads[head.weight.name].dataSync()).every(Number.isFinite), name).to.equal(true);
      tf.dispose([x, labels, value, grads]);
      s.dispose();
    }
  });

  it('cross-entropy = −log p_y and focal = −(1 − p_y)² log p_y (γ 2)', () => {
    const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 3]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const softmax = (row: number[], k: number): number => Math.exp(row[k]) / row.reduce((s, v) => s + Math.exp(v), 0);
    const p0 = softmax([2, 0, -1], 0);
    const p1 = softmax([0.5, 0.5, 3], 1);
    const ce = crossEntropyLoss(logits, labels).dataSync()[0];
    const fl = focalLoss(logits, labels).dataSync()[0];
    expect(ce).to.be.closeTo(-(Math.log(p0) + Math.log(p1)) / 2, 1e-5);
    expect(fl).to.be.closeTo(-((1 - p0) ** 2 * Math.log(p0) + (1 - p1) ** 2 * Math.log(p1)) / 2, 1e-5);
    tf.dispose([logits, labels]);
  });

  it('rejects an unknown head name', () => {
    expect(() => createHead('SphereFace', store, 2, 2)).to.throw(/unknown head "SphereFace"/);
  });
});
