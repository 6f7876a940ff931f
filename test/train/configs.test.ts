import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTrainingConfigs, readTrainingConfig, trainingConfigs } from '../../lib/train/configs.js';
import { resolveTrainingSpec } from '../../lib/train/run.js';

describe('train/configs: phase-1 configuration files', () => {
  it('crosses backbones × heads × optimizers with per-optimizer default learning rates', () => {
    const configs = trainingConfigs({ backbones: ['dpn107', 'vgg19'] });
    expect(configs).to.have.length(2 * 3 * 3);
    expect(configs[0]).to.deep.equal({ backbone: 'dpn107', batch_size: 64, lr: 0.001, momentum: 0.9, weight_decay: 1e-4, sched: 'cosine', lr_cycle_decay: 0.5, head: 'CosFace', optimizer: 'Adam' });
    expect(configs.find((c) => c.optimizer === 'SGD')?.lr).to.equal(0.1);
  });

  it('writes files a training run reads back into the same spec', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frnas-configs-'));
    try {
      const written = await createTrainingConfigs({ backbones: ['ghostnet_100'], heads: ['ArcFace'], optimizers: ['SGD'], sched: 'step', lrCycleDecay: 0.1, lr: 0.3 }, dir);
      expect(written.map((w) => w.path)).to.deep.equal([join(dir, 'ghostnet_100_ArcFace_SGD.json')]);
      const config = await readTrainingConfig(written[0].path);
      const spec = resolveTrainingSpec(config, {}, 10);
      expect(spec).to.deep.include({ model: 'ghostnet_100', head: 'ArcFace', optimizer: 'SGD', learningRate: 0.3, schedule: 'step', lrCycleDecay: 0.1, batchSize: 64, maxEpochs: 10 });
      expect(spec.cell).to.equal(undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves a point of the FR-NAS DPN space: edges -> cell, lr_sgd only for SGD', () => {
    const spec = resolveTrainingSpec({ edge1: 3, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.138 }, {}, 10);
    expect(spec).to.deep.include({ model: 'dpn', head: 'CosFace', optimizer: 'SGD', learningRate: 0.138 });
    expect(spec.cell).to.deep.equal([3, 0, 1]);
    expect(() => resolveTrainingSpec({ optimizer: 'RMSprop' }, {}, 10)).to.throw(/optimizer/);
  });
});
