import { expect } from 'chai';
import { CategoricalHyperparameter, FloatHyperparameter, IntegerHyperparameter, OrdinalHyperparameter, Space, SpaceError } from '../../lib/space/index.js';
import { nestedSpace } from './helpers.js';

describe('space encoding', () => {
  const space = nestedSpace();
  const samples = space.sample(2000, 'encoding');

  it('maps each configuration to [0,1]^d in `names` order with NaN exactly for inactive hyperparameters', () => {
    for (const config of samples.slice(0, 500)) {
      const vector = space.encode(config);
      expect(vector).to.have.length(space.names.length);
      space.names.forEach((name, index) => {
        if (name in config) expect(vector[index]).to.be.within(0, 1);
        else expect(Number.isNaN(vector[index]), name).to.equal(true);
      });
    }
  });

  it('round-trips: decode(encode(x)) is x (exactly for discrete values, to 1e-12 relative for floats)', () => {
    for (const config of samples) {
      const decoded = space.decode(space.encode(config));
      expect(Object.keys(decoded).sort()).to.deep.equal(Object.keys(config).sort());
      for (const [name, value] of Object.entries(config)) {
        if (space.get(name).kind === 'float') expect(decoded[name] as number).to.be.closeTo(value as number, 1e-12 * Math.max(1, Math.abs(value as number)));
        else expect(decoded[name]).to.equal(value);
      }
      expect(space.isValid(decoded)).to.equal(true);
    }
  });

  it('encodes float and integer positions linearly or in log space, categorical/ordinal as index/(k-1)', () => {
    const encoded = (name: string, value: number | string): number => {
      const configuration = { ...space.defaultConfiguration(), [name]: value };
      return space.encode(configuration)[space.names.indexOf(name)];
    };
    expect(encoded('lr', 1e-5)).to.equal(0);
    expect(encoded('lr', 1)).to.equal(1);
    expect(encoded('lr', 1e-3)).to.be.closeTo(0.4, 1e-12); // log10: (-3 - (-5)) / 5 decades
    expect(encoded('dropout', 0.45)).to.be.closeTo(0.5, 1e-12);
    expect(encoded('layers', 1)).to.be.closeTo(0.5 / 8, 1e-12); // bucket centres
    expect(encoded('layers', 8)).to.be.closeTo(7.5 / 8, 1e-12);
    expect(encoded('model', 'mlp')).to.equal(0);
    expect(encoded('model', 'cnn')).to.equal(0.5);
    expect(encoded('seed', 7)).to.equal(0);
  });

  it('decodes by clipping and snapping, drops inactive entries and fills NaN actives with the default', () => {
    const vector = space.names.map(() => 1.7); // out of range: clipped to 1
    const decoded = space.decode(vector);
    expect(decoded.model).to.equal('tree');
    expect(decoded.depth).to.equal(20);
    expect(Object.keys(decoded).sort()).to.deep.equal(['depth', 'model', 'seed']);
    const nan = space.decode(space.names.map(() => NaN));
    expect(nan).to.deep.equal(space.defaultConfiguration());
  });

  it('gives every integer an equal share of [0,1] and snaps quantized values to the grid', () => {
    const integer = new IntegerHyperparameter('k', { lower: 1, upper: 4 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const value = integer.fromUnit((i + 0.5) / 1000) as number;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect([...counts.entries()].sort()).to.deep.equal([[1, 250], [2, 250], [3, 250], [4, 250]]);
    const quantized = new FloatHyperparameter('q', { lower: 0, upper: 1, q: 0.25 });
    expect([0, 0.1, 0.2, 0.6, 0.99].map((u) => quantized.fromUnit(u))).to.deep.equal([0, 0, 0.25, 0.5, 1]);
    const logInt = new IntegerHyperparameter('n', { lower: 1, upper: 1000, log: true });
    for (const value of [1, 2, 3, 10, 99, 500, 1000]) expect(logInt.fromUnit(logInt.toUnit(value))).to.equal(value);
  });

  it('handles one-value categoricals and ordinals', () => {
    const single = new Space().add(new CategoricalHyperparameter('c', { choices: ['only'] }), new OrdinalHyperparameter('o', { sequence: ['low', 'high'] }));
    expect(single.encode({ c: 'only', o: 'high' })).to.deep.equal([0, 1]);
    expect(single.decode([0.3, 0.4])).to.deep.equal({ c: 'only', o: 'low' });
  });

  it('rejects bad input to encode and decode', () => {
    expect(() => space.decode([0.5])).to.throw(SpaceError, /expected a vector of 13 numbers/);
    expect(() => space.encode({ ...space.defaultConfiguration(), layers: 99 })).to.throw(SpaceError, /'layers': 99 is above/);
    expect(() => space.encode({ ...space.defaultConfiguration(), bogus: 1 })).to.throw(SpaceError, /unknown hyperparameter 'bogus'/);
  });
});
