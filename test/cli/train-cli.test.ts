import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFrnas } from '../support/cli.js';

const frnas = runFrnas;

describe('frnas CLI: create-configs and train (FR-NAS phase 1 workflow)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'frnas-train-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one config per backbone x head x optimizer, then trains one and records its fairness metrics', () => {
    const configs = join(dir, 'configs');
    const created = frnas([
      'create-configs', '--backbone', 'resnet18,vgg19', '--head', 'CosFace,ArcFace', '--optimizer', 'SGD',
      '--batch-size', '32', '--lr', '0.05', '--momentum', '0.9', '--weight-decay', '1e-4', '--sched', 'step', '--lr-cycle-decay', '0.1',
      '--out', configs,
    ]);
    expect(created.code, created.output).to.equal(0);
    const files = readdirSync(configs).sort();
    expect(files).to.deep.equal(['resnet18_ArcFace_SGD.json', 'resnet18_CosFace_SGD.json', 'vgg19_ArcFace_SGD.json', 'vgg19_CosFace_SGD.json']);
    const config = JSON.parse(readFileSync(join(configs, 'resnet18_CosFace_SGD.json'), 'utf8')) as Record<string, unknown>;
    expect(config).to.include({ backbone: 'resnet18', head: 'CosFace', optimizer: 'SGD', batch_size: 32, lr: 0.05, sched: 'step', lr_cycle_decay: 0.1 });

    const out = join(dir, 'runs');
    const trained = frnas([
      'train', '--config', join(configs, 'resnet18_CosFace_SGD.json'), '--data', 'synthetic:identities=10,images=6',
      '--epochs', '1', '--image-size', '16', '--out', out,
    ]);
    expect(trained.code, trained.output).to.equal(0);
    const result = JSON.parse(readFileSync(join(out, 'resnet18_CosFace_SGD', 'result.json'), 'utf8')) as {
      epochs: number;
      metrics: { error: number; rankDisparity: number };
      perGroup: Record<string, unknown>;
    };
    expect(result.epochs).to.equal(1);
    expect(result.metrics.error).to.be.within(0, 1);
    expect(result.metrics.rankDisparity).to.be.at.least(0);
    expect(Object.keys(result.perGroup)).to.have.length(2);
    expect(trained.output).to.match(/resnet18_CosFace_SGD.json: error \d\.\d{4}/);
  });

  it('names an unreadable config file', () => {
    const r = frnas(['train', '--config', join(dir, 'missing.json'), '--epochs', '1']);
    expect(r.code).to.not.equal(0);
    expect(r.output).to.include('missing.json');
  });
});
