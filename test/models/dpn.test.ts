import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import { Dpn, dpnOperations, dpnScales, type DpnScale } from '../../lib/models/dpn.js';
import { microDpn } from '../train/fixtures.js';

// A scale smaller than 'tiny' so that the 9 single-op cells build and run in well under a second each on cpu.
const micro: DpnScale = microDpn;

describe('models/dpn: the FR-NAS DPN cell network', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('lists the nine operations of frnas.md §2 in order', () => {
    expect(dpnOperations.map((op) => `${op.kind}${op.kernel}`)).to.deep.equal([
      'bnReluConv3', 'bnReluConv1', 'bnReluConv5', 'conv3', 'conv1', 'conv5', 'convBnRelu3', 'convBnRelu1', 'convBnRelu5',
    ]);
  });

  for (const op of dpnOperations) {
    it(`builds op ${op.index} (${op.kind} k${op.kernel}) in every slot and gives [n, embedding] in both modes`, () => {
      const before = tf.memory().numTensors;
      const model = new Dpn({ cell: [op.index, op.index, op.index], imageSize: 8, channels: 1, seed: 3, scale: micro });
      const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const train = model.forward(x, true);
      const infer = model.forward(x, false);
      expect(train.shape).to.deep.equal([2, 12]);
      expect(infer.shape).to.deep.equal([2, 12]);
      expect(Array.from(infer.dataSync()).every(Number.isFinite)).to.equal(true);
      // Slot b is grouped: its filter holds middle/groups input channels.
      const b = model.blocks[0].b.conv.filter;
      expect(b.shape).to.deep.equal([op.kernel, op.kernel, 8 / 2, 8]);
      tf.dispose([x, train, infer]);
      model.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('keeps the dual-path channel arithmetic: residual = bandwidth, dense = 3·inc after proj, +inc per normal block', () => {
    const model = new Dpn({ cell: [1, 0, 7], imageSize: 8, channels: 3, seed: 1, scale: { ...micro, blocksPerStage: [2, 1, 1, 1] } });
    const x = tf.zeros([1, 4, 4, 8]) as tf.Tensor4D;
    const first = model.blocks[0].apply(x, false);
    expect(first.residual.shape[3]).to.equal(8);
    expect(first.dense.shape[3]).to.equal(3 * 2);
    const second = model.blocks[1].apply(first, false);
    expect(second.residual.shape[3]).to.equal(8);
    expect(second.dense.shape[3]).to.equal(3 * 2 + 2);
    // The 'down' block halves the spatial size.
    const third = model.blocks[2].apply(second, false);
    expect(third.residual.shape.slice(1)).to.deep.equal([2, 2, 8]);
    tf.dispose([x, first.residual, first.dense, second.residual, second.dense, third.residual, third.dense]);
    model.dispose();
  });

  it('builds the tiny and small presets at 16 px and the paper preset (FR-NAS widths) at 32 px', () => {
    const cases: [keyof typeof dpnScales, number, readonly [number, number, number]][] = [
      ['tiny', 16, [2, 0, 1]],
      ['small', 16, [3, 0, 1]],
      ['paper', 32, [1, 1, 1]],
    ];
    for (const [scale, size, cell] of cases) {
      const model = new Dpn({ cell, imageSize: size, channels: 3, seed: 2, scale });
      const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const y = model.forward(x, false);
      expect(y.shape, scale).to.deep.equal([1, dpnScales[scale].embeddingSize]);
      if (scale === 'paper') {
        // Stage widths of the paper: middle = k_r · bw / 256 = 200, 400, 800, 1600 with 50 groups.
        expect(model.blocks.map((b) => b.spec.middle)).to.deep.equal([200, 400, 800, 1600]);
        expect(model.finalBn.gamma.shape[0]).to.equal(2048 + 3 * 128);
      }
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('is reproducible from its seed and different across seeds', () => {
    const a = new Dpn({ cell: [2, 0, 1], imageSize: 8, channels: 1, seed: 5, scale: micro });
    const b = new Dpn({ cell: [2, 0, 1], imageSize: 8, channels: 1, seed: 5, scale: micro });
    const c = new Dpn({ cell: [2, 0, 1], imageSize: 8, channels: 1, seed: 6, scale: micro });
    const wa = a.stem.filter.dataSync();
    expect(Array.from(b.stem.filter.dataSync())).to.deep.equal(Array.from(wa));
    expect(Array.from(c.stem.filter.dataSync())).to.not.deep.equal(Array.from(wa));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects an op index outside 0..8 and groups that do not divide the width', () => {
    expect(() => new Dpn({ cell: [9, 0, 1], imageSize: 8, channels: 1, seed: 1, scale: micro })).to.throw(/op index/);
    expect(() => new Dpn({ cell: [0, 0, 1], imageSize: 8, channels: 1, seed: 1, scale: { ...micro, groups: 3 } })).to.throw(/divisible/);
  });
});
