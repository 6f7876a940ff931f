import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  CategoricalHyperparameter,
  ConstantHyperparameter,
  FloatHyperparameter,
  IntegerHyperparameter,
  OrdinalHyperparameter,
  SpaceError,
} from '../../lib/space/index.js';

describe('space hyperparameters', () => {
  it('default to ConfigSpace’s choices when none is given', () => {
    expect(new FloatHyperparameter('a', { lower: 0, upper: 10 }).default).to.equal(5);
    expect(new FloatHyperparameter('b', { lower: 1e-4, upper: 1, log: true }).default).to.be.closeTo(1e-2, 1e-15);
    expect(new IntegerHyperparameter('c', { lower: 1, upper: 100, log: true }).default).to.equal(10);
    expect(new IntegerHyperparameter('d', { lower: 0, upper: 9 }).default).to.equal(4); // 4.5 rounds to even, as numpy does
    expect(new IntegerHyperparameter('d', { lower: 0, upper: 11 }).default).to.equal(6); // 5.5 -> 6
    expect(new IntegerHyperparameter('d', { lower: 0, upper: 10, q: 4 }).default).to.equal(4); // 5 -> nearest grid point 4
    expect(new CategoricalHyperparameter('e', { choices: ['x', 'y', 'z'] }).default).to.equal('x');
    expect(new CategoricalHyperparameter('f', { choices: ['x', 'y', 'z'], weights: [1, 5, 2] }).default).to.equal('y');
    expect(new OrdinalHyperparameter('g', { sequence: ['low', 'mid', 'high'] }).default).to.equal('low');
    expect(new ConstantHyperparameter('h', 'fixed').default).to.equal('fixed');
  });

  it('sample only legal values', () => {
    const rng = seedrandom('legal');
    const hyperparameters = [
      new FloatHyperparameter('a', { lower: -3, upper: 2 }),
      new FloatHyperparameter('b', { lower: 1e-6, upper: 1e-1, log: true, q: 1e-6 }),
      new IntegerHyperparameter('c', { lower: 2, upper: 64, log: true }),
      new IntegerHyperparameter('d', { lower: -10, upper: 10, q: 4 }),
      new CategoricalHyperparameter('e', { choices: [1, 'two', true], weights: [0, 1, 1] }),
      new OrdinalHyperparameter('f', { sequence: [10, 20, 30] }),
    ];
    for (const hp of hyperparameters) {
      for (let i = 0; i < 2000; i++) {
        const value = hp.sample(rng);
        expect(hp.illegalReason(value), `${hp.name} = ${String(value)}`).to.equal(undefined);
      }
    }
  });

  it('never draws a zero-weight choice and draws the others in proportion', () => {
    const hp = new CategoricalHyperparameter('e', { choices: ['a', 'b', 'c'], weights: [0, 1, 3] });
    const rng = seedrandom('weights');
    const draws = Array.from({ length: 8000 }, () => hp.sample(rng));
    expect(draws.includes('a')).to.equal(false);
    expect(draws.filter((d) => d === 'c').length / draws.length).to.be.within(0.72, 0.78);
  });

  it('keeps quantized integers on their grid, values included', () => {
    const hp = new IntegerHyperparameter('d', { lower: -10, upper: 10, q: 4 });
    expect(hp.values()).to.deep.equal([-10, -6, -2, 2, 6, 10]);
    expect(hp.illegalReason(0)).to.match(/not on the grid -10 \+ k·4/);
    expect(hp.cardinality).to.equal(6);
  });

  it('tell numbers from strings and booleans', () => {
    const hp = new CategoricalHyperparameter('c', { choices: [1, '1', true] });
    expect(hp.isLegal(1)).to.equal(true);
    expect(hp.isLegal('1')).to.equal(true);
    expect(hp.isLegal(false)).to.equal(false);
    expect(hp.toUnit('1')).to.equal(0.5);
  });

  it('reject bad definitions with a SpaceError naming the hyperparameter and field', () => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => new FloatHyperparameter('a', { lower: 1, upper: 1 }), 'upper', /lower \(1\) must be below upper \(1\)/],
      [() => new FloatHyperparameter('a', { lower: Number.NaN, upper: 1 }), 'lower', /lower must be a finite number/],
      [() => new FloatHyperparameter('a', { lower: 0, upper: 1, q: 2 }), 'q', /q \(2\) is wider than the range/],
      [() => new FloatHyperparameter('a', { lower: 0, upper: 1, q: 0.25, default: 0.3 }), 'default', /0.3 is not on the grid/],
      [() => new IntegerHyperparameter('a', { lower: 0, upper: 10, log: true }), 'lower', /needs lower >= 1/],
      [() => new IntegerHyperparameter('a', { lower: 0, upper: 10, q: 1.5 }), 'q', /q must be a positive integer/],
      [() => new CategoricalHyperparameter('a', { choices: [] }), 'choices', /non-empty array/],
      [() => new CategoricalHyperparameter('a', { choices: ['x', null as unknown as string] }), 'choices', /choices\[1\] must be a string, number or boolean/],
      [() => new CategoricalHyperparameter('a', { choices: ['x', 'y'], weights: [0, 0] }), 'weights', /must not all be zero/],
      [() => new CategoricalHyperparameter('a', { choices: ['x', 'y'], weights: [1, -1] }), 'weights', /weights\[1\] must be a non-negative number/],
      [() => new OrdinalHyperparameter('a', { sequence: [1, 2], default: 3 }), 'default', /3 is not in the sequence/],
      [() => new ConstantHyperparameter('a', undefined as unknown as string), 'value', /value must be a string, number or boolean/],
    ];
    for (const [build, field, message] of cases) {
      try {
        build();
        expect.fail(`expected ${String(message)}`);
      } catch (error) {
        expect(error).to.be.instanceOf(SpaceError);
        expect((error as SpaceError).message).to.match(message);
        expect((error as SpaceError).hyperparameter).to.equal('a');
        expect((error as SpaceError).field).to.equal(field);
      }
    }
    expect(() => new FloatHyperparameter('', { lower: 0, upper: 1 })).to.throw(SpaceError, /non-empty string/);
  });
});

describe('space quantized floats', () => {
  it('decode to the grid values a person would type (0.57, not 0.5700000000000001)', () => {
    const momentum = new FloatHyperparameter('m', { lower: 0, upper: 0.99, q: 0.01 });
    const values = Array.from({ length: 100 }, (_, k) => momentum.fromUnit(k / 99));
    expect(new Set(values).size).to.equal(100);
    for (const value of values) expect(String(value)).to.match(/^0(\.\d{1,2})?$/);
    const tiny = new FloatHyperparameter('t', { lower: 1e-7, upper: 1e-6, q: 1e-7 });
    expect([0, 0.6, 1].map((u) => tiny.fromUnit(u))).to.deep.equal([1e-7, 6e-7, 1e-6]);
  });
});
