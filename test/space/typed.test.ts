import { expect } from 'chai';
import { Space, SpaceError, typedConfig, type Configuration } from '../../lib/space/index.js';
import { loadSpace } from '../../lib/workflows/index.js';

describe('typedConfig', () => {
  const space = loadSpace('frnas-dpn');
  const config: Configuration = { ...space.defaultConfiguration(), optimizer: 'Adam', lr_adam: 0.002 };
  delete config.lr_sgd;

  it('gives the values with their types', () => {
    const typed = typedConfig(space, config);
    expect(typed.number('lr_adam')).to.equal(0.002);
    expect(typed.integer('edge1')).to.equal(config.edge1);
    expect(typed.string('head')).to.equal(config.head);
    expect(typed.has('lr_sgd')).to.equal(false);
    expect(typed.numberOr('lr_sgd', 0.1)).to.equal(0.1);
    expect(typed.stringOr('optimizer', 'SGD')).to.equal('Adam');
  });

  it('names the hyperparameter when the name, the type or the activity is wrong', () => {
    const typed = typedConfig(space, config);
    expect(() => typed.number('lr_adma')).to.throw(SpaceError, /unknown hyperparameter 'lr_adma' \(the space has edge1, .*lr_adam/);
    expect(() => typed.number('head')).to.throw(SpaceError, /hyperparameter 'head' \(categorical\) is "CosFace", not a number/);
    expect(() => typed.string('edge1')).to.throw(SpaceError, /hyperparameter 'edge1' \(categorical\) is \d, not a string/);
    expect(() => typed.number('lr_sgd')).to.throw(SpaceError, /hyperparameter 'lr_sgd' is not active/);
    expect(() => typed.boolean('head')).to.throw(SpaceError).with.property('hyperparameter', 'head');
  });

  it('reads booleans and integers of any space', () => {
    const s = Space.fromJSON({ hyperparameters: { flag: { type: 'categorical', choices: [true, false] }, n: { type: 'integer', lower: 1, upper: 9 } } });
    const typed = typedConfig(s, { flag: false, n: 3 });
    expect(typed.boolean('flag')).to.equal(false);
    expect(typed.integer('n')).to.equal(3);
    expect(() => typedConfig(s, { flag: false, n: 2.5 }).integer('n')).to.throw(SpaceError, /'n' \(integer\) is 2.5, not an integer/);
  });
});
