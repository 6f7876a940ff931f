// Forbidden clauses (ConfigSpace's ForbiddenEqualsClause, ForbiddenInClause, ForbiddenAndConjunction,
// ForbiddenLessThan/Equals/GreaterThanRelation). A clause only applies when every hyperparameter
// it names is active: an absent value never makes a configuration forbidden.
import type { ConfigurationPredicate, HyperparameterLookup } from './conditions.js';
import { SpaceError, show } from './errors.js';
import type { Hyperparameter } from './hyperparameters.js';
import type { HyperparameterValue } from './types.js';

export abstract class ForbiddenClause {
  /** Every hyperparameter the clause names. */
  abstract readonly names: readonly string[];
  /** Checks the clause against the space and compiles it into "is this configuration forbidden?". */
  abstract bind(lookup: HyperparameterLookup): ConfigurationPredicate;
  /** A readable form, used in error messages: `forbid optimizer == "SGD" && head == "MagFace"`. */
  abstract describe(): string;
}

function lookupNamed(lookup: HyperparameterLookup, name: string, clause: ForbiddenClause, field: string): Hyperparameter {
  try {
    return lookup(name);
  } catch (error) {
    if (error instanceof SpaceError) throw new SpaceError(`forbidden clause ${clause.describe()}: ${error.message}`, name, field);
    throw error;
  }
}

function checkValue(hp: Hyperparameter, value: HyperparameterValue, clause: ForbiddenClause): void {
  const reason = hp.illegalReason(value);
  if (reason !== undefined) throw new SpaceError(`forbidden clause ${clause.describe()}: ${reason} of '${hp.name}'`, hp.name, 'value');
}

export class ForbiddenEqualsClause extends ForbiddenClause {
  readonly names: readonly string[];
  constructor(readonly name: string, readonly value: HyperparameterValue) {
    super();
    this.names = [name];
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    checkValue(lookupNamed(lookup, this.name, this, 'name'), this.value, this);
    const { name, value } = this;
    return (config) => config[name] === value;
  }

  describe(): string {
    return `${this.name} == ${show(this.value)}`;
  }
}

export class ForbiddenInClause extends ForbiddenClause {
  readonly names: readonly string[];
  readonly values: readonly HyperparameterValue[];
  constructor(readonly name: string, values: readonly HyperparameterValue[]) {
    super();
    this.names = [name];
    this.values = [...values];
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const hp = lookupNamed(lookup, this.name, this, 'name');
    if (this.values.length === 0) throw new SpaceError(`forbidden clause ${this.describe()}: the set of values is empty`, this.name, 'values');
    for (const value of this.values) checkValue(hp, value, this);
    const { name } = this;
    const forbidden = new Set(this.values);
    return (config) => {
      const current = config[name];
      return current !== undefined && forbidden.has(current);
    };
  }

  describe(): string {
    return `${this.name} in ${show(this.values)}`;
  }
}

/** Forbidden when every component is (so each named hyperparameter must be active). */
export class ForbiddenAndConjunction extends ForbiddenClause {
  readonly clauses: readonly ForbiddenClause[];
  readonly names: readonly string[];
  constructor(...clauses: ForbiddenClause[]) {
    super();
    if (clauses.length < 1) throw new SpaceError('a forbidden conjunction needs at least one clause');
    this.clauses = clauses;
    this.names = [...new Set(clauses.flatMap((clause) => clause.names))];
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const predicates = this.clauses.map((clause) => clause.bind(lookup));
    return (config) => predicates.every((predicate) => predicate(config));
  }

  describe(): string {
    return `(${this.clauses.map((clause) => clause.describe()).join(' && ')})`;
  }
}

export type RelationOperator = '<' | '==' | '>';
export const RELATION_OPERATORS: readonly RelationOperator[] = ['<', '==', '>'];

/**
 * Forbids `left <op> right` between two hyperparameters' values (ConfigSpace's ForbiddenRelation).
 * `<` and `>` need number-valued hyperparameters on both sides; `==` compares any values.
 */
export class ForbiddenRelation extends ForbiddenClause {
  readonly names: readonly string[];
  constructor(readonly left: string, readonly operator: RelationOperator, readonly right: string) {
    super();
    if (!RELATION_OPERATORS.includes(operator)) {
      throw new SpaceError(`forbidden relation operator must be one of ${RELATION_OPERATORS.join(', ')}, got ${show(operator)}`, left, 'relation');
    }
    this.names = [left, right];
  }

  bind(lookup: HyperparameterLookup): ConfigurationPredicate {
    const left = lookupNamed(lookup, this.left, this, 'left');
    const right = lookupNamed(lookup, this.right, this, 'right');
    if (this.left === this.right) throw new SpaceError(`forbidden relation ${this.describe()} compares '${this.left}' with itself`, this.left, 'right');
    if (this.operator !== '==') {
      for (const hp of [left, right]) {
        const numeric = hp.kind === 'float' || hp.kind === 'integer' || (hp.values() ?? []).every((value) => typeof value === 'number');
        if (!numeric) {
          throw new SpaceError(`forbidden relation ${this.describe()}: '${hp.name}' takes non-numeric values, so ${this.operator} is undefined`, hp.name, 'relation');
        }
      }
    }
    const leftName = this.left;
    const rightName = this.right;
    switch (this.operator) {
      case '<':
        return (config) => {
          const a = config[leftName], b = config[rightName];
          return a !== undefined && b !== undefined && a < b;
        };
      case '>':
        return (config) => {
          const a = config[leftName], b = config[rightName];
          return a !== undefined && b !== undefined && a > b;
        };
      default:
        return (config) => {
          const a = config[leftName];
          return a !== undefined && a === config[rightName];
        };
    }
  }

  describe(): string {
    return `${this.left} ${this.operator} ${this.right}`;
  }
}
