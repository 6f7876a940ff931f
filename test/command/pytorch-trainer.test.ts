import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commandObjective, fairnessReport, loadSpace, optimize } from '../../lib/index.js';
import { sharedData } from '../support/shared-data.js';
import { PYTHON, torchMissingReason } from '../support/python.js';

const TRAINER = resolve('examples/pytorch/frnas_trainer.py');
const FIGURES = ['error', 'disparity', 'rank_disparity', 'ratio', 'rank_ratio', 'error_ratio', 'mean_rank'];

describe('examples/pytorch/frnas_trainer.py through the command protocol (smoke)', function () {
  this.timeout(300_000);
  const faces = sharedData('lfw_balanced');
  before(function () {
    const missing = torchMissingReason() ?? (faces ? undefined : '../shared/data/lfw_balanced is absent');
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
  });

  it('trains frnas-dpn configurations a few steps, continues a promotion from its checkpoint, and reports the six figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-pytorch-'));
    try {
      const result = await optimize({
        space: loadSpace('frnas-dpn'),
        objectives: [{ name: 'error', direction: 'minimize' }, { name: 'rank_disparity', direction: 'minimize' }],
        fidelity: { min: 1, max: 2, eta: 2 },
        scheduler: 'sh',
        proposer: 'random',
        seed: 4,
        storage: dir,
        stop: { trials: 3 },
        evaluate: commandObjective({
          command: PYTHON,
          args: [TRAINER, '--data', faces as string, '--max-identities', '30', '--max-steps', '2', '--batch-size', '16', '--max-epochs', '2', '--threads', '1', '--cache-dir', join(dir, 'cache')],
          objectives: FIGURES,
          seed: 4,
        }),
      });
      expect(result.trials.map((t) => [t.status, t.budget])).to.deep.equal([['ok', 1], ['ok', 1], ['ok', 2]]);
      for (const trial of result.trials) {
        // The study keeps its objectives as values, the other figures among the attributes.
        for (const name of FIGURES) expect(trial.values[name] ?? trial.attributes[name], `${name} of trial ${trial.id}: ${trial.error}`).to.be.a('number').and.to.be.at.least(0);
        expect(trial.values.error).to.be.at.most(1);
        expect(trial.attributes.device).to.equal('cpu');
        expect(trial.attributes.evaluated_images).to.be.above(10);
        expect((trial.attributes.per_group as Record<string, unknown>)).to.have.keys('F', 'M');
      }
      const promoted = result.trials[2];
      expect(promoted.parentTrialId).to.be.oneOf([0, 1]);
      expect(promoted.attributes.resumed_from).to.equal(1);
      expect((promoted.attributes.epochs as { epoch: number }[]).map((e) => e.epoch)).to.deep.equal([2]);
      const lineage = join(dir, 'checkpoints', `trial-${String(promoted.parentTrialId).padStart(6, '0')}`);
      expect(existsSync(join(lineage, 'model.pt'))).to.equal(true);
      expect(readFileSync(promoted.attributes.log as string, 'utf8')).to.match(/frnas:\{"epoch": 2/);
      // Per-image ranks beside the checkpoint (RankedImages layout): the reported figures are theirs.
      const ranking = JSON.parse(readFileSync(promoted.attributes.ranking_file as string, 'utf8')) as { ranks: number[]; identities: string[]; groups: string[] };
      expect(promoted.attributes.ranking_file).to.equal(join(lineage, 'ranking.json'));
      expect(ranking.ranks).to.have.length(promoted.attributes.evaluated_images as number);
      expect(ranking.identities).to.have.length(ranking.ranks.length);
      const recomputed = fairnessReport({ ranks: ranking.ranks, groups: ranking.groups });
      expect(recomputed.error).to.be.closeTo(promoted.values.error, 1e-12);
      expect(recomputed.rankDisparity).to.be.closeTo(promoted.values.rank_disparity, 1e-9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('examples/pytorch/frnas_trainer.py: the real-face recipe and seeded augmentation', function () {
  this.timeout(300_000);
  const faces = sharedData('lfw_balanced');
  let dir = '';
  before(function () {
    const missing = torchMissingReason() ?? (faces ? undefined : '../shared/data/lfw_balanced is absent');
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'frnas-pytorch-recipe-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const CONFIG = JSON.stringify({ edge1: 2, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 0.002 });
  interface FinalLine { values: Record<string, number>; attributes: Record<string, unknown> }
  /** Runs the trainer without frnas (seed 0) into checkpoint folder `name`; returns its `frnas:` lines. */
  function train(name: string, budget: number, extra: string[]): { epochs: { epoch: number; values: { loss: number } }[]; final: FinalLine } {
    const run = spawnSync(PYTHON, [TRAINER, '--data', faces as string, '--max-identities', '12', '--max-steps', '3', '--image-size', '24',
      '--threads', '1', '--cache-dir', join(dir, 'cache'), '--config', CONFIG, '--budget', String(budget), '--max-epochs', '3',
      '--checkpoint-dir', join(dir, name), ...extra], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('frnas:')).map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
    return {
      epochs: lines.filter((l) => 'epoch' in l) as unknown as { epoch: number; values: { loss: number } }[],
      final: lines.find((l) => l.final === true) as unknown as FinalLine,
    };
  }
  /** Largest absolute difference between the saved model + head weights of two checkpoint folders. */
  function weightDifference(a: string, b: string): number {
    const script = `import sys, torch
a, b = (torch.load(p + '/model.pt') for p in sys.argv[1:3])
assert a['epoch'] == b['epoch'], (a['epoch'], b['epoch'])
print(max((x.float() - b[part][k].float()).abs().max().item() for part in ('model', 'head') for k, x in a[part].items()))`;
    const run = spawnSync(PYTHON, ['-c', script, join(dir, a), join(dir, b)], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    return Number(run.stdout.trim());
  }

  it('--recipe recommended sets crop, min images, batch, head, loss, warm-up and augmentation; flags given win', () => {
    const plain = train('plain', 1, []).final.attributes.training;
    expect(plain).to.deep.include({ recipe: null, center_crop: 1, min_images: 1, batch_size: 64, head_scale: 64, head_margin: 0.35, loss: 'focal', warmup_epochs: 0 });
    expect((plain as { augment: object }).augment).to.deep.equal({});
    const recipe = train('recipe', 1, ['--recipe', 'recommended', '--batch-size', '8']).final.attributes.training;
    expect(recipe).to.deep.include({ recipe: 'recommended', center_crop: 0.3, min_images: 2, batch_size: 8, head_scale: 16, head_margin: 0.1, loss: 'crossEntropy', warmup_epochs: 1 });
    expect((recipe as { augment: object }).augment).to.deep.equal({ shift: 0.06, scale: 0.1, rotate: 8, brightness: 0.1, contrast: 0.2 });
  });

  it('rejects a bad --augment with the setting named', () => {
    const run = spawnSync(PYTHON, [TRAINER, '--data', faces as string, '--augment', 'shift=0.06,tilt=3'], { encoding: 'utf8' });
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/--augment.*no augmentation setting "tilt"/);
  });

  it('with augmentation, a run continued from its epoch-1 checkpoint equals a straight run; augmentation changes the run', () => {
    const recipe = ['--recipe', 'recommended', '--batch-size', '8'];
    const straight = train('straight', 3, recipe);
    train('continued', 1, recipe);
    const continued = train('continued', 3, recipe);
    expect(continued.final.attributes.resumed_from).to.equal(1);
    expect(continued.epochs.map((e) => e.epoch)).to.deep.equal([2, 3]);
    expect(continued.epochs.map((e) => e.values.loss)).to.deep.equal(straight.epochs.slice(1).map((e) => e.values.loss));
    expect(weightDifference('straight', 'continued')).to.be.below(1e-6);
    expect(continued.final.values.error).to.be.closeTo(straight.final.values.error, 1e-9);
    // The control: the same run without augmentation trains to other weights, so the comparison above can fail.
    train('unaugmented', 3, [...recipe, '--augment', 'none']);
    expect(weightDifference('straight', 'unaugmented')).to.be.above(1e-4);
  });

  it('two trials writing the same image cache at once both finish, and the cache holds the images', () => {
    // Deterministic race: while one load_images is between writing its temporary file and renaming it, a second one
    // decodes the same images and writes the same cache. A shared temporary name made the first rename fail.
    const script = `import os, sys, torch
sys.path.insert(0, sys.argv[1])
import frnas_trainer as t
items = t.read_folder(sys.argv[2])[:6]
cache = sys.argv[3]
real_save, inner, raced = torch.save, [], []
def save(obj, path):
    real_save(obj, path)
    if not raced:
        raced.append(True)
        inner.append(t.load_images(items, 16, 1, 0.5, cache))
torch.save = save
outer = t.load_images(items, 16, 1, 0.5, cache)
torch.save = real_save
again = t.load_images(items, 16, 1, 0.5, cache)
assert torch.equal(outer, inner[0]) and torch.equal(outer, again), 'cache differs from the decoded images'
print(sorted(os.listdir(cache)))`;
    const cache = join(dir, 'race-cache');
    const run = spawnSync(PYTHON, ['-c', script, resolve('examples/pytorch'), faces as string, cache], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    // One cache file and no temporary files left behind.
    expect(run.stdout.trim()).to.match(/^\['images-[0-9a-f]{16}\.pt'\]$/);
  });
});
