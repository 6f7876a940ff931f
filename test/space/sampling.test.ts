import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  CategoricalHyperparameter,
  EqualsCondition,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  ForbiddenRelation,
  FloatHyperparameter,
  IntegerHyperparameter,
  Space,
  SpaceError,
} from '../../lib/space/index.js';
import type { Configuration } from '../../lib/space/index.js';
import { nestedActiveSet, nestedIsForbidden, nestedSpace, nestedValueIsLegal } from './helpers.js';

describe('space sampling', () => {
  const space = nestedSpace();

  describe('10,000 seeded samples of a space with nested conditions and forbidden clauses', () => {
    const samples = space.sample(10_000, 'ten-thousand');

    it('are all valid: right active set (by an independent oracle), legal values, nothing forbidden', () => {
      const problems: string[] = [];
      for (const config of samples) {
        const expected = [...nestedActiveSet(config)].sort();
        const actual = Object.keys(config).sort();
        if (expected.join() !== actual.join()) problems.push(`active set ${actual} should be ${expected}`);
        for (const [name, value] of Object.entries(config)) {
          if (!nestedValueIsLegal(name, value)) problems.push(`${name} = ${String(value)}`);
        }
        if (nestedIsForbidden(config)) problems.push(`forbidden ${JSON.stringify(config)}`);
        if (!space.isValid(config)) problems.push(`isValid false for ${JSON.stringify(config)}`);
      }
      expect(problems.slice(0, 5)).to.deep.equal([]);
    });

    it('reach every branch, grandchildren included', () => {
      const seen = (name: string): Set<unknown> => new Set(samples.filter((c) => name in c).map((c) => c[name]));
      expect(seen('model')).to.deep.equal(new Set(['mlp', 'cnn', 'tree']));
      expect(seen('kernel')).to.deep.equal(new Set([1, 3, 5])); // 7 is forbidden
      expect(seen('dilation').size).to.equal(4);
      expect(seen('nesterov')).to.deep.equal(new Set([true, false]));
      expect(seen('depth').size).to.equal(10); // 2, 4, ..., 20
      expect(samples.some((c) => c.model === 'cnn' && 'dropout' in c)).to.equal(true);
      expect(samples.some((c) => c.model === 'cnn' && !('dropout' in c))).to.equal(true);
    });

    it('follow the categorical weights (activation: 2:1:1)', () => {
      const activations = samples.filter((c) => c.model === 'mlp').map((c) => c.activation);
      const share = activations.filter((a) => a === 'relu').length / activations.length;
      expect(share).to.be.within(0.45, 0.55);
    });

    it('are log-uniform for log-scale hyperparameters (median lr near the geometric midpoint 3.2e-3)', () => {
      const lrs = samples.filter((c) => 'lr' in c).map((c) => c.lr as number).sort((a, b) => a - b);
      const median = lrs[Math.floor(lrs.length / 2)];
      expect(Math.log10(median)).to.be.within(-2.7, -2.3);
    });
  });

  it('gives the same samples for the same seed and different ones for another seed', () => {
    expect(space.sample(200, 42)).to.deep.equal(space.sample(200, 42));
    expect(space.sample(200, 'abc')).to.deep.equal(space.sample(200, 'abc'));
    expect(space.sample(50, 42)).to.not.deep.equal(space.sample(50, 43));
    expect(space.sample(0, 1)).to.deep.equal([]);
  });

  it('draws from an existing stream with sampleWith, reproducibly', () => {
    const first = seedrandom('stream');
    const second = seedrandom('stream');
    const a: Configuration[] = [space.sampleWith(first), space.sampleWith(first)];
    const b: Configuration[] = [space.sampleWith(second), space.sampleWith(second)];
    expect(a).to.deep.equal(b);
    expect(a[0]).to.not.deep.equal(a[1]);
  });

  it('rejects a bad n or seed with a SpaceError', () => {
    expect(() => space.sample(-1, 1)).to.throw(SpaceError, /n must be a non-negative integer/);
    expect(() => space.sample(1.5, 1)).to.throw(SpaceError, /n must be a non-negative integer/);
    expect(() => space.sample(1, null as unknown as number)).to.throw(SpaceError, /seed/);
    expect(() => space.sampleWith(seedrandom('x'), 0)).to.throw(SpaceError, /maxAttempts must be a positive integer/);
  });

  it('fails clearly when forbidden clauses exclude (nearly) everything', () => {
    // Only a == b is allowed: the default (0.5, 0.5) is, but a random draw (almost surely) is not.
    const tight = new Space('tight')
      .add(new FloatHyperparameter('a', { lower: 0, upper: 1 }), new FloatHyperparameter('b', { lower: 0, upper: 1 }))
      .addForbidden(new ForbiddenRelation('a', '<', 'b'))
      .addForbidden(new ForbiddenRelation('a', '>', 'b'));
    expect(() => tight.sample(1, 1)).to.throw(SpaceError, /\(nearly\) all forbidden: 1000 draws.*a [<>] b/);
    expect(tight.defaultConfiguration()).to.deep.equal({ a: 0.5, b: 0.5 });
    // A clause that excludes half the space costs retries, not failures.
    const half = new Space('half')
      .add(new IntegerHyperparameter('n', { lower: 1, upper: 10 }))
      .addForbidden(new ForbiddenInClause('n', [1, 2, 3, 4, 7]));
    expect(new Set(half.sample(300, 2).map((c) => c.n))).to.deep.equal(new Set([5, 6, 8, 9, 10]));
  });

  it('only applies a forbidden clause when its hyperparameters are active', () => {
    const conditional = new Space()
      .add(new CategoricalHyperparameter('switch', { choices: ['on', 'off'], default: 'off' }))
      .add(new FloatHyperparameter('x', { lower: 0, upper: 1 }))
      .add(new CategoricalHyperparameter('mode', { choices: ['a', 'b'] }))
      .addCondition('mode', new EqualsCondition('switch', 'on'))
      .addForbidden(new ForbiddenEqualsClause('mode', 'a'));
    const samples = conditional.sample(500, 3);
    expect(samples.every((c) => c.mode !== 'a')).to.equal(true);
    expect(samples.filter((c) => c.switch === 'off').every((c) => !('mode' in c))).to.equal(true);
    expect(samples.filter((c) => c.switch === 'on').every((c) => c.mode === 'b')).to.equal(true);
  });

  it('returns the default configuration with inactive hyperparameters absent', () => {
    expect(space.defaultConfiguration()).to.deep.equal({
      model: 'mlp',
      layers: 2,
      units: 64,
      activation: 'relu', // the heaviest weight, as ConfigSpace picks it
      optimizer: 'adam',
      lr: 0.001,
      dropout: 0.1,
      seed: 7,
    });
  });
});
