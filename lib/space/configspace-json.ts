// Read and write ConfigSpace's JSON (the format SMAC3 users save spaces in), so a space written for
// SMAC3 loads unchanged. Two generations exist and both are read:
//  - legacy (ConfigSpace 0.4–0.7, SMAC3 <= 2.0): `default`, optional `q`, `json_format_version`,
//    relations as {"type": "RELATION", "lambda": "LESS" | "EQUALS" | "GREATER"};
//  - v1 (ConfigSpace >= 1.0): `default_value`, `meta`, `format_version`, relations as "RELATION_LT" etc.
import {
  ActivationCondition,
  AndConjunction,
  Conjunction,
  EqualsCondition,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
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

export type ConfigSpaceFlavour = 'legacy' | 'v1';

/** ConfigSpace version we claim in `python_module_version` for each flavour. */
export const CONFIGSPACE_MODULE_VERSION: Record<ConfigSpaceFlavour, string> = { legacy: '0.6.1', v1: '1.2.0' };
export const CONFIGSPACE_FORMAT_VERSION = 0.4;

export interface ConfigSpaceHyperparameterJSON {
  name: string;
  type: 'uniform_float' | 'uniform_int' | 'categorical' | 'ordinal' | 'constant';
  log?: boolean;
  lower?: number;
  upper?: number;
  q?: number | null;
  default?: HyperparameterValue;
  default_value?: HyperparameterValue;
  choices?: HyperparameterValue[];
  weights?: number[] | null;
  sequence?: HyperparameterValue[];
  value?: HyperparameterValue;
  meta?: null;
}

export interface ConfigSpaceConditionJSON {
  type: 'EQ' | 'NEQ' | 'IN' | 'LT' | 'GT' | 'AND' | 'OR';
  child: string;
  parent?: string;
  value?: HyperparameterValue;
  values?: HyperparameterValue[];
  conditions?: ConfigSpaceConditionJSON[];
}

export interface ConfigSpaceForbiddenJSON {
  type: 'EQUALS' | 'IN' | 'AND' | 'RELATION' | 'RELATION_LT' | 'RELATION_EQ' | 'RELATION_GT';
  name?: string;
  value?: HyperparameterValue;
  values?: HyperparameterValue[];
  clauses?: ConfigSpaceForbiddenJSON[];
  left?: string;
  right?: string;
  lambda?: 'LESS' | 'EQUALS' | 'GREATER';
}

export interface ConfigSpaceJSON {
  name?: string | null;
  hyperparameters: ConfigSpaceHyperparameterJSON[];
  conditions: ConfigSpaceConditionJSON[];
  forbiddens: ConfigSpaceForbiddenJSON[];
  python_module_version: string;
  json_format_version?: number;
  format_version?: number;
}

/** ConfigSpace's key for a default changed from `default` to `default_value` in 1.0; either is read. */
function defaultOf(obj: JsonObject): HyperparameterValue | undefined {
  const value = obj.default_value ?? obj.default;
  return value === null ? undefined : (value as HyperparameterValue | undefined);
}

const UNSUPPORTED_TYPES = ['normal_float', 'normal_int', 'beta_float', 'beta_int'];

function readHyperparameter(raw: unknown, path: string): Hyperparameter {
  const obj = expectObject(raw, path);
  const name = expectString(obj.name, `${path}.name`);
  const where = `${path} ('${name}')`;
  const type = obj.type;
  const require = (key: string): void => {
    if (obj[key] === undefined || obj[key] === null) fail(`${where}.${key}`, 'missing', name);
  };
  switch (type) {
    case 'uniform_float':
    case 'uniform_int': {
      require('lower');
      require('upper');
      const options = {
        lower: obj.lower as number,
        upper: obj.upper as number,
        log: (obj.log ?? false) as boolean,
        q: (obj.q ?? undefined) as number | undefined,
        default: defaultOf(obj) as number | undefined,
      };
      return at(where, () => (type === 'uniform_float' ? new FloatHyperparameter(name, options) : new IntegerHyperparameter(name, options)));
    }
    case 'categorical':
      require('choices');
      return at(where, () => new CategoricalHyperparameter(name, {
        choices: obj.choices as HyperparameterValue[],
        // ConfigSpace 0.4.x called the weights `probabilities`.
        weights: (obj.weights ?? obj.probabilities ?? undefined) as number[] | undefined,
        default: defaultOf(obj),
      }));
    case 'ordinal':
      require('sequence');
      return at(where, () => new OrdinalHyperparameter(name, { sequence: obj.sequence as HyperparameterValue[], default: defaultOf(obj) }));
    case 'constant':
    case 'unparametrized':
      require('value');
      return at(where, () => new ConstantHyperparameter(name, obj.value as HyperparameterValue));
    default:
      if (typeof type === 'string' && UNSUPPORTED_TYPES.includes(type)) {
        fail(`${where}.type`, `${type} is not supported (frnas samples uniform and log-uniform priors only); use uniform_float / uniform_int`, name);
      }
      if (typeof type === 'string' && ['float', 'integer', 'int'].includes(type)) {
        fail(`${where}.type`, `unknown ConfigSpace type ${show(type)} (ConfigSpace says uniform_float / uniform_int; in frnas's own format "hyperparameters" is an object keyed by name)`, name);
      }
      return fail(`${where}.type`, `unknown hyperparameter type ${show(type)}`, name);
  }
}

function readCondition(raw: unknown, path: string, child: string | undefined): { child: string; condition: ActivationCondition } {
  const obj = expectObject(raw, path);
  const ownChild = expectString(obj.child, `${path}.child`);
  if (child !== undefined && ownChild !== child) {
    fail(`${path}.child`, `a conjunction's conditions must all be on the same child ('${child}'), got '${ownChild}'`, ownChild);
  }
  const type = obj.type;
  if (type === 'AND' || type === 'OR') {
    const items = expectArray(obj.conditions, `${path}.conditions`);
    if (items.length === 0) fail(`${path}.conditions`, 'needs at least one condition', ownChild);
    const parts = items.map((item, index) => readCondition(item, `${path}.conditions[${index}]`, ownChild).condition);
    return { child: ownChild, condition: type === 'AND' ? new AndConjunction(...parts) : new OrConjunction(...parts) };
  }
  const parent = expectString(obj.parent, `${path}.parent`);
  switch (type) {
    case 'EQ':
      return { child: ownChild, condition: new EqualsCondition(parent, expectValue(obj.value, `${path}.value`)) };
    case 'NEQ':
      return { child: ownChild, condition: new NotEqualsCondition(parent, expectValue(obj.value, `${path}.value`)) };
    case 'IN':
      return { child: ownChild, condition: new InCondition(parent, expectValues(obj.values, `${path}.values`)) };
    case 'GT':
      return { child: ownChild, condition: new GreaterThanCondition(parent, expectValue(obj.value, `${path}.value`)) };
    case 'LT':
      return { child: ownChild, condition: new LessThanCondition(parent, expectValue(obj.value, `${path}.value`)) };
    default:
      return fail(`${path}.type`, `unknown condition type ${show(type)} (expected EQ, NEQ, IN, LT, GT, AND or OR)`, ownChild);
  }
}

const LAMBDAS: Record<string, RelationOperator> = { LESS: '<', LT: '<', EQUALS: '==', EQ: '==', GREATER: '>', GT: '>' };
const RELATION_TYPES: Record<string, RelationOperator> = { RELATION_LT: '<', RELATION_EQ: '==', RELATION_GT: '>' };

function readForbidden(raw: unknown, path: string): ForbiddenClause {
  const obj = expectObject(raw, path);
  const type = obj.type;
  switch (type) {
    case 'EQUALS':
      return new ForbiddenEqualsClause(expectString(obj.name, `${path}.name`), expectValue(obj.value, `${path}.value`));
    case 'IN':
      return new ForbiddenInClause(expectString(obj.name, `${path}.name`), expectValues(obj.values, `${path}.values`));
    case 'AND': {
      const items = expectArray(obj.clauses, `${path}.clauses`);
      if (items.length === 0) fail(`${path}.clauses`, 'needs at least one clause');
      return new ForbiddenAndConjunction(...items.map((item, index) => readForbidden(item, `${path}.clauses[${index}]`)));
    }
    case 'RELATION': {
      const operator = LAMBDAS[String(obj.lambda)];
      if (operator === undefined) {
        const extra = obj.lambda === 'CALLABLE' ? ' (pickled Python callables cannot be read outside Python)' : '';
        fail(`${path}.lambda`, `unknown relation ${show(obj.lambda)}${extra}; expected LESS, EQUALS or GREATER`);
      }
      return new ForbiddenRelation(expectString(obj.left, `${path}.left`), operator, expectString(obj.right, `${path}.right`));
    }
    default: {
      const operator = typeof type === 'string' ? RELATION_TYPES[type] : undefined;
      if (operator === undefined) {
        fail(`${path}.type`, `unknown forbidden type ${show(type)} (expected EQUALS, IN, AND, RELATION, RELATION_LT, RELATION_EQ or RELATION_GT)`);
      }
      return new ForbiddenRelation(expectString(obj.left, `${path}.left`), operator, expectString(obj.right, `${path}.right`));
    }
  }
}

export function readConfigSpaceJSON<S extends SpaceParts>(obj: JsonObject, createSpace: SpaceFactory<S>): S {
  const name = obj.name === undefined || obj.name === null ? undefined : expectString(obj.name, 'name');
  const space = createSpace(name);
  expectArray(obj.hyperparameters, 'hyperparameters').forEach((raw, index) => {
    const path = `hyperparameters[${index}]`;
    const hp = readHyperparameter(raw, path);
    at(path, () => space.add(hp), false);
  });
  const conditions = obj.conditions === undefined ? [] : expectArray(obj.conditions, 'conditions');
  conditions.forEach((raw, index) => {
    const path = `conditions[${index}]`;
    const { child, condition } = readCondition(raw, path, undefined);
    // Several entries for one child are ANDed (ConfigSpace itself refuses them; SMAC users write an AND).
    at(path, () => space.addCondition(child, condition), false);
  });
  const forbiddens = obj.forbiddens === undefined ? [] : expectArray(obj.forbiddens, 'forbiddens');
  forbiddens.forEach((raw, index) => {
    const path = `forbiddens[${index}]`;
    const clause = readForbidden(raw, path);
    at(path, () => space.addForbidden(clause), false);
  });
  return space;
}

// ---- writing -----------------------------------------------------------------------------------

function writeHyperparameter(hp: Hyperparameter, flavour: ConfigSpaceFlavour): ConfigSpaceHyperparameterJSON {
  const withDefault = (out: ConfigSpaceHyperparameterJSON, value: HyperparameterValue): ConfigSpaceHyperparameterJSON => {
    if (flavour === 'legacy') out.default = value;
    else out.default_value = value;
    return out;
  };
  if (hp instanceof FloatHyperparameter || hp instanceof IntegerHyperparameter) {
    const type = hp instanceof FloatHyperparameter ? 'uniform_float' : 'uniform_int';
    const out = withDefault({ name: hp.name, type, log: hp.log, lower: hp.lower, upper: hp.upper }, hp.default);
    // Legacy ConfigSpace writes q (null when unset); 1.x dropped q and warns when it reads one.
    if (flavour === 'legacy') out.q = hp.q ?? null;
    else if (hp.q !== undefined) out.q = hp.q;
    if (flavour === 'v1') out.meta = null;
    return out;
  }
  if (hp instanceof CategoricalHyperparameter) {
    const out = withDefault({ name: hp.name, type: 'categorical', choices: [...hp.choices] }, hp.default);
    out.weights = hp.weights === undefined ? null : [...hp.weights];
    if (flavour === 'v1') out.meta = null;
    return out;
  }
  if (hp instanceof OrdinalHyperparameter) {
    const out = withDefault({ name: hp.name, type: 'ordinal', sequence: [...hp.sequence] }, hp.default);
    if (flavour === 'v1') out.meta = null;
    return out;
  }
  if (hp instanceof ConstantHyperparameter) {
    const out: ConfigSpaceHyperparameterJSON = { name: hp.name, type: 'constant', value: hp.value };
    if (flavour === 'v1') out.meta = null;
    return out;
  }
  throw new SpaceError(`cannot write hyperparameter '${hp.name}' of kind ${hp.kind} as ConfigSpace JSON`, hp.name);
}

function writeCondition(child: string, condition: ActivationCondition): ConfigSpaceConditionJSON {
  if (condition instanceof Conjunction) {
    return {
      type: condition.connective === 'and' ? 'AND' : 'OR',
      child,
      conditions: condition.conditions.map((part) => writeCondition(child, part)),
    };
  }
  if (condition instanceof InCondition) return { type: 'IN', child, parent: condition.parent, values: [...condition.values] };
  if (condition instanceof EqualsCondition) return { type: 'EQ', child, parent: condition.parent, value: condition.value };
  if (condition instanceof NotEqualsCondition) return { type: 'NEQ', child, parent: condition.parent, value: condition.value };
  if (condition instanceof GreaterThanCondition) return { type: 'GT', child, parent: condition.parent, value: condition.value };
  if (condition instanceof LessThanCondition) return { type: 'LT', child, parent: condition.parent, value: condition.value };
  throw new SpaceError(`cannot write condition ${condition.describe()} as ConfigSpace JSON`, child);
}

const LEGACY_LAMBDAS: Record<RelationOperator, 'LESS' | 'EQUALS' | 'GREATER'> = { '<': 'LESS', '==': 'EQUALS', '>': 'GREATER' };
const V1_RELATIONS: Record<RelationOperator, 'RELATION_LT' | 'RELATION_EQ' | 'RELATION_GT'> = { '<': 'RELATION_LT', '==': 'RELATION_EQ', '>': 'RELATION_GT' };

function writeForbidden(clause: ForbiddenClause, flavour: ConfigSpaceFlavour): ConfigSpaceForbiddenJSON {
  if (clause instanceof ForbiddenEqualsClause) return { type: 'EQUALS', name: clause.name, value: clause.value };
  if (clause instanceof ForbiddenInClause) return { type: 'IN', name: clause.name, values: [...clause.values] };
  if (clause instanceof ForbiddenAndConjunction) {
    const clauses = clause.clauses.map((part) => writeForbidden(part, flavour));
    // Legacy ConfigSpace names the first hyperparameter of an AND; 1.x does not.
    return flavour === 'legacy' ? { type: 'AND', name: clause.names[0], clauses } : { type: 'AND', clauses };
  }
  if (clause instanceof ForbiddenRelation) {
    return flavour === 'legacy'
      ? { type: 'RELATION', left: clause.left, right: clause.right, lambda: LEGACY_LAMBDAS[clause.operator] }
      : { type: V1_RELATIONS[clause.operator], left: clause.left, right: clause.right };
  }
  throw new SpaceError(`cannot write forbidden clause ${clause.describe()} as ConfigSpace JSON`);
}

export function writeConfigSpaceJSON(space: SpaceParts, flavour: ConfigSpaceFlavour): ConfigSpaceJSON {
  // ConfigSpace refuses two conditions on one child, so several are written as one AND.
  const byChild = new Map<string, ActivationCondition[]>();
  for (const { child, condition } of space.conditions) byChild.set(child, [...(byChild.get(child) ?? []), condition]);
  const conditions = [...byChild.entries()].map(([child, list]) =>
    writeCondition(child, list.length === 1 ? list[0] : new AndConjunction(...list)),
  );
  const out: ConfigSpaceJSON = {
    hyperparameters: space.hyperparameters.map((hp) => writeHyperparameter(hp, flavour)),
    conditions,
    forbiddens: space.forbiddenClauses.map((clause) => writeForbidden(clause, flavour)),
    python_module_version: CONFIGSPACE_MODULE_VERSION[flavour],
  };
  if (flavour === 'legacy') out.json_format_version = CONFIGSPACE_FORMAT_VERSION;
  else out.format_version = CONFIGSPACE_FORMAT_VERSION;
  // Legacy ConfigSpace leaves `name` out when unset, 1.x writes null; name first either way, as ConfigSpace does.
  const name = space.name ?? (flavour === 'v1' ? null : undefined);
  return name === undefined ? out : { name, ...out };
}
