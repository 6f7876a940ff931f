import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { Space, SpaceError } from '../../lib/space/index.js';
import type { Configuration } from '../../lib/space/index.js';
import { nestedIsForbidden, nestedSpace, repositoryPath } from './helpers.js';

/** Names whose values differ between two configurations (present in one only counts). */
function changed(a: Configuration, b: Configuration): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => a[name] !== b[name]).sort();
}

describe('space one-exchange neighbourhood', () => {
  const space = nestedSpace();

  it('returns only valid neighbours, each changing one active hyperparameter (plus the children it (de)activates)', () => {
    for (const config of space.sample(200, 'neighbours')) {
      const neighbours = space.neighbours(config, 1);
      expect(neighbours.length).to.be.greaterThan(0);
      for (const neighbour of neighbours) {
        expect(space.isValid(neighbour), JSON.stringify(neighbour)).to.equal(true);
        expect(nestedIsForbidden(neighbour)).to.equal(false);
        const differences = changed(config, neighbour);
        // exactly one hyperparameter active in both changed value; the rest are (de)activated children
        const swapped = differences.filter((name) => name in config && name in neighbour);
        expect(swapped, JSON.stringify({ config, neighbour })).to.have.length(1);
        for (const name of differences.filter((n) => !(n in config))) expect(neighbour[name]).to.equal(space.get(name).default);
      }
    }
  });

  it('tries every other categorical value, adjacent ordinal values and up to 4 numeric steps', () => {
    const config: Configuration = { model: 'cnn', layers: 4, activation: 'relu', kernel: 3, dilation: 1, optimizer: 'adam', lr: 0.01, dropout: 0.3, seed: 7 };
    const neighbours = space.neighbours(config, 'x');
    const valuesOf = (name: string): unknown[] => neighbours.filter((n) => changed(config, n).includes(name) && name in n).map((n) => n[name]);
    expect(new Set(valuesOf('model'))).to.deep.equal(new Set(['mlp', 'tree']));
    expect(new Set(valuesOf('activation'))).to.deep.equal(new Set(['gelu'])); // tanh with cnn is forbidden
    expect(new Set(valuesOf('kernel'))).to.deep.equal(new Set([1, 5]));
    expect(valuesOf('lr')).to.have.length(4);
    expect(valuesOf('dropout')).to.have.length(4);
    expect(valuesOf('seed')).to.have.length(0); // constants have no neighbours
    // switching to mlp activates units at its default; switching to sgd activates momentum at its default
    const mlp = neighbours.find((n) => n.model === 'mlp') as Configuration;
    expect(mlp.units).to.equal(64);
    expect('kernel' in mlp).to.equal(false);
    const sgd = neighbours.find((n) => n.optimizer === 'sgd') as Configuration;
    expect(sgd.momentum).to.equal(0.9);
    expect(sgd.nesterov).to.equal(true); // the grandchild too: momentum 0.9 > 0.5
  });

  it('is deterministic per seed and shuffled differently by another seed', () => {
    const config = space.sample(1, 9)[0];
    expect(space.neighbours(config, 5)).to.deep.equal(space.neighbours(config, 5));
    expect(space.neighbours(config, seedrandom('s'))).to.deep.equal(space.neighbours(config, seedrandom('s')));
    const ids = (list: Configuration[]): string[] => list.map((c) => space.configId(c));
    const a = ids(space.neighbours(config, 5));
    const b = ids(space.neighbours(config, 6));
    expect(a).to.not.deep.equal(b);
  });

  it('covers all 8 edge changes + 2 heads + 2 optimizers of the FR-NAS space', () => {
    const frnas = Space.fromFile(repositoryPath('search-spaces/frnas-dpn.json'));
    const neighbours = frnas.neighbours(frnas.defaultConfiguration(), 0);
    const byName = (name: string): number => neighbours.filter((n) => changed(frnas.defaultConfiguration(), n).includes(name) && !['lr_adam', 'lr_sgd'].includes(name)).length;
    expect([byName('edge1'), byName('edge2'), byName('edge3'), byName('head'), byName('optimizer')]).to.deep.equal([8, 8, 8, 2, 2]);
    expect(neighbours).to.have.length(8 * 3 + 2 + 2 + 4);
    const sgd = neighbours.find((n) => n.optimizer === 'SGD') as Configuration;
    expect(sgd).to.deep.include({ lr_sgd: 0.1 });
    expect('lr_adam' in sgd).to.equal(false);
  });

  it('refuses an invalid configuration', () => {
    expect(() => space.neighbours({ model: 'tree' }, 1)).to.throw(SpaceError, /'depth' is active/);
  });
});
