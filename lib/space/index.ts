// Public surface of lib/space; re-exported by lib/index.ts.
export * from './types.js';
export { Space, SpaceError, MAX_SAMPLE_ATTEMPTS, type SpaceCondition } from './space.js';
export {
  Hyperparameter,
  FloatHyperparameter,
  IntegerHyperparameter,
  CategoricalHyperparameter,
  OrdinalHyperparameter,
  ConstantHyperparameter,
  NEIGHBOUR_STDDEV,
  NUMERIC_NEIGHBOURS,
  type HyperparameterKind,
  type FloatOptions,
  type IntegerOptions,
  type CategoricalOptions,
  type OrdinalOptions,
} from './hyperparameters.js';
export {
  ActivationCondition,
  LiteralCondition,
  EqualsCondition,
  NotEqualsCondition,
  InCondition,
  GreaterThanCondition,
  LessThanCondition,
  Conjunction,
  AndConjunction,
  OrConjunction,
  type LiteralOperator,
} from './conditions.js';
export {
  ForbiddenClause,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  ForbiddenAndConjunction,
  ForbiddenRelation,
  type RelationOperator,
} from './forbiddens.js';
export { configurationId, canonicalConfigurationText, CONFIGURATION_ID_LENGTH } from './canonical.js';
export type { SpaceJSON, HyperparameterJSON, ConditionJSON, ConditionTermJSON, ForbiddenJSON } from './json.js';
export type {
  ConfigSpaceJSON,
  ConfigSpaceFlavour,
  ConfigSpaceHyperparameterJSON,
  ConfigSpaceConditionJSON,
  ConfigSpaceForbiddenJSON,
} from './configspace-json.js';
export { typedConfig, TypedConfiguration } from './typed.js';
