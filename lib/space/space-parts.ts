// What the JSON readers and writers (json.ts, configspace-json.ts) need of a space, as an interface of its own, so
// that they do not import space.ts, which imports them to implement Space.fromJSON / toJSON.
import type { ActivationCondition } from './conditions.js';
import type { ForbiddenClause } from './forbiddens.js';
import type { Hyperparameter } from './hyperparameters.js';

/** A condition as it was added, kept for writing the space back out. */
export interface SpaceCondition {
  readonly child: string;
  readonly condition: ActivationCondition;
}

/** The parts of a space a file format reads into and writes out (Space implements it). */
export interface SpaceParts {
  readonly name?: string;
  readonly description?: string;
  readonly hyperparameters: readonly Hyperparameter[];
  readonly conditions: readonly SpaceCondition[];
  readonly forbiddenClauses: readonly ForbiddenClause[];
  add(...hyperparameters: Hyperparameter[]): unknown;
  addCondition(child: string, condition: ActivationCondition): unknown;
  addForbidden(clause: ForbiddenClause): unknown;
}

/** Makes the empty space a reader fills. */
export type SpaceFactory<S extends SpaceParts = SpaceParts> = (name?: string, description?: string) => S;
