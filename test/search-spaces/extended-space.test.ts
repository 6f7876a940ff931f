import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import { bundledSpacesDir, loadSpace, type Configuration } from '../../lib/index.js';
import { CosFace } from '../../lib/models/index.js';
import { FaceTrainer, resolveTrainingSpec } from '../../lib/train/index.js';

interface SpaceFile {
  hyperparameters: Record<string, unknown>;
  conditions: unknown[];
}

function readSpaceFile(name: string): SpaceFile {
  return JSON.parse(readFileSync(join(bundledSpacesDir(), `${name}.json`), 'utf8')) as SpaceFile;
}

// The extended space is real: every key it samples changes the training spec the trainer builds.
describe('search-spaces/frnas-dpn-extended', () => {
  const space = loadSpace('frnas-dpn-extended');
  const paper = loadSpace('frnas-dpn');

  it('starts with the paper’s seven hyperparameters, defined exactly as in frnas-dpn.json, with the same conditions', () => {
    const ext = readSpaceFile('frnas-dpn-extended');
    const own = readSpaceFile('frnas-dpn');
    expect(space.names.slice(0, 7)).to.deep.equal(paper.names);
    for (const name of paper.names) expect(ext.hyperparameters[name], name).to.deep.equal(own.hyperparameters[name]);
    expect(ext.conditions).to.deep.include.members(own.conditions);
    expect(space.names).to.include.members([
      'cell_per_stage', 'stage2_edge1', 'stage4_edge3', 'width', 'blocks_per_stage', 'embedding_size', 'image_size', 'batch_size',
      'momentum', 'weight_decay', 'sched', 'lr_cycle_decay', 'cosface_margin', 'arcface_margin', 'magface_lower_margin', 'magface_upper_margin',
    ]);
  });

  it('300 samples validate, keep their conditions, and resolve with every key mapped', () => {
    const samples = space.sample(300, 'extended');
    const perStage = samples.filter((c) => c.cell_per_stage === true).length;
    expect(perStage).to.be.within(100, 200);
    for (const c of samples) {
      space.validate(c);
      for (const s of [2, 3, 4]) for (const k of [1, 2, 3]) expect(`stage${s}_edge${k}` in c).to.equal(c.cell_per_stage === true);
      expect('cosface_margin' in c).to.equal(c.head === 'CosFace');
      expect('arcface_margin' in c).to.equal(c.head === 'ArcFace');
      expect('magface_lower_margin' in c && 'magface_upper_margin' in c).to.equal(c.head === 'MagFace');
      expect('momentum' in c).to.equal(c.optimizer === 'SGD');
      expect('lr_cycle_decay' in c).to.equal(c.sched === 'step');

      const spec = resolveTrainingSpec(c, {}, 10);
      const cell = [c.edge1, c.edge2, c.edge3];
      expect(spec.cell).to.deep.equal(cell);
      if (c.cell_per_stage === true) {
        const stage = (s: number): unknown[] => [1, 2, 3].map((k) => c[`stage${s}_edge${k}`]);
        expect(spec.stageCells).to.deep.equal([cell, stage(2), stage(3), stage(4)]);
      } else {
        expect(spec.stageCells).to.equal(undefined);
      }
      expect(spec.width).to.equal(c.width);
      expect(spec.blocksPerStage).to.equal(c.blocks_per_stage);
      expect(spec.embeddingSize).to.equal(c.embedding_size);
      expect(spec.imageSize).to.equal(c.image_size);
      expect(spec.batchSize).to.equal(c.batch_size);
      expect(spec.weightDecay).to.equal(c.weight_decay);
      expect(spec.momentum).to.equal(c.optimizer === 'SGD' ? c.momentum : 0.9);
      expect(spec.schedule).to.equal(c.sched);
      expect(spec.lrCycleDecay).to.equal(c.lr_cycle_decay);
      expect(spec.learningRate).to.equal(c.optimizer === 'SGD' ? c.lr_sgd : c.lr_adam);
      const margins: Record<string, unknown> = {
        CosFace: { margin: c.cosface_margin },
        ArcFace: { margin: c.arcface_margin },
        MagFace: { magFaceLowerMargin: c.magface_lower_margin, magFaceUpperMargin: c.magface_upper_margin },
      };
      expect(spec.headSettings).to.deep.equal(margins[String(c.head)]);
    }
  });

  it('the default configuration trains the paper default’s network: same spec where it matters, same weights, same margin', async () => {
    await tf.setBackend('cpu');
    const ours = space.defaultConfiguration();
    const theirs = paper.defaultConfiguration();
    for (const [key, value] of Object.entries(theirs)) expect(ours[key], key).to.equal(value);
    const a = resolveTrainingSpec(ours, {}, 10);
    const b = resolveTrainingSpec(theirs, {}, 10);
    // The extended default names its (neutral) width, depth and margin; everything else is identical.
    expect({ ...a, width: undefined, blocksPerStage: undefined, headSettings: undefined }).to.deep.equal({ ...b, width: undefined, blocksPerStage: undefined, headSettings: undefined });
    const build = (config: Configuration): FaceTrainer => new FaceTrainer(resolveTrainingSpec(config, {}, 10), 5);
    const [x, y] = [build(ours), build(theirs)];
    try {
      expect(x.backbone.name).to.equal(y.backbone.name);
      const wx = x.backbone.parameters.snapshot();
      const wy = y.backbone.parameters.snapshot();
      expect([...wx.keys()]).to.deep.equal([...wy.keys()]);
      for (const [name, values] of wx) expect(Array.from(values), name).to.deep.equal(Array.from(wy.get(name)!));
      expect(x.head).to.be.instanceOf(CosFace);
      expect(y.head).to.be.instanceOf(CosFace);
      expect((x.head as CosFace).m).to.equal((y.head as CosFace).m);
    } finally {
      x.dispose();
      y.dispose();
    }
  });
});
