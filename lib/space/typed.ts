// Typed reads of a configuration: `typedConfig(space, config).number('lr_adam')` instead of `Number(config.lr_adam)`,
// which turns a misspelt name or a categorical string into NaN without a word. Every error names the hyperparameter.
import { SpaceError, show } from './errors.js';
import type { Space } from './space.js';
import type { Configuration, HyperparameterValue } from './types.js';

/** A configuration of `space` read with checked types. */
export class TypedConfiguration {
  constructor(readonly space: Space, readonly config: Readonly<Configuration>) {}

  /** Whether `name` is active (present) in this configuration; throws for a name the space does not have. */
  has(name: string): boolean {
    this.known(name);
    return Object.hasOwn(this.config, name);
  }

  /** The value of an active hyperparameter, any type. */
  value(name: string): HyperparameterValue {
    this.known(name);
    if (!Object.hasOwn(this.config, name)) {
      throw new SpaceError(`hyperparameter '${name}' is not active in this configuration (its condition does not hold)`, name);
    }
    return this.config[name];
  }

  /** A number (float, integer, or a categorical / ordinal whose value is a number). */
  number(name: string): number {
    return this.typed(name, 'number', (v): v is number => typeof v === 'number');
  }

  /** An integer. */
  integer(name: string): number {
    return this.typed(name, 'integer', (v): v is number => Number.isInteger(v));
  }

  /** A string (a categorical or ordinal choice). */
  string(name: string): string {
    return this.typed(name, 'string', (v): v is string => typeof v === 'string');
  }

  boolean(name: string): boolean {
    return this.typed(name, 'boolean', (v): v is boolean => typeof v === 'boolean');
  }

  /** `number(name)` when the hyperparameter is active, otherwise `fallback` (conditional hyperparameters). */
  numberOr(name: string, fallback: number): number {
    return this.has(name) ? this.number(name) : fallback;
  }

  /** `string(name)` when the hyperparameter is active, otherwise `fallback`. */
  stringOr(name: string, fallback: string): string {
    return this.has(name) ? this.string(name) : fallback;
  }

  private known(name: string): void {
    if (!this.space.names.includes(name)) {
      throw new SpaceError(`unknown hyperparameter '${name}' (the space has ${this.space.names.join(', ')})`, name);
    }
  }

  private typed<T extends HyperparameterValue>(name: string, kind: string, is: (v: HyperparameterValue) => v is T): T {
    const value = this.value(name);
    if (!is(value)) {
      const hp = this.space.hyperparameters.find((h) => h.name === name);
      throw new SpaceError(`hyperparameter '${name}' (${hp?.kind ?? 'unknown kind'}) is ${show(value)}, not ${kind === 'integer' ? 'an' : 'a'} ${kind}`, name);
    }
    return value;
  }
}

/** Typed, checked reads of `config` (a configuration of `space`): `.number(name)`, `.string(name)`, `.has(name)`, ... */
export function typedConfig(space: Space, config: Readonly<Configuration>): TypedConfiguration {
  return new TypedConfiguration(space, config);
}
