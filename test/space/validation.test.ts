import { expect } from 'chai';
import { SpaceError } from '../../lib/space/index.js';
import type { Configuration } from '../../lib/space/index.js';
import { nestedSpace } from './helpers.js';

/** The SpaceError `run` throws (fails the test when it throws nothing or something else). */
function spaceErrorOf(run: () => void): SpaceError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpaceError) return error;
    throw error;
  }
  throw new Error('expected a SpaceError, nothing was thrown');
}

describe('space validation', () => {
  const space = nestedSpace();
  const valid: Configuration = { model: 'cnn', layers: 4, activation: 'gelu', kernel: 5, dilation: 2, optimizer: 'sgd', lr: 0.01, momentum: 0.6, nesterov: false, dropout: 0.2, seed: 7 };

  it('accepts a valid configuration (whatever the key order)', () => {
    expect(() => space.validate(valid)).to.not.throw();
    const reversed = Object.fromEntries(Object.entries(valid).reverse());
    expect(space.isValid(reversed)).to.equal(true);
    expect(space.isValid(space.defaultConfiguration())).to.equal(true);
  });

  const cases: Array<{ rule: string; config: Configuration; hyperparameter: string | undefined; message: RegExp }> = [
    { rule: 'unknown hyperparameter', config: { ...valid, colour: 'red' }, hyperparameter: 'colour', message: /unknown hyperparameter 'colour'/ },
    { rule: 'above the upper bound', config: { ...valid, layers: 9 }, hyperparameter: 'layers', message: /'layers': 9 is above the upper bound 8/ },
    { rule: 'below the lower bound', config: { ...valid, lr: 1e-6 }, hyperparameter: 'lr', message: /'lr': 0.000001 is below the lower bound 0.00001/ },
    { rule: 'not an integer', config: { ...valid, layers: 4.5 }, hyperparameter: 'layers', message: /'layers': 4.5 is not an integer/ },
    { rule: 'wrong type', config: { ...valid, dropout: '0.2' }, hyperparameter: 'dropout', message: /'dropout': "0.2" is not a finite number/ },
    { rule: 'not a choice', config: { ...valid, activation: 'swish' }, hyperparameter: 'activation', message: /"swish" is not one of the choices/ },
    { rule: 'not in the sequence', config: { ...valid, kernel: 4 }, hyperparameter: 'kernel', message: /4 is not in the sequence \[1,3,5,7\]/ },
    { rule: 'off the quantization grid', config: { ...valid, momentum: 0.605 }, hyperparameter: 'momentum', message: /0.605 is not on the grid/ },
    { rule: 'wrong constant', config: { ...valid, seed: 8 }, hyperparameter: 'seed', message: /8 is not the constant 7/ },
    { rule: 'active but missing', config: (({ dilation: _d, ...rest }) => rest)(valid), hyperparameter: 'dilation', message: /'dilation' is active \(kernel > 1 holds\) but has no value/ },
    { rule: 'inactive but present (condition)', config: { ...valid, units: 64 }, hyperparameter: 'units', message: /'units' must be absent: it is inactive because condition model == "mlp" does not hold/ },
    { rule: 'inactive but present (parent inactive)', config: { model: 'tree', depth: 4, seed: 7, nesterov: true }, hyperparameter: 'nesterov', message: /'nesterov' must be absent: it is inactive because its parent 'momentum' is inactive/ },
    { rule: 'forbidden equals-and', config: { ...valid, activation: 'tanh' }, hyperparameter: 'model', message: /forbidden by clause \(model == "cnn" && activation == "tanh"\)/ },
    { rule: 'forbidden in', config: { ...valid, kernel: 7 }, hyperparameter: 'kernel', message: /forbidden by clause kernel in \[7\]/ },
    { rule: 'forbidden relation', config: (({ dropout: _d, ...rest }) => ({ ...rest, dilation: 4, layers: 3 }))(valid), hyperparameter: 'dilation', message: /forbidden by clause dilation > layers/ },
  ];

  for (const { rule, config, hyperparameter, message } of cases) {
    it(`names the hyperparameter and the rule: ${rule}`, () => {
      expect(space.isValid(config)).to.equal(false);
      const error = spaceErrorOf(() => space.validate(config));
      expect(error.message).to.match(message);
      expect(error.hyperparameter).to.equal(hyperparameter);
    });
  }

  it('rejects something that is not a configuration object', () => {
    expect(() => space.validate(null as unknown as Configuration)).to.throw(SpaceError, /must be a plain object/);
    expect(() => space.validate([] as unknown as Configuration)).to.throw(SpaceError, /must be a plain object/);
  });

  it('reports which hyperparameters are active', () => {
    expect(space.isActive('dilation', valid)).to.equal(true);
    expect(space.isActive('dilation', { ...valid, kernel: 1 })).to.equal(false);
    expect(space.isActive('nesterov', { model: 'tree' })).to.equal(false);
    expect(() => space.isActive('nope', valid)).to.throw(SpaceError, /unknown hyperparameter 'nope'/);
  });
});
