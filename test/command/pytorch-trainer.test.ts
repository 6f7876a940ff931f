import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commandObjective, loadSpace, optimize } from '../../lib/index.js';
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
