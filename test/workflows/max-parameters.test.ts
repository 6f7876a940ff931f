import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search, Space } from '../../lib/index.js';
import { parameterConstraint } from '../../lib/workflows/search.js';
import { microDpn } from '../train/fixtures.js';

describe('search({ maxParameters }): a limit on the trained network\'s size (CLI --max-params)', function () {
  this.timeout(120_000);

  it('parameterConstraint is parameters − limit from either attribute name, and refuses a bad limit', () => {
    const trial = (attributes: Record<string, unknown>) => ({ id: 3, attributes }) as unknown as Parameters<NonNullable<ReturnType<typeof parameterConstraint>>>[0];
    const constraint = parameterConstraint(1000) as NonNullable<ReturnType<typeof parameterConstraint>>;
    expect(constraint(trial({ trainableParameters: 1500 }))).to.deep.equal([500]);
    expect(constraint(trial({ trainable_parameters: 400 }))).to.deep.equal([-600]);
    expect(() => constraint(trial({}))).to.throw(/report its trainable parameter count.*trial 3 has none/);
    expect(parameterConstraint(undefined)).to.equal(undefined);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => parameterConstraint(bad)).to.throw(/maxParameters \(--max-params\) must be a positive number/);
  });

  it('the built-in trainer\'s trials carry constraint values from their parameter counts; a limit below every network leaves no front', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-max-params-'));
    try {
      const space = Space.fromJSON({ name: 'heads', hyperparameters: { head: { type: 'categorical', choices: ['CosFace', 'ArcFace'], default: 'CosFace' } } });
      const common = { out: dir, space, data: 'synthetic:identities=6,images=4', scheduler: 'random' as const, proposer: 'random' as const, minEpochs: 1, maxEpochs: 1, imageSize: 8, batchSize: 16, scale: microDpn, seed: 1, evaluateDefault: false };
      const outcome = await search({ ...common, trials: 2, maxParameters: 1 });
      const ok = outcome.trials.filter((t) => t.status === 'ok');
      expect(ok.length, JSON.stringify(outcome.trials.map((t) => t.error))).to.equal(2);
      for (const t of ok) expect(t.attributes.constraints).to.deep.equal([(t.attributes.trainableParameters as number) - 1]);
      expect(outcome.paretoFront).to.have.length(0);
      // Resumed without the option: the recorded limit still applies to the new trial.
      const resumed = await search({ out: dir, space, trials: 3, evaluateDefault: false });
      const third = resumed.trials.find((t) => t.id === 2);
      expect(third?.attributes.constraints).to.deep.equal([(third?.attributes.trainableParameters as number) - 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
