// Activation conditions (ConfigSpace's EqualsCondition, NotEqualsCondition, InCondition,
// GreaterThanCondition, LessThanCondition, AndConjunction, OrConjunction).
// A condition is plain data; `bind` checks it against the space and compiles it into a predicate.
import { SpaceError, show } from './errors.js';
import type { Hyperparameter } from './hyperparameters.js';
import type { Configuration, HyperparameterValue } from './types.js';

/** Finds a hyperparameter of the space by name (throws a SpaceError when there is none). */
export type HyperparameterLookup = (name: string) => Hyperparameter;
/** A compiled test on a (partial) configuration. */
export type ConfigurationPredicate = (config: Readonly<Configuration>) => boolean;

export type LiteralOperator = 'equals' | 'notEquals' | 'in' | 'greaterThan' | 'lessThan';

export abstract class ActivationCondition {
  /** Every hyperparameter this condition reads. */
  abstract readonly parents: readonly string[];
  /** Checks the condition against the space's hyperparameters and compiles it. */
  abstract bind(lookup: HyperparameterLookup): ConfigurationPredicate;
  /** A readable form, used in error messages: `optimizer == "SGD"`. */
  abstract describe(): string;
}

const SYMBOLS: Record<LiteralOperator, string> = { equals: '==', notEquals: '!=', in: 'in', greaterThan: '>', lessThan: '<' };

/** A comparison of one parent's value. False whenever the parent is inactive (absent). */
export abstract class LiteralCondition extends ActivationCondition {
  abstract readonly operator: LiteralOperator;
  readonly parents: readonly string[];

  constructor(readonly parent: string) {
    super();
    this.parents = [parent];
  }

  protected checkValue(hp: Hyperparameter, value: HyperparameterValue): void {
    const reason = hp.illegalReason(value);
    if (reason !== undefined) {
      throw new SpaceError(`condition ${this.describe()}: ${reason} of '${hp.name}'`, hp.name, 'value');
    }
  }

  protected lookupParent(lookup: HyperparameterLookup): Hyperparameter {
    try {
      return lookup(this.parent);
    } catch (error) {
      if (error instanceof SpaceError) throw new SpaceError(`condition ${this.describe()}: ${error.message}`, this.parent, 'parent');
      throw error;
    }
  }
}

export class EqualsCondition extends LiteralCondition {
  readonly operator = 'equals';
  constructor(parent: string, readonly value: HyperparameterValue) {
    super(parent);
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    this.checkValue(this.lookupParent(lookup), this.value);
    const { parent, value } = this;
    return (config) => config[parent] === value;
  }

  describe(): string {
    return `${this.parent} == ${show(this.value)}`;
  }
}

export class NotEqualsCondition extends LiteralCondition {
  readonly operator = 'notEquals';
  constructor(parent: string, readonly value: HyperparameterValue) {
    super(parent);
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    this.checkValue(this.lookupParent(lookup), this.value);
    const { parent, value } = this;
    return (config) => {
      const current = config[parent];
      return current !== undefined && current !== value;
    };
  }

  describe(): string {
    return `${this.parent} != ${show(this.value)}`;
  }
}

export class InCondition extends LiteralCondition {
  readonly operator = 'in';
  readonly values: readonly HyperparameterValue[];
  constructor(parent: string, values: readonly HyperparameterValue[]) {
    super(parent);
    this.values = [...values];
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const hp = this.lookupParent(lookup);
    if (this.values.length === 0) throw new SpaceError(`condition ${this.describe()}: the set of values is empty`, this.parent, 'values');
    for (const value of this.values) this.checkValue(hp, value);
    const { parent } = this;
    const allowed = new Set(this.values);
    return (config) => {
      const current = config[parent];
      return current !== undefined && allowed.has(current);
    };
  }

  describe(): string {
    return `${this.parent} in ${show(this.values)}`;
  }
}

/** greaterThan / lessThan: numeric order for float and integer parents, sequence order for ordinals. */
abstract class OrderCondition extends LiteralCondition {
  constructor(parent: string, readonly value: HyperparameterValue) {
    super(parent);
  }

  protected threshold(hp: Hyperparameter): number {
    if (!hp.isOrdered) {
      throw new SpaceError(
        `condition ${this.describe()}: '${hp.name}' is ${hp.kind}, which has no order (use a float, integer or ordinal parent)`,
        hp.name,
        'parent',
      );
    }
    this.checkValue(hp, this.value);
    return hp.orderOf(this.value) as number;
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const hp = this.lookupParent(lookup);
    const threshold = this.threshold(hp);
    const { parent } = this;
    const greater = this.operator === 'greaterThan';
    return (config) => {
      const current = config[parent];
      if (current === undefined) return false;
      const order = typeof current === 'number' && hp.kind !== 'ordinal' ? current : hp.orderOf(current);
      if (order === undefined) return false;
      return greater ? order > threshold : order < threshold;
    };
  }

  describe(): string {
    return `${this.parent} ${SYMBOLS[this.operator]} ${show(this.value)}`;
  }
}

export class GreaterThanCondition extends OrderCondition {
  readonly operator = 'greaterThan';
}

export class LessThanCondition extends OrderCondition {
  readonly operator = 'lessThan';
}

/** `and` / `or` of conditions (which may themselves be conjunctions). */
export abstract class Conjunction extends ActivationCondition {
  abstract readonly connective: 'and' | 'or';
  readonly conditions: readonly ActivationCondition[];
  readonly parents: readonly string[];

  constructor(conditions: readonly ActivationCondition[]) {
    super();
    if (conditions.length < 1) throw new SpaceError('a conjunction needs at least one condition');
    this.conditions = [...conditions];
    this.parents = [...new Set(this.conditions.flatMap((condition) => condition.parents))];
  }

  describe(): string {
    const joiner = this.connective === 'and' ? ' && ' : ' || ';
    return `(${this.conditions.map((condition) => condition.describe()).join(joiner)})`;
  }
}

export class AndConjunction extends Conjunction {
  readonly connective = 'and';
  constructor(...conditions: ActivationCondition[]) {
    super(conditions);
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const predicates = this.conditions.map((condition) => condition.bind(lookup));
    return (config) => predicates.every((predicate) => predicate(config));
  }
}

export class OrConjunction extends Conjunction {
  readonly connective = 'or';
  constructor(...conditions: ActivationCondition[]) {
    super(conditions);
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const predicates = this.conditions.map((condition) => condition.bind(lookup));
    return (config) => predicates.some((predicate) => predicate(config));
  }
}
