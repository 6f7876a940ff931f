import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../lib/backend/index.js';
import { loadFaceDataset } from '../../lib/data/index.js';
import { createHead, type Head } from '../../lib/models/heads.js';
import { ParameterStore } from '../../lib/models/parameters.js';
import type { EvaluationContext } from '../../lib/search/index.js';
import { listCheckpoints } from '../../lib/train/checkpoint.js';
import type { SplitFaceDatasetSource } from '../../lib/train/face-arrays.js';
import { faceRecognitionObjective } from '../../lib/train/objective.js';
import { resolveTrainingSpec } from '../../lib/train/run.js';
import { microDpn } from './fixtures.js';

/** Target logit of an embedding (0.6, 0.8) of class 0 against centres e1, e2: cos θ_y = 0.6. */
function targetLogit(head: Head, row: number[]): number {
  return tf.tidy(() => head.forward(tf.tensor2d([row]), tf.tensor1d([0], 'int32')).logits.arraySync()[0][0]);
}

function headOf(config: Record<string, string | number>, stores: ParameterStore[]): Head {
  const store = new ParameterStore(1);
  stores.push(store);
  const spec = resolveTrainingSpec(config, {}, 10);
  const head = createHead(spec.head, store, 2, 2, spec.headSettings);
  tf.tidy(() => (head as unknown as { weight: tf.Variable }).weight.assign(tf.tensor2d([[1, 0], [0, 1]])));
  return head;
}

function context(dir: string, trialId: number): EvaluationContext {
  return { trialId, configId: `c${trialId}`, budget: 1, previousBudget: 0, attempt: 1, checkpointDir: dir, signal: new AbortController().signal };
}

describe('train/extended-config: keys of the extended space reach the trainer', function () {
  this.timeout(120000);
  const store: ParameterStore[] = [];
  before(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => store.splice(0).forEach((s) => s.dispose()));

  it('cosface_margin, arcface_margin and magface_*_margin set the head margins (textbook formulas)', () => {
    const theta = Math.acos(0.6);
    expect(targetLogit(headOf({ head: 'CosFace', cosface_margin: 0.2 }, store), [0.6, 0.8])).to.be.closeTo(64 * (0.6 - 0.2), 1e-3);
    expect(targetLogit(headOf({ head: 'CosFace' }, store), [0.6, 0.8])).to.be.closeTo(64 * (0.6 - 0.35), 1e-3);
    expect(targetLogit(headOf({ head: 'ArcFace', arcface_margin: 0.3 }, store), [0.6, 0.8])).to.be.closeTo(64 * Math.cos(theta + 0.3), 1e-3);
    // MagFace at ‖x‖ = 60: m = l + (u − l)(60 − 10)/100 with the configured l, u.
    const magFace = headOf({ head: 'MagFace', magface_lower_margin: 0.3, magface_upper_margin: 0.9 }, store);
    expect(targetLogit(magFace, [36, 48])).to.be.closeTo(32 * Math.cos(theta + 0.3 + 0.6 * 0.5), 1e-3);
    // A margin of another head is ignored (the space never activates it), and nonsense is refused.
    expect(resolveTrainingSpec({ head: 'ArcFace', cosface_margin: 0.2 }, {}, 10).headSettings).to.equal(undefined);
    expect(() => createHead('MagFace', new ParameterStore(2), 2, 2, { magFaceLowerMargin: 0.9, magFaceUpperMargin: 0.5 })).to.throw(/must not exceed/);
  });

  it('one objective instance trains trials at different image sizes, loading the data once per size', async () => {
    const root = await mkdtemp(join(tmpdir(), 'frnas-extended-'));
    try {
      const dataset = await loadFaceDataset('synthetic:identities=10,images=6');
      let splits = 0;
      const counting: SplitFaceDatasetSource = {
        name: dataset.name,
        groups: dataset.groups,
        size: dataset.size,
        loadAll: (o) => dataset.loadAll(o),
        split: (seed, o) => {
          splits += 1;
          return dataset.split(seed, o);
        },
      };
      const evaluate = faceRecognitionObjective({ dataset: counting, maxEpochs: 1, scale: microDpn, channels: 1, batchSize: 16 });
      const base = { edge1: 1, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'SGD', lr_sgd: 0.1, embedding_size: 12 };
      const small = await evaluate({ ...base, image_size: 16 }, 1, context(join(root, 'a'), 1));
      const large = await evaluate({ ...base, image_size: 24, cell_per_stage: true, stage3_edge2: 3 }, 1, context(join(root, 'b'), 2));
      await evaluate({ ...base, image_size: 16, edge1: 0 }, 1, context(join(root, 'c'), 3));
      expect(splits).to.equal(2);
      for (const r of [small, large]) expect(Number.isFinite(r.error as number)).to.equal(true);
      const [a] = await listCheckpoints(join(root, 'a'));
      const [b] = await listCheckpoints(join(root, 'b'));
      expect(a.spec.imageSize).to.equal(16);
      expect(b.spec.imageSize).to.equal(24);
      expect(b.spec.stageCells).to.deep.equal([[1, 0, 1], [1, 0, 1], [1, 3, 1], [1, 0, 1]]);
      // The data signature in the fingerprint records the resolution each trial really trained on.
      expect(a.fingerprint).to.contain('x16x16x1');
      expect(b.fingerprint).to.contain('x24x24x1');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('in worker threads too: two trials at once at 16 and 24 px', async () => {
    const root = await mkdtemp(join(tmpdir(), 'frnas-extended-w-'));
    try {
      const dataset = await loadFaceDataset('synthetic:identities=10,images=6');
      const evaluate = faceRecognitionObjective({ dataset, maxEpochs: 1, scale: microDpn, channels: 1, batchSize: 16, workerThreads: true, backend: 'cpu' });
      const base = { edge1: 1, edge2: 0, edge3: 1, head: 'ArcFace', arcface_margin: 0.3, optimizer: 'AdamW', lr_adam: 0.001, embedding_size: 12 };
      await Promise.all([16, 24].map((size, i) => evaluate({ ...base, image_size: size }, 1, context(join(root, `w${size}`), i))));
      for (const size of [16, 24]) {
        const [m] = await listCheckpoints(join(root, `w${size}`));
        expect(m.spec.imageSize).to.equal(size);
        expect(m.spec.headSettings).to.deep.equal({ margin: 0.3 });
        expect(m.fingerprint).to.contain(`x${size}x${size}x1`);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
