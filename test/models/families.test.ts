import { expect } from 'chai';
import { tf } from '../../lib/backend/index.js';
import type { Backbone } from '../../lib/models/backbone.js';
import { backboneFamilies, LayeredBackbone } from '../../lib/models/families.js';
import { CosFace } from '../../lib/models/heads.js';
import { focalLoss } from '../../lib/models/losses.js';
import { ParameterStore } from '../../lib/models/parameters.js';
import { backboneNames, createBackbone, registerBackbone } from '../../lib/models/registry.js';
import { Optimizer } from '../../lib/train/optimizers.js';

/** One SGD step through backbone + CosFace; returns the loss and whether any trainable weight changed. */
function trainingStep(backbone: Backbone): { loss: number; moved: boolean } {
  const head = new CosFace(backbone.parameters, backbone.embeddingSize, 3);
  const optimizer = new Optimizer(backbone.parameters.trainable(), { name: 'SGD', learningRate: 0.1 });
  const before = backbone.parameters.snapshot();
  const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
  const labels = tf.tensor1d([0, 1, 2], 'int32');
  const { value, grads } = tf.variableGrads(() => focalLoss(head.forward(backbone.forward(x, true), labels).logits, labels), backbone.parameters.trainable().map((p) => p.variable));
  optimizer.apply(grads, 0.1);
  const loss = value.dataSync()[0];
  const after = backbone.parameters.snapshot();
  const moved = [...before].some(([name, v]) => v.some((value, i) => value !== after.get(name)![i]));
  tf.dispose([x, labels, value, grads]);
  optimizer.dispose();
  return { loss, moved };
}

describe('models/families: phase-1 backbone families, CPU-scaled, in a registry', function () {
  this.timeout(120000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('registers at least six families under timm names, plus dpn', () => {
    expect(backboneFamilies.length).to.be.at.least(6);
    expect(backboneNames()).to.include.members([...backboneFamilies, 'dpn']);
  });

  for (const name of backboneFamilies) {
    it(`${name} builds, gives [n, embedding] and takes a training step without leaking`, () => {
      const start = tf.memory().numTensors;
      const backbone = createBackbone(name, { imageSize: 8, channels: 1, embeddingSize: 8, seed: 1, width: 0.25 });
      const { loss, moved } = trainingStep(backbone);
      expect(Number.isFinite(loss), name).to.equal(true);
      expect(moved, name).to.equal(true);
      const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
      const y = backbone.forward(x, false);
      expect(y.shape).to.deep.equal([2, 8]);
      tf.dispose([x, y]);
      backbone.dispose();
      expect(tf.memory().numTensors).to.equal(start);
    });
  }

  it('lets users register their own backbone', () => {
    registerBackbone('my_linear_net', (o) => {
      const store = new ParameterStore(o.seed);
      return new LayeredBackbone('my_linear_net', store, [], o.channels, o.embeddingSize);
    });
    const net = createBackbone('My_Linear_Net', { imageSize: 8, channels: 1, embeddingSize: 4, seed: 0 });
    expect(net.name).to.equal('my_linear_net');
    net.dispose();
    expect(() => createBackbone('alexnet', { imageSize: 8, channels: 1, embeddingSize: 4, seed: 0 })).to.throw(/unknown backbone "alexnet"/);
  });
});
