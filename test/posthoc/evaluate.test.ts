import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { initBackend } from '../../lib/backend/index.js';
import { loadFaceDataset } from '../../lib/data/index.js';
import { analyze, evaluateTransfer, retrainRuns, RUN_FILES, type TransferEvaluation } from '../../lib/posthoc/index.js';

const RACES = ['African', 'Asian', 'Caucasian', 'Indian'];
const IDENTITIES_PER_RACE = 3;
const IMAGES_PER_IDENTITY = 3;

/** RFW's layout: test/data/<race>/<identity>/<identity>_000n.jpg and test/txts/<race>/<race>_pairs.txt (LFW format). */
async function writeRfwFixture(root: string): Promise<{ genuine: number; impostor: number }> {
  const random = seedrandom('rfw-fixture');
  let genuine = 0;
  let impostor = 0;
  for (const [r, race] of RACES.entries()) {
    const identities = Array.from({ length: IDENTITIES_PER_RACE }, (_, k) => `m.0${race.toLowerCase()}${k}`);
    for (const [k, identity] of identities.entries()) {
      const folder = join(root, 'test', 'data', race, identity);
      mkdirSync(folder, { recursive: true });
      // Each identity has its own base pattern; its images add a little noise.
      const base = Array.from({ length: 20 * 20 }, (_, p) => 60 + 40 * r + 30 * k + 40 * Math.sin((p % 20) * (k + 1) * 0.4 + r));
      for (let n = 1; n <= IMAGES_PER_IDENTITY; n++) {
        const pixels = Buffer.from(base.flatMap((v) => {
          const g = Math.max(0, Math.min(255, Math.round(v + (random() - 0.5) * 30)));
          return [g, g, g];
        }));
        await sharp(pixels, { raw: { width: 20, height: 20, channels: 3 } }).jpeg().toFile(join(folder, `${identity}_${String(n).padStart(4, '0')}.jpg`));
      }
    }
    const lines = ['1 2', `${identities[0]} 1 2`, `${identities[1]} 2 3`, `${identities[0]} 1 ${identities[1]} 1`, `${identities[1]} 3 ${identities[2]} 2`];
    genuine += 2;
    impostor += 2;
    mkdirSync(join(root, 'test', 'txts', race), { recursive: true });
    writeFileSync(join(root, 'test', 'txts', race, `${race}_pairs.txt`), lines.join('\n') + '\n');
  }
  return { genuine, impostor };
}

describe('posthoc: evaluate a trained model on another data set (RFW layout)', function () {
  this.timeout(90_000);
  const root = mkdtempSync(join(tmpdir(), 'frnas-evaluate-'));
  const rfw = join(root, 'RFW');
  const runs = join(root, 'runs');
  let runDir = '';
  let counts = { genuine: 0, impostor: 0 };
  after(() => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    await initBackend('wasm');
    counts = await writeRfwFixture(rfw);
    // A model trained on other (synthetic) faces: one run, one epoch.
    const trained = await retrainRuns({
      models: [{ model: 'default', kind: 'baseline', config: { edge1: 2, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 0.001 }, configId: 'default' }],
      out: runs,
      data: await loadFaceDataset('synthetic:identities=10,images=6'),
      dataSpec: 'synthetic:identities=10,images=6',
      seeds: [3],
      epochs: 1,
      imageSize: 16,
      batchSize: 32,
    });
    runDir = trained.runs[0].dir;
  });

  it('reports the four race groups, rank-1 figures and TAR at FAR per group from the pairs', async () => {
    const data = await loadFaceDataset(`rfw:${rfw}`);
    expect(data.pairs).to.have.length(counts.genuine + counts.impostor);
    const e = await evaluateTransfer({ run: runDir, data, dataSpec: `rfw:${rfw}`, far: [0, 0.5, 1] });
    expect(e.name).to.equal('rfw-RFW');
    expect(e.file).to.equal(join(runDir, RUN_FILES.transfer, 'rfw-RFW.json'));
    expect(existsSync(e.file)).to.equal(true);
    expect(e).to.include({ model: 'default', kind: 'baseline', seed: 3, epochs: 1, images: RACES.length * IDENTITIES_PER_RACE * IMAGES_PER_IDENTITY });
    expect(e.groups).to.deep.equal(RACES);
    expect(Object.keys(e.identification.perGroup).sort()).to.deep.equal(RACES);
    for (const race of RACES) expect(e.identification.perGroup[race].count).to.equal(IDENTITIES_PER_RACE * IMAGES_PER_IDENTITY);
    const accuracies = RACES.map((race) => e.identification.perGroup[race].accuracy);
    // More than two groups: disparity is max − min of the group accuracies (fairness.md).
    expect(e.identification.metrics.disparity).to.be.closeTo(Math.max(...accuracies) - Math.min(...accuracies), 1e-12);
    expect(e.identification.metrics.error).to.be.closeTo(1 - accuracies.reduce((s, a) => s + a, 0) / RACES.length, 1e-12);

    const verification = e.verification;
    expect(verification?.pairs).to.equal(counts.genuine + counts.impostor);
    const strict = verification?.byFar['0'];
    const all = verification?.byFar['1'];
    expect(Object.keys(strict?.perGroup ?? {}).sort()).to.deep.equal(RACES);
    for (const race of RACES) {
      expect(strict?.perGroup[race]).to.include({ genuineCount: 2, impostorCount: 2, far: 0 });
      expect(all?.perGroup[race]).to.include({ tar: 1, far: 1 });
    }
    expect(strict?.overall).to.include({ genuineCount: counts.genuine, impostorCount: counts.impostor, far: 0 });
    const tars = RACES.map((race) => verification?.byFar['0.5'].perGroup[race].tar ?? NaN);
    expect(verification?.byFar['0.5'].tarDifference).to.be.closeTo(Math.max(...tars) - Math.min(...tars), 1e-12);

    // The same checkpoint gives the same figures, and the file holds them.
    const again = await evaluateTransfer({ run: runDir, data, dataSpec: `rfw:${rfw}`, far: [0, 0.5, 1], out: join(root, 'again.json') });
    expect(again.identification).to.deep.equal(e.identification);
    const saved = JSON.parse(readFileSync(e.file, 'utf8')) as TransferEvaluation;
    expect(saved.identification).to.deep.equal(e.identification);
    expect(saved.verification?.byFar['0.5'].overall).to.deep.equal(verification?.byFar['0.5'].overall);

    // analyze reads transfer results like the test split: four groups in the table.
    const analysis = await analyze({ dirs: [runs], split: 'transfer:rfw-RFW', out: join(root, 'analysis') });
    expect(Object.keys(analysis.models[0].summary.groupAccuracy)).to.deep.equal(RACES);
    expect(analysis.models[0].summary.metrics.error.mean).to.equal(e.identification.metrics.error);
  });

  it('names the run folder when it holds no checkpoint', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    try {
      await evaluateTransfer({ run: empty, data: await loadFaceDataset('synthetic:identities=4,images=3'), dataSpec: 'synthetic' });
      expect.fail('evaluated without a checkpoint');
    } catch (error) {
      expect((error as Error).message).to.contain(`${empty}: no checkpoint found`);
    }
  });
});
