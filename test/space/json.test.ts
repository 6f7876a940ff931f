import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Space, SpaceError } from '../../lib/space/index.js';
import type { SpaceJSON } from '../../lib/space/index.js';
import { fixturePath, nestedSpace, repositoryPath } from './helpers.js';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;
const withoutDescription = (json: SpaceJSON): SpaceJSON => {
  const { description: _description, ...rest } = json;
  return rest;
};

describe('space JSON', () => {
  describe('own format', () => {
    it('round-trips: toJSON is a fixed point and the re-read space samples the same', () => {
      const space = nestedSpace();
      const json = space.toJSON();
      const again = Space.fromJSON(JSON.stringify(json));
      expect(again.toJSON()).to.deep.equal(json);
      expect(again.names).to.deep.equal(space.names);
      expect(again.sample(300, 'round-trip')).to.deep.equal(space.sample(300, 'round-trip'));
      expect(again.neighbours(space.defaultConfiguration(), 1)).to.deep.equal(space.neighbours(space.defaultConfiguration(), 1));
    });

    it('writes readable definitions with explicit defaults', () => {
      const json = nestedSpace().toJSON();
      expect(json.name).to.equal('nested-test');
      expect(json.hyperparameters.lr).to.deep.equal({ type: 'float', lower: 1e-5, upper: 1, log: true, default: 0.001 });
      expect(json.hyperparameters.activation).to.deep.equal({ type: 'categorical', choices: ['relu', 'tanh', 'gelu'], weights: [2, 1, 1], default: 'relu' });
      expect(json.conditions?.[8]).to.deep.equal({ child: 'momentum', all: [{ parent: 'optimizer', equals: 'sgd' }, { parent: 'layers', lessThan: 7 }] });
      expect(json.forbidden?.[3]).to.deep.equal({ relation: 'dilation > layers' });
    });
  });

  describe('ConfigSpace format', () => {
    it('loads a hand-written ConfigSpace 1.x file as the same space as our own-format twin', () => {
      const fromConfigSpace = Space.fromFile(fixturePath('nested.configspace-v1.json'));
      const own = nestedSpace();
      expect(fromConfigSpace.toJSON()).to.deep.equal(withoutDescription(own.toJSON()));
      expect(fromConfigSpace.sample(500, 7)).to.deep.equal(own.sample(500, 7));
    });

    it('loads the FR-NAS space as SMAC3 2.0 (ConfigSpace 0.6) dumps it, same as search-spaces/frnas-dpn.json', () => {
      const legacy = Space.fromFile(fixturePath('frnas-dpn.configspace-legacy.json'));
      const own = Space.fromFile(repositoryPath('search-spaces/frnas-dpn.json'));
      expect(legacy.toJSON()).to.deep.equal(withoutDescription(own.toJSON()));
      expect(legacy.sample(200, 1)).to.deep.equal(own.sample(200, 1));
    });

    it('writes exactly what ConfigSpace writes (legacy 0.6 and 1.x flavours, compared with the hand-written files)', () => {
      const own = Space.fromFile(repositoryPath('search-spaces/frnas-dpn.json'));
      expect(own.toConfigSpaceJSON()).to.deep.equal(readJson(fixturePath('frnas-dpn.configspace-legacy.json')));
      expect(nestedSpace().toConfigSpaceJSON({ flavour: 'v1' })).to.deep.equal(readJson(fixturePath('nested.configspace-v1.json')));
    });

    it('round-trips through both flavours', () => {
      const space = nestedSpace();
      for (const flavour of ['legacy', 'v1'] as const) {
        const again = Space.fromJSON(JSON.stringify(space.toConfigSpaceJSON({ flavour })));
        expect(again.toJSON(), flavour).to.deep.equal(withoutDescription(space.toJSON()));
      }
    });

    it('reads legacy relations, `probabilities`, missing defaults and ANDs two conditions on one child', () => {
      const space = Space.fromJSON({
        hyperparameters: [
          { name: 'a', type: 'uniform_int', log: false, lower: 0, upper: 10 },
          { name: 'b', type: 'uniform_int', log: false, lower: 0, upper: 10, default: 2 },
          { name: 'c', type: 'categorical', choices: ['x', 'y'], probabilities: [1, 3] },
          { name: 'd', type: 'unparametrized', value: 'fixed' },
        ],
        conditions: [
          { child: 'd', parent: 'a', type: 'GT', value: 2 },
          { child: 'd', parent: 'c', type: 'EQ', value: 'y' },
        ],
        forbiddens: [{ type: 'RELATION', left: 'b', right: 'a', lambda: 'GREATER' }],
        json_format_version: 0.2,
      });
      expect(space.defaultConfiguration()).to.deep.equal({ a: 5, b: 2, c: 'y', d: 'fixed' });
      expect(space.isValid({ a: 1, b: 0, c: 'y' })).to.equal(true); // a > 2 fails, so d is inactive
      expect(space.isValid({ a: 3, b: 0, c: 'x' })).to.equal(true);
      expect(space.isValid({ a: 3, b: 4, c: 'y', d: 'fixed' })).to.equal(false); // b > a
      const written = space.toConfigSpaceJSON();
      expect(written.conditions).to.have.length(1);
      expect(written.conditions[0]).to.deep.include({ type: 'AND', child: 'd' });
      expect(written.forbiddens[0]).to.deep.equal({ type: 'RELATION', left: 'b', right: 'a', lambda: 'GREATER' });
    });
  });

  describe('malformed space files give one specific error', () => {
    const base = (hyperparameters: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hyperparameters, ...extra });
    const opt = { type: 'categorical', choices: ['SGD', 'Adam'] };
    const lr = { type: 'float', lower: 1e-5, upper: 1, log: true };
    const cases: Array<[string, unknown, RegExp]> = [
      ['bounds reversed', base({ lr: { ...lr, lower: 1, upper: 0.1 } }), /^hyperparameters\.lr\.upper: float hyperparameter 'lr': lower \(1\) must be below upper \(0\.1\)/],
      ['missing bound', base({ lr: { type: 'float', upper: 1 } }), /^hyperparameters\.lr\.lower: missing/],
      ['unknown type', base({ lr: { ...lr, type: 'double' } }), /^hyperparameters\.lr\.type: unknown type "double"/],
      ['ConfigSpace type in our format', base({ lr: { ...lr, type: 'uniform_float' } }), /^hyperparameters\.lr\.type: unknown type "uniform_float" .*ConfigSpace files list hyperparameters in an array/],
      ['our type in an array (ConfigSpace) file', { hyperparameters: [{ name: 'lr', ...lr }] }, /^hyperparameters\[0\] \('lr'\)\.type: unknown ConfigSpace type "float" .*uniform_float/],
      ['missing type', base({ lr: { lower: 0, upper: 1 } }), /^hyperparameters\.lr\.type: missing/],
      ['typo in a field', base({ lr: { ...lr, defualt: 0.1 } }), /^hyperparameters\.lr\.defualt: unknown field for a float hyperparameter/],
      ['default out of range', base({ lr: { ...lr, default: 5 } }), /^hyperparameters\.lr\.default: .*default 5 is above the upper bound 1/],
      ['log with lower 0', base({ lr: { ...lr, lower: 0 } }), /^hyperparameters\.lr\.lower: .*log-scale range needs lower > 0/],
      ['bound not a number', base({ lr: { ...lr, upper: '1' } }), /^hyperparameters\.lr\.upper: .*upper must be a finite number, got "1"/],
      ['integer with fractional bound', base({ n: { type: 'integer', lower: 0.5, upper: 3 } }), /^hyperparameters\.n\.lower: .*must be an integer/],
      ['weights of the wrong length', base({ c: { type: 'categorical', choices: ['a', 'b'], weights: [1] } }), /^hyperparameters\.c\.weights: .*2 numbers/],
      ['duplicate choice', base({ c: { type: 'categorical', choices: ['a', 'a'] } }), /^hyperparameters\.c\.choices: .*lists "a" twice/],
      ['default not a choice', base({ c: { type: 'categorical', choices: ['a'], default: 'b' } }), /^hyperparameters\.c\.default: .*"b" is not one of the choices/],
      ['hyperparameters not an object', { hyperparameters: 'lr' }, /^hyperparameters: expected an object/],
      ['no hyperparameters', { name: 'x' }, /^hyperparameters: missing/],
      ['unknown top-level field', base({}, { forbiddens: [] }), /^\(top level\)\.forbiddens: unknown field/],
      ['condition on an unknown parent', base({ opt, lr }, { conditions: [{ child: 'lr', parent: 'nope', equals: 1 }] }), /^conditions\[0\]: condition nope == 1: unknown hyperparameter 'nope'/],
      ['condition on an unknown child', base({ opt, lr }, { conditions: [{ child: 'lx', parent: 'opt', equals: 'SGD' }] }), /^conditions\[0\]: .*unknown child hyperparameter 'lx'/],
      ['condition value not legal', base({ opt, lr }, { conditions: [{ child: 'lr', parent: 'opt', equals: 'Nadam' }] }), /^conditions\[0\]: condition opt == "Nadam": "Nadam" is not one of the choices/],
      ['two operators', base({ opt, lr }, { conditions: [{ child: 'lr', parent: 'opt', equals: 'SGD', in: ['SGD'] }] }), /^conditions\[0\]: a condition needs exactly one of .*found equals, in/],
      ['order on a categorical', base({ opt, lr }, { conditions: [{ child: 'lr', parent: 'opt', greaterThan: 'SGD' }] }), /^conditions\[0\]: .*'opt' is categorical, which has no order/],
      ['nested term with a child', base({ opt, lr }, { conditions: [{ child: 'lr', all: [{ child: 'lr', parent: 'opt', equals: 'SGD' }] }] }), /^conditions\[0\]\.all\[0\]\.child: unknown field/],
      ['cycle', base({ opt: { ...opt }, c: { type: 'categorical', choices: ['SGD', 'x'] } }, { conditions: [{ child: 'c', parent: 'opt', equals: 'SGD' }, { child: 'opt', parent: 'c', equals: 'SGD' }] }), /^conditions\[1\]: .*makes a cycle/],
      ['bad relation text', base({ a: lr, b: lr }, { forbidden: [{ relation: 'a >= b' }] }), /^forbidden\[0\]\.relation: expected "<left> <op> <right>"/],
      ['relation on strings', base({ opt, o2: opt }, { forbidden: [{ relation: 'opt < o2' }] }), /^forbidden\[0\]: forbidden relation opt < o2: 'opt' takes non-numeric values/],
      ['forbidden value not legal', base({ opt }, { forbidden: [{ equals: { opt: 'Nadam' } }] }), /^forbidden\[0\]: forbidden clause opt == "Nadam": "Nadam" is not one of the choices/],
      ['forbidden default', base({ opt }, { forbidden: [{ equals: { opt: 'SGD' } }] }), /^forbidden\[0\]: forbidden clause opt == "SGD" forbids the default configuration/],
      ['two kinds in one clause', base({ opt }, { forbidden: [{ equals: { opt: 'Adam' }, in: { opt: ['Adam'] } }] }), /^forbidden\[0\]: a forbidden clause is an object with exactly one of/],
      ['not an object', [1, 2], /a space must be a JSON object, got an array/],
      // ConfigSpace format
      ['ConfigSpace normal_float', { hyperparameters: [{ name: 'x', type: 'normal_float', mu: 0, sigma: 1, log: false }] }, /^hyperparameters\[0\] \('x'\)\.type: normal_float is not supported/],
      ['ConfigSpace reversed bounds', { hyperparameters: [{ name: 'x', type: 'uniform_float', lower: 2, upper: 1, log: false }] }, /^hyperparameters\[0\] \('x'\)\.upper: .*must be below upper/],
      ['ConfigSpace missing name', { hyperparameters: [{ type: 'uniform_float', lower: 0, upper: 1 }] }, /^hyperparameters\[0\]\.name: expected a non-empty string/],
      ['ConfigSpace unknown condition type', { hyperparameters: [{ name: 'a', type: 'categorical', choices: [1, 2] }, { name: 'b', type: 'constant', value: 1 }], conditions: [{ child: 'b', parent: 'a', type: 'XOR', value: 1 }] }, /^conditions\[0\]\.type: unknown condition type "XOR"/],
      ['ConfigSpace conjunction over two children', { hyperparameters: [{ name: 'a', type: 'categorical', choices: [1, 2] }, { name: 'b', type: 'constant', value: 1 }, { name: 'c', type: 'constant', value: 1 }], conditions: [{ child: 'b', type: 'AND', conditions: [{ child: 'c', parent: 'a', type: 'EQ', value: 1 }] }] }, /^conditions\[0\]\.conditions\[0\]\.child: a conjunction's conditions must all be on the same child \('b'\)/],
      ['ConfigSpace pickled callable', { hyperparameters: [{ name: 'a', type: 'uniform_int', lower: 0, upper: 3 }, { name: 'b', type: 'uniform_int', lower: 0, upper: 3 }], forbiddens: [{ type: 'RELATION', left: 'a', right: 'b', lambda: 'CALLABLE' }] }, /^forbiddens\[0\]\.lambda: unknown relation "CALLABLE" \(pickled Python callables/],
    ];
    for (const [what, input, message] of cases) {
      it(what, () => {
        expect(() => Space.fromJSON(input)).to.throw(SpaceError, message);
      });
    }

    it('JSON syntax errors give the line', () => {
      expect(() => Space.fromJSON('{\n  "hyperparameters": {\n    "a": { "type": "float", }\n  }\n}')).to.throw(SpaceError, /not valid JSON: .*line 3/);
    });

    it('fromFile names the file, and the JSON path inside it', () => {
      const folder = mkdtempSync(join(tmpdir(), 'frnas-space-'));
      const file = join(folder, 'broken.json');
      writeFileSync(file, JSON.stringify({ hyperparameters: { lr: { type: 'float', lower: 1, upper: 0 } } }));
      expect(() => Space.fromFile(file)).to.throw(SpaceError, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: hyperparameters\\.lr\\.upper: `));
      expect(() => Space.fromFile(join(folder, 'missing.json'))).to.throw(SpaceError, /missing\.json: cannot read the space file/);
    });
  });
});
