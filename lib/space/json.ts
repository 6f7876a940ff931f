// frnas's own readable space format (search-spaces/*.json); see docs/space.md.
// Every error names the JSON path of the offending field, e.g. `hyperparameters.lr.lower`.
import {
  ActivationCondition,
  AndConjunction,
  Conjunction,
  EqualsCondition,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
  LiteralCondition,
  NotEqualsCondition,
  OrConjunction,
} from './conditions.js';
import { SpaceError, show } from './errors.js';
import { at, expectArray, expectObject, expectString, expectValue, expectValues, fail, type JsonObject } from './json-read.js';
import {
  ForbiddenAndConjunction,
  ForbiddenClause,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  ForbiddenRelation,
  type RelationOperator,
} from './forbiddens.js';
import {
  CategoricalHyperparameter,
  ConstantHyperparameter,
  FloatHyperparameter,
  type Hyperparameter,
  IntegerHyperparameter,
  OrdinalHyperparameter,
} from './hyperparameters.js';
import type { SpaceFactory, SpaceParts } from './space-parts.js';
import type { HyperparameterValue } from './types.js';

export type FloatJSON = { type: 'float'; lower: number; upper: number; log?: boolean; q?: number; default?: number };
export type IntegerJSON = { type: 'integer'; lower: number; upper: number; log?: boolean; q?: number; default?: number };
export type CategoricalJSON = { type: 'categorical'; choices: HyperparameterValue[]; weights?: number[]; default?: HyperparameterValue };
export type OrdinalJSON = { type: 'ordinal'; sequence: HyperparameterValue[]; default?: HyperparameterValue };
export type ConstantJSON = { type: 'constant'; value: HyperparameterValue };
export type HyperparameterJSON = FloatJSON | IntegerJSON | CategoricalJSON | OrdinalJSON | ConstantJSON;

/** A condition without its child: a comparison of one parent, or `all` / `any` of conditions. */
export type ConditionTermJSON =
  | { parent: string; equals: HyperparameterValue }
  | { parent: string; notEquals: HyperparameterValue }
  | { parent: string; in: HyperparameterValue[] }
  | { parent: string; greaterThan: HyperparameterValue }
  | { parent: string; lessThan: HyperparameterValue }
  | { all: ConditionTermJSON[] }
  | { any: ConditionTermJSON[] };
export type ConditionJSON = { child: string } & ConditionTermJSON;

export type ForbiddenJSON =
  | { equals: Record<string, HyperparameterValue> }
  | { in: Record<string, HyperparameterValue[]> }
  | { all: ForbiddenJSON[] }
  | { relation: string };

export interface SpaceJSON {
  name?: string;
  description?: string;
  /** name -> definition; the key order is the encoding order. */
  hyperparameters: Record<string, HyperparameterJSON>;
  conditions?: ConditionJSON[];
  forbidden?: ForbiddenJSON[];
}

export type { SpaceFactory } from './space-parts.js';

function checkKeys(obj: JsonObject, allowed: readonly string[], path: string, what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown field for ${what} (allowed: ${allowed.join(', ')})`);
  }
}

const NUMERIC_KEYS = ['type', 'lower', 'upper', 'log', 'q', 'default'];

function readHyperparameter(name: string, raw: unknown, path: string): Hyperparameter {
  const obj = expectObject(raw, path);
  const type = obj.type;
  const require = (key: string): void => {
    if (obj[key] === undefined) fail(`${path}.${key}`, 'missing', name);
  };
  switch (type) {
    case 'float':
    case 'integer':
    case 'int': {
      checkKeys(obj, NUMERIC_KEYS, path, `a ${type} hyperparameter`);
      require('lower');
      require('upper');
      const options = {
        lower: obj.lower as number,
        upper: obj.upper as number,
        log: obj.log as boolean | undefined,
        q: obj.q as number | undefined,
        default: obj.default as number | undefined,
      };
      return at(path, () => (type === 'float' ? new FloatHyperparameter(name, options) : new IntegerHyperparameter(name, options)));
    }
    case 'categorical':
      checkKeys(obj, ['type', 'choices', 'weights', 'default'], path, 'a categorical hyperparameter');
      require('choices');
      return at(path, () => new CategoricalHyperparameter(name, {
        choices: obj.choices as HyperparameterValue[],
        weights: obj.weights as number[] | undefined,
        default: obj.default as HyperparameterValue | undefined,
      }));
    case 'ordinal':
      checkKeys(obj, ['type', 'sequence', 'default'], path, 'an ordinal hyperparameter');
      require('sequence');
      return at(path, () => new OrdinalHyperparameter(name, { sequence: obj.sequence as HyperparameterValue[], default: obj.default as HyperparameterValue | undefined }));
    case 'constant':
      checkKeys(obj, ['type', 'value'], path, 'a constant hyperparameter');
      require('value');
      return at(path, () => new ConstantHyperparameter(name, obj.value as HyperparameterValue));
    case undefined:
      return fail(`${path}.type`, 'missing (one of float, integer, categorical, ordinal, constant)', name);
    default:
      return fail(
        `${path}.type`,
        `unknown type ${show(type)} (expected float, integer, categorical, ordinal or constant` +
          `${typeof type === 'string' && type.startsWith('uniform_') ? '; ConfigSpace files list hyperparameters in an array' : ''})`,
        name,
      );
  }
}

const LITERAL_KEYS = ['equals', 'notEquals', 'in', 'greaterThan', 'lessThan'] as const;

function readConditionTerm(raw: unknown, path: string, allowChild: boolean): ActivationCondition {
  const obj = expectObject(raw, path);
  const operators = [...LITERAL_KEYS, 'all', 'any'].filter((key) => key in obj);
  if (operators.length !== 1) {
    fail(path, `a condition needs exactly one of equals, notEquals, in, greaterThan, lessThan, all, any; found ${operators.length === 0 ? 'none' : operators.join(', ')}`);
  }
  const operator = operators[0];
  const base = allowChild ? ['child'] : [];
  if (operator === 'all' || operator === 'any') {
    checkKeys(obj, [...base, operator], path, `an '${operator}' condition`);
    const terms = expectArray(obj[operator], `${path}.${operator}`);
    if (terms.length === 0) fail(`${path}.${operator}`, 'needs at least one condition');
    const conditions = terms.map((term, index) => readConditionTerm(term, `${path}.${operator}[${index}]`, false));
    return operator === 'all' ? new AndConjunction(...conditions) : new OrConjunction(...conditions);
  }
  checkKeys(obj, [...base, 'parent', operator], path, `an '${operator}' condition`);
  const parent = expectString(obj.parent, `${path}.parent`);
  const valuePath = `${path}.${operator}`;
  switch (operator) {
    case 'equals':
      return new EqualsCondition(parent, expectValue(obj.equals, valuePath));
    case 'notEquals':
      return new NotEqualsCondition(parent, expectValue(obj.notEquals, valuePath));
    case 'in':
      return new InCondition(parent, expectValues(obj.in, valuePath));
    case 'greaterThan':
      return new GreaterThanCondition(parent, expectValue(obj.greaterThan, valuePath));
    default:
      return new LessThanCondition(parent, expectValue(obj.lessThan, valuePath));
  }
}

const RELATION_PATTERN = /^\s*(\S+?)\s*(<|==|>)\s*(\S+)\s*$/;

function readForbidden(raw: unknown, path: string): ForbiddenClause {
  const obj = expectObject(raw, path);
  const keys = Object.keys(obj);
  if (keys.length !== 1 || !['equals', 'in', 'all', 'relation'].includes(keys[0])) {
    fail(path, `a forbidden clause is an object with exactly one of equals, in, all, relation; found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  }
  const kind = keys[0];
  const valuePath = `${path}.${kind}`;
  if (kind === 'relation') {
    const text = expectString(obj.relation, valuePath);
    const match = RELATION_PATTERN.exec(text);
    if (match === null) fail(valuePath, `expected "<left> <op> <right>" with op one of <, ==, >, got ${show(text)}`);
    return new ForbiddenRelation(match[1], match[2] as RelationOperator, match[3]);
  }
  if (kind === 'all') {
    const items = expectArray(obj.all, valuePath);
    if (items.length === 0) fail(valuePath, 'needs at least one clause');
    return new ForbiddenAndConjunction(...items.map((item, index) => readForbidden(item, `${valuePath}[${index}]`)));
  }
  // equals / in: one entry per hyperparameter; several entries are forbidden together (an `and`).
  const entries = Object.entries(expectObject(obj[kind], valuePath));
  if (entries.length === 0) fail(valuePath, 'names no hyperparameter');
  const clauses = entries.map(([name, value]): ForbiddenClause =>
    kind === 'equals'
      ? new ForbiddenEqualsClause(name, expectValue(value, `${valuePath}.${name}`))
      : new ForbiddenInClause(name, expectValues(value, `${valuePath}.${name}`)),
  );
  return clauses.length === 1 ? clauses[0] : new ForbiddenAndConjunction(...clauses);
}

export function readSpaceJSON<S extends SpaceParts>(obj: JsonObject, createSpace: SpaceFactory<S>): S {
  checkKeys(obj, ['name', 'description', 'hyperparameters', 'conditions', 'forbidden'], '(top level)', 'a space');
  const name = obj.name === undefined ? undefined : expectString(obj.name, 'name');
  const description = obj.description === undefined ? undefined : expectString(obj.description, 'description');
  if (obj.hyperparameters === undefined) fail('hyperparameters', 'missing (an object: name -> definition)');
  const definitions = expectObject(obj.hyperparameters, 'hyperparameters');
  const space = createSpace(name, description);
  for (const [hpName, raw] of Object.entries(definitions)) {
    const path = `hyperparameters.${hpName}`;
    const hp = readHyperparameter(hpName, raw, path);
    at(path, () => space.add(hp), false);
  }
  const conditions = obj.conditions === undefined ? [] : expectArray(obj.conditions, 'conditions');
  conditions.forEach((raw, index) => {
    const path = `conditions[${index}]`;
    const child = expectString(expectObject(raw, path).child, `${path}.child`);
    const condition = readConditionTerm(raw, path, true);
    at(path, () => space.addCondition(child, condition), false);
  });
  const forbidden = obj.forbidden === undefined ? [] : expectArray(obj.forbidden, 'forbidden');
  forbidden.forEach((raw, index) => {
    const path = `forbidden[${index}]`;
    const clause = readForbidden(raw, path);
    at(path, () => space.addForbidden(clause), false);
  });
  return space;
}

function writeHyperparameter(hp: Hyperparameter): HyperparameterJSON {
  if (hp instanceof FloatHyperparameter || hp instanceof IntegerHyperparameter) {
    const out = { type: hp.kind, lower: hp.lower, upper: hp.upper } as FloatJSON | IntegerJSON;
    if (hp.log) out.log = true;
    if (hp.q !== undefined) out.q = hp.q;
    out.default = hp.default;
    return out;
  }
  if (hp instanceof CategoricalHyperparameter) {
    const out: CategoricalJSON = { type: 'categorical', choices: [...hp.choices] };
    if (hp.weights !== undefined) out.weights = [...hp.weights];
    out.default = hp.default;
    return out;
  }
  if (hp instanceof OrdinalHyperparameter) return { type: 'ordinal', sequence: [...hp.sequence], default: hp.default };
  if (hp instanceof ConstantHyperparameter) return { type: 'constant', value: hp.value };
  throw new SpaceError(`cannot write hyperparameter '${hp.name}' of kind ${hp.kind}`, hp.name);
}

function writeConditionTerm(condition: ActivationCondition): ConditionTermJSON {
  if (condition instanceof Conjunction) {
    const terms = condition.conditions.map(writeConditionTerm);
    return condition.connective === 'and' ? { all: terms } : { any: terms };
  }
  if (condition instanceof InCondition) return { parent: condition.parent, in: [...condition.values] };
  if (condition instanceof EqualsCondition) return { parent: condition.parent, equals: condition.value };
  if (condition instanceof NotEqualsCondition) return { parent: condition.parent, notEquals: condition.value };
  if (condition instanceof GreaterThanCondition) return { parent: condition.parent, greaterThan: condition.value };
  if (condition instanceof LessThanCondition) return { parent: condition.parent, lessThan: condition.value };
  const parent = condition instanceof LiteralCondition ? ` on '${condition.parent}'` : '';
  throw new SpaceError(`cannot write condition ${condition.describe()}${parent}`);
}

function writeForbidden(clause: ForbiddenClause): ForbiddenJSON {
  if (clause instanceof ForbiddenEqualsClause) return { equals: { [clause.name]: clause.value } };
  if (clause instanceof ForbiddenInClause) return { in: { [clause.name]: [...clause.values] } };
  if (clause instanceof ForbiddenAndConjunction) return { all: clause.clauses.map(writeForbidden) };
  if (clause instanceof ForbiddenRelation) return { relation: `${clause.left} ${clause.operator} ${clause.right}` };
  throw new SpaceError(`cannot write forbidden clause ${clause.describe()}`);
}

export function writeSpaceJSON(space: SpaceParts): SpaceJSON {
  const out: SpaceJSON = { hyperparameters: {} };
  if (space.name !== undefined) out.name = space.name;
  if (space.description !== undefined) out.description = space.description;
  for (const hp of space.hyperparameters) out.hyperparameters[hp.name] = writeHyperparameter(hp);
  const conditions = space.conditions.map(({ child, condition }) => ({ child, ...writeConditionTerm(condition) }) as ConditionJSON);
  if (conditions.length > 0) out.conditions = conditions;
  const forbidden = space.forbiddenClauses.map(writeForbidden);
  if (forbidden.length > 0) out.forbidden = forbidden;
  return out;
}
