import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { backboneNames, bundledSpacesDir, loadSpace, Space } from '../../lib/index.js';
import { resolveTrainingSpec } from '../../lib/train/index.js';

// Every bundled space loads, validates its samples, and every sample is a configuration the trainer can build.
describe('bundled search spaces', () => {
  const files = readdirSync(bundledSpacesDir()).filter((f) => f.endsWith('.json'));

  it('ships the paper space and the phase-1 space', () => {
    expect(files).to.include.members(['frnas-dpn.json', 'phase1-backbones.json']);
  });

  for (const file of files) {
    describe(file, () => {
      const space = loadSpace(join(bundledSpacesDir(), file));

      it('samples valid configurations that the trainer resolves', () => {
        const registered = new Set(backboneNames());
        for (const config of [space.defaultConfiguration(), ...space.sample(300, file)]) {
          space.validate(config);
          const spec = resolveTrainingSpec(config, {}, 10);
          expect(registered.has(spec.model.toLowerCase()), `backbone ${spec.model}`).to.equal(true);
          expect(['CosFace', 'ArcFace', 'MagFace']).to.include(spec.head);
          expect(spec.learningRate).to.be.above(0);
        }
      });

      it('round-trips through ConfigSpace JSON', () => {
        const again = Space.fromJSON(space.toConfigSpaceJSON());
        expect(again.names).to.deep.equal(space.names);
        expect(again.sample(50, 1)).to.deep.equal(space.sample(50, 1));
      });
    });
  }

  it('phase1-backbones: the learning rate follows the optimizer, step decay only with the step schedule', () => {
    const space = loadSpace('phase1-backbones');
    for (const c of space.sample(500, 3)) {
      expect('lr_sgd' in c).to.equal(c.optimizer === 'SGD');
      expect('lr_adam' in c).to.equal(c.optimizer !== 'SGD');
      expect('lr_cycle_decay' in c).to.equal(c.sched === 'step');
      const spec = resolveTrainingSpec(c, {}, 10);
      expect(spec.learningRate).to.equal(c.optimizer === 'SGD' ? c.lr_sgd : c.lr_adam);
      expect(spec.schedule).to.equal(c.sched);
    }
  });

  it('frnas-dpn: the paper default is cell (2,0,1), CosFace, Adam, lr 1e-3', () => {
    const d = loadSpace('frnas-dpn').defaultConfiguration();
    expect(d).to.deep.equal({ edge1: 2, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 1e-3 });
    expect(resolveTrainingSpec(d, {}, 10).cell).to.deep.equal([2, 0, 1]);
  });
});
