import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import { dpnOperations, Dpn, type DpnCell, type DpnStageCells } from '../../lib/models/dpn.js';
import { createBackbone } from '../../lib/models/registry.js';
import { FaceTrainer } from '../../lib/train/trainer.js';
import { microDpn, microSpec } from '../train/fixtures.js';

// The extended space's architecture keys: a cell per stage, depth (blocks per stage) and width.
describe('models/dpn: per-stage cells, depth and width', () => {
  const cells: DpnStageCells = [[1, 0, 7], [3, 5, 4], [6, 8, 2], [0, 1, 1]];
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('builds each stage with its own cell (kernel and op kind of every slot) and gives [n, embedding]', () => {
    const before = tf.memory().numTensors;
    const model = new Dpn({ cell: cells[0], stageCells: cells, imageSize: 16, channels: 1, seed: 3, scale: { ...microDpn, blocksPerStage: [2, 1, 1, 2] } });
    expect(model.name).to.equal('dpn-107-354-682-011');
    expect(model.blocks.length).to.equal(6);
    const stageOf = [0, 0, 1, 2, 3, 3];
    model.blocks.forEach((block, i) => {
      const cell: DpnCell = cells[stageOf[i]];
      (['a', 'b', 'c'] as const).forEach((slot, k) => {
        const op = dpnOperations[cell[k]];
        expect(block[slot].kind, `block ${i} slot ${slot}`).to.equal(op.kind);
        expect(block[slot].conv.filter.shape.slice(0, 2), `block ${i} slot ${slot}`).to.deep.equal([op.kernel, op.kernel]);
      });
    });
    const x = tf.randomUniform([3, 16, 16, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = model.forward(x, true);
    expect(y.shape).to.deep.equal([3, 12]);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('four equal stage cells are exactly the shared-cell network (name and every initial weight)', () => {
    const shared = new Dpn({ cell: [2, 0, 1], imageSize: 8, channels: 1, seed: 5, scale: microDpn });
    const staged = new Dpn({ cell: [2, 0, 1], stageCells: [[2, 0, 1], [2, 0, 1], [2, 0, 1], [2, 0, 1]], imageSize: 8, channels: 1, seed: 5, scale: microDpn });
    expect(staged.name).to.equal(shared.name);
    const a = shared.parameters.snapshot();
    const b = staged.parameters.snapshot();
    expect([...b.keys()]).to.deep.equal([...a.keys()]);
    for (const [name, values] of a) expect(Array.from(b.get(name)!), name).to.deep.equal(Array.from(values));
    shared.dispose();
    staged.dispose();
  });

  it('the registry sets depth (blocksPerStage) and scales width', () => {
    const deep = createBackbone('dpn', { imageSize: 8, channels: 1, embeddingSize: 12, seed: 1, scale: microDpn, blocksPerStage: 3 }) as Dpn;
    expect(deep.blocks.length).to.equal(12);
    const wide = createBackbone('dpn', { imageSize: 8, channels: 1, embeddingSize: 12, seed: 1, scale: microDpn, width: 2 }) as Dpn;
    expect(wide.blocks.map((b) => b.spec.bandwidth)).to.deep.equal([16, 16, 32, 32]);
    expect(() => createBackbone('dpn', { imageSize: 8, channels: 1, embeddingSize: 12, seed: 1, scale: microDpn, blocksPerStage: 0 })).to.throw(/blocksPerStage/);
    deep.dispose();
    wide.dispose();
  });

  it('a FaceTrainer with per-stage cells, 2 blocks per stage and width 1.5 takes a finite training step that moves every stage', () => {
    const before = tf.memory().numTensors;
    const trainer = new FaceTrainer(microSpec({ stageCells: cells, cell: cells[0], blocksPerStage: 2, width: 1.5, imageSize: 16, embeddingSize: 16 }), 4);
    expect(trainer.backbone.embeddingSize).to.equal(16);
    const stageWeights = (): number[][] => [1, 2, 3, 4].map((s) => Array.from(trainer.backbone.parameters.snapshot().get(`stage${s}.block1.c.conv.weight`) ?? []));
    const start = stageWeights();
    expect(start.every((w) => w.length > 0), 'slot c filter of every stage').to.equal(true);
    const images = tf.randomUniform([6, 16, 16, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32');
    const loss = trainer.step(images, labels, 0.05);
    expect(Number.isFinite(loss)).to.equal(true);
    const end = stageWeights();
    start.forEach((w, s) => expect(end[s], `stage ${s + 1}`).to.not.deep.equal(w));
    tf.dispose([images, labels]);
    trainer.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
