import { expect } from 'chai';
import {
  AndConjunction,
  CategoricalHyperparameter,
  EqualsCondition,
  FloatHyperparameter,
  ForbiddenAndConjunction,
  ForbiddenEqualsClause,
  GreaterThanCondition,
  InCondition,
  IntegerHyperparameter,
  OrConjunction,
  Space,
  SpaceError,
  configurationId,
} from '../../lib/space/index.js';
import { repositoryPath } from './helpers.js';

describe('space (programmatic API, identity, FR-NAS space)', () => {
  it('builds a space in code, with the same behaviour as one read from JSON', () => {
    const space = new Space('built')
      .add(new CategoricalHyperparameter('optimizer', { choices: ['Adam', 'SGD'] }))
      .add(new IntegerHyperparameter('epochs', { lower: 1, upper: 20, default: 5 }))
      .add(new FloatHyperparameter('momentum', { lower: 0, upper: 0.99, default: 0.9 }))
      .addCondition('momentum', new AndConjunction(new EqualsCondition('optimizer', 'SGD'), new GreaterThanCondition('epochs', 2)))
      .addForbidden(new ForbiddenAndConjunction(new ForbiddenEqualsClause('optimizer', 'SGD'), new ForbiddenEqualsClause('epochs', 1)));
    const read = Space.fromJSON(space.toJSON());
    expect(read.sample(100, 3)).to.deep.equal(space.sample(100, 3));
    expect(space.parentsOf('momentum')).to.deep.equal(['optimizer', 'epochs']);
    expect(space.size).to.equal(3);
    expect(space.get('epochs').kind).to.equal('integer');
  });

  it('combines several conditions on one child with AND, and OR within a conjunction', () => {
    const space = new Space()
      .add(new IntegerHyperparameter('a', { lower: 0, upper: 9 }), new IntegerHyperparameter('b', { lower: 0, upper: 9 }), new FloatHyperparameter('x', { lower: 0, upper: 1 }))
      .addCondition('x', new GreaterThanCondition('a', 3))
      .addCondition('x', new OrConjunction(new InCondition('b', [0, 1]), new EqualsCondition('b', 9)));
    expect(space.isActive('x', { a: 5, b: 9 })).to.equal(true);
    expect(space.isActive('x', { a: 5, b: 5 })).to.equal(false);
    expect(space.isActive('x', { a: 2, b: 0 })).to.equal(false);
  });

  it('rejects duplicate names, self-conditions and cycles', () => {
    const space = new Space().add(new IntegerHyperparameter('a', { lower: 0, upper: 9 }), new IntegerHyperparameter('b', { lower: 0, upper: 9 }));
    expect(() => space.add(new IntegerHyperparameter('a', { lower: 0, upper: 1 }))).to.throw(SpaceError, /'a' is defined twice/);
    expect(() => space.addCondition('a', new GreaterThanCondition('a', 3))).to.throw(SpaceError, /refers to 'a' itself/);
    space.addCondition('b', new GreaterThanCondition('a', 3));
    expect(() => space.addCondition('a', new GreaterThanCondition('b', 3))).to.throw(SpaceError, /makes a cycle/);
  });

  it('gives a configuration a stable id: key order irrelevant, any value change matters', () => {
    const space = Space.fromFile(repositoryPath('search-spaces/frnas-dpn.json'));
    const config = space.defaultConfiguration();
    const id = space.configId(config);
    expect(id).to.match(/^[0-9a-f]{16}$/);
    expect(space.configId(Object.fromEntries(Object.entries(config).reverse()))).to.equal(id);
    expect(configurationId({ ...config })).to.equal(id);
    expect(space.configId({ ...config, edge1: 3 })).to.not.equal(id);
    expect(configurationId({ a: 1 })).to.not.equal(configurationId({ a: '1' }));
    expect(configurationId({ a: 0 })).to.equal(configurationId({ a: -0 }));
    const ids = new Set(space.sample(2000, 'ids').map((c) => space.configId(c)));
    expect(ids.size).to.equal(2000);
  });

  it('loads search-spaces/frnas-dpn.json: the paper’s joint space with its defaults', () => {
    const space = Space.fromFile(repositoryPath('search-spaces/frnas-dpn.json'));
    expect(space.names).to.deep.equal(['edge1', 'edge2', 'edge3', 'head', 'optimizer', 'lr_adam', 'lr_sgd']);
    expect(space.defaultConfiguration()).to.deep.equal({ edge1: 2, edge2: 0, edge3: 1, head: 'CosFace', optimizer: 'Adam', lr_adam: 1e-3 });
    const edges = new Set(space.sample(3000, 1).map((c) => c.edge2));
    expect(edges).to.deep.equal(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    for (const config of space.sample(500, 2)) {
      if (config.optimizer === 'SGD') expect(config.lr_sgd as number).to.be.within(0.09, 0.8);
      else expect(config.lr_adam as number).to.be.within(1e-5, 1e-2);
      expect(('lr_sgd' in config) !== ('lr_adam' in config)).to.equal(true);
    }
  });
});
