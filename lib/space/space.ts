// The search space: hyperparameters, activation conditions and forbidden clauses, with seeded
// sampling, validation, the [0, 1]^d encoding and the one-exchange neighbourhood (ConfigSpace's semantics).
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { configurationId } from './canonical.js';
import type { ActivationCondition, ConfigurationPredicate } from './conditions.js';
import { readConfigSpaceJSON, writeConfigSpaceJSON, type ConfigSpaceFlavour, type ConfigSpaceJSON } from './configspace-json.js';
import { SpaceError, show } from './errors.js';
import type { ForbiddenClause } from './forbiddens.js';
import type { Hyperparameter } from './hyperparameters.js';
import { readSpaceJSON, writeSpaceJSON, type SpaceJSON } from './json.js';
import type { SpaceCondition, SpaceParts } from './space-parts.js';
import type { Configuration, HyperparameterValue, Rng } from './types.js';
import { describeJsonError, jsonEncodingProblem, lineColumn, scanJson } from '../util/json-text.js';

export { SpaceError } from './errors.js';
export type { SpaceCondition } from './space-parts.js';

/** Draws before `sampleWith` gives up on a space whose forbidden clauses exclude (nearly) everything. */
export const MAX_SAMPLE_ATTEMPTS = 1000;

interface Entry {
  readonly hp: Hyperparameter;
  /** Position in `names` and in encoded vectors. */
  readonly index: number;
  /** Conditions on this hyperparameter, all of which must hold (ConfigSpace ANDs them). */
  readonly conditions: ActivationCondition[];
  readonly predicates: ConfigurationPredicate[];
  /** Every hyperparameter the conditions read; all must be active for this one to be. */
  readonly parents: string[];
}

interface BoundForbidden {
  readonly clause: ForbiddenClause;
  readonly isForbidden: ConfigurationPredicate;
}


function isConfigurationObject(value: unknown): value is Configuration {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function streamFrom(seed: number | string | Rng, what: string): Rng {
  if (typeof seed === 'function') return seed;
  if (typeof seed === 'number' || typeof seed === 'string') return seedrandom(String(seed));
  throw new SpaceError(`${what}: seed must be a number, a string or a random stream, got ${show(seed)}`);
}

export class Space implements SpaceParts {
  private readonly entries = new Map<string, Entry>();
  private readonly ordered: Entry[] = [];
  private readonly addedConditions: SpaceCondition[] = [];
  private readonly forbiddens: BoundForbidden[] = [];
  private topologicalCache: Entry[] | undefined;

  /** Builds an empty space; add hyperparameters, conditions and forbidden clauses with `add*`. */
  constructor(readonly name?: string, readonly description?: string) {}

  // ---- reading and writing -------------------------------------------------------------------

  /** Reads frnas's own JSON format or ConfigSpace's JSON (detected: ConfigSpace lists hyperparameters in an array). */
  static fromJSON(objOrText: unknown): Space {
    let obj = objOrText;
    if (typeof objOrText === 'string') {
      try {
        obj = JSON.parse(objOrText) as unknown;
      } catch (error) {
        if (error instanceof SyntaxError) throw new SpaceError(`not valid JSON: ${describeJsonError(error, objOrText)}`);
        throw error;
      }
      // JSON.parse keeps the last of two equal keys: a hyperparameter defined twice would vanish silently.
      const duplicate = scanJson(objOrText).duplicate;
      if (duplicate !== undefined) {
        const { line, column } = lineColumn(objOrText, duplicate.offset);
        throw new SpaceError(`line ${line} column ${column}: key ${show(duplicate.key)} appears twice in one object (JSON would keep only the last)`);
      }
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new SpaceError(`a space must be a JSON object, got ${Array.isArray(obj) ? 'an array' : show(obj)}`);
    }
    const record = obj as Record<string, unknown>;
    const factory = (name?: string, description?: string): Space => new Space(name, description);
    return Array.isArray(record.hyperparameters) ? readConfigSpaceJSON(record, factory) : readSpaceJSON(record, factory);
  }

  /** Reads a space file (either format); every error names the file. */
  static fromFile(path: string): Space {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new SpaceError(`${path}: cannot read the space file (${(error as Error).message})`);
    }
    const encoding = jsonEncodingProblem(bytes);
    if (encoding !== undefined) throw new SpaceError(`${path}: ${encoding}`);
    const text = bytes.toString('utf8');
    try {
      return Space.fromJSON(text);
    } catch (error) {
      if (error instanceof SpaceError) throw new SpaceError(`${path}: ${error.message}`, error.hyperparameter, error.field);
      throw error;
    }
  }

  /** frnas's own readable format (see docs/space.md). */
  toJSON(): SpaceJSON {
    return writeSpaceJSON(this);
  }

  /**
   * ConfigSpace's JSON. `flavour: 'legacy'` (default) is what ConfigSpace 0.4–0.7 writes (SMAC3 2.0, the
   * FR-NAS papers' setup); `'v1'` is ConfigSpace >= 1.0's (`default_value`, `format_version`).
   */
  toConfigSpaceJSON(options: { flavour?: ConfigSpaceFlavour } = {}): ConfigSpaceJSON {
    return writeConfigSpaceJSON(this, options.flavour ?? 'legacy');
  }

  // ---- building ---------------------------------------------------------------------------------

  add(...hyperparameters: Hyperparameter[]): this {
    for (const hp of hyperparameters) {
      if (this.entries.has(hp.name)) throw new SpaceError(`hyperparameter '${hp.name}' is defined twice`, hp.name, 'name');
      const entry: Entry = { hp, index: this.ordered.length, conditions: [], predicates: [], parents: [] };
      this.entries.set(hp.name, entry);
      this.ordered.push(entry);
    }
    this.topologicalCache = undefined;
    return this;
  }

  /** Makes `child` active only when `condition` holds (several conditions on one child must all hold). */
  addCondition(child: string, condition: ActivationCondition): this {
    const entry = this.entries.get(child);
    if (entry === undefined) throw new SpaceError(`condition ${condition.describe()}: unknown child hyperparameter '${child}'`, child, 'child');
    const predicate = condition.bind(this.lookup);
    for (const parent of condition.parents) {
      if (parent === child) throw new SpaceError(`condition on '${child}' refers to '${child}' itself`, child, 'parent');
      if (this.isAncestor(child, parent)) {
        throw new SpaceError(`condition ${condition.describe()} on '${child}' makes a cycle: '${parent}' already depends on '${child}'`, child, 'parent');
      }
    }
    entry.conditions.push(condition);
    entry.predicates.push(predicate);
    for (const parent of condition.parents) if (!entry.parents.includes(parent)) entry.parents.push(parent);
    this.addedConditions.push({ child, condition });
    this.topologicalCache = undefined;
    if (this.forbiddens.length > 0) this.checkDefaultAllowed();
    return this;
  }

  /** Forbids the configurations a clause matches; the default configuration must stay allowed. */
  addForbidden(clause: ForbiddenClause): this {
    const isForbidden = clause.bind(this.lookup);
    this.forbiddens.push({ clause, isForbidden });
    try {
      this.checkDefaultAllowed();
    } catch (error) {
      this.forbiddens.pop();
      throw error;
    }
    return this;
  }

  private readonly lookup = (name: string): Hyperparameter => this.get(name);

  private isAncestor(candidate: string, of: string): boolean {
    const stack = [of];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (name === candidate) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...(this.entries.get(name)?.parents ?? []));
    }
    return false;
  }

  private checkDefaultAllowed(): void {
    const defaults = this.defaultValues();
    const violated = this.firstForbidden(defaults);
    if (violated !== undefined) {
      throw new SpaceError(`forbidden clause ${violated.describe()} forbids the default configuration ${show(defaults)}`, violated.names[0]);
    }
  }

  // ---- inspecting -------------------------------------------------------------------------------

  /** Hyperparameter names in encoding order (the order they were added / appear in the file). */
  get names(): string[] {
    return this.ordered.map((entry) => entry.hp.name);
  }

  get hyperparameters(): Hyperparameter[] {
    return this.ordered.map((entry) => entry.hp);
  }

  get conditions(): readonly SpaceCondition[] {
    return [...this.addedConditions];
  }

  get forbiddenClauses(): readonly ForbiddenClause[] {
    return this.forbiddens.map((bound) => bound.clause);
  }

  get size(): number {
    return this.ordered.length;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): Hyperparameter {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new SpaceError(`unknown hyperparameter '${name}'`, name);
    return entry.hp;
  }

  /** Names of the hyperparameters `name`'s conditions read. */
  parentsOf(name: string): readonly string[] {
    this.get(name);
    return [...(this.entries.get(name) as Entry).parents];
  }

  /** Whether `name` is active given the values of its parents in `config` (its own value is not looked at). */
  isActive(name: string, config: Readonly<Configuration>): boolean {
    this.get(name);
    return this.activeIn(this.entries.get(name) as Entry, config);
  }

  private activeIn(entry: Entry, config: Readonly<Configuration>): boolean {
    for (const parent of entry.parents) if (config[parent] === undefined) return false;
    for (const predicate of entry.predicates) if (!predicate(config)) return false;
    return true;
  }

  /** Parents before children; otherwise the order hyperparameters were added. */
  private topological(): Entry[] {
    if (this.topologicalCache !== undefined) return this.topologicalCache;
    const result: Entry[] = [];
    const placed = new Set<string>();
    const place = (entry: Entry): void => {
      if (placed.has(entry.hp.name)) return;
      placed.add(entry.hp.name);
      for (const parent of entry.parents) place(this.entries.get(parent) as Entry);
      result.push(entry);
    };
    for (const entry of this.ordered) place(entry);
    this.topologicalCache = result;
    return result;
  }

  private firstForbidden(config: Readonly<Configuration>): ForbiddenClause | undefined {
    for (const bound of this.forbiddens) if (bound.isForbidden(config)) return bound.clause;
    return undefined;
  }

  // ---- configurations ---------------------------------------------------------------------------

  /** n valid configurations drawn from `seed` (same seed, same samples). */
  sample(n: number, seed: number | string): Configuration[] {
    if (!Number.isInteger(n) || n < 0) throw new SpaceError(`sample: n must be a non-negative integer, got ${show(n)}`);
    const rng = streamFrom(seed, 'sample');
    const result: Configuration[] = [];
    for (let i = 0; i < n; i++) result.push(this.sampleWith(rng));
    return result;
  }

  /** One valid configuration drawn from an existing stream (proposers use the study's stream). */
  sampleWith(rng: Rng, maxAttempts = MAX_SAMPLE_ATTEMPTS): Configuration {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new SpaceError(`sampleWith: maxAttempts must be a positive integer, got ${show(maxAttempts)}`);
    const order = this.topological();
    let rejections: Map<ForbiddenClause, number> | undefined; // only spaces with forbidden clauses need it
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const config: Configuration = {};
      for (const entry of order) {
        if (this.activeIn(entry, config)) config[entry.hp.name] = entry.hp.sample(rng);
      }
      const violated = this.firstForbidden(config);
      if (violated === undefined) return config;
      rejections ??= new Map();
      rejections.set(violated, (rejections.get(violated) ?? 0) + 1);
    }
    // At least one draw was rejected, so `rejections` exists.
    const [worst] = [...(rejections as Map<ForbiddenClause, number>).entries()].sort((a, b) => b[1] - a[1])[0];
    throw new SpaceError(
      `the space is (nearly) all forbidden: ${maxAttempts} draws in a row were excluded by forbidden clauses ` +
        `(most often by ${worst.describe()})`,
      worst.names[0],
    );
  }

  private defaultValues(): Configuration {
    const config: Configuration = {};
    for (const entry of this.topological()) {
      if (this.activeIn(entry, config)) config[entry.hp.name] = entry.hp.default;
    }
    return config;
  }

  /** Every active hyperparameter at its default (inactive ones absent). */
  defaultConfiguration(): Configuration {
    const config = this.defaultValues();
    const violated = this.firstForbidden(config);
    if (violated !== undefined) throw new SpaceError(`the default configuration is forbidden by ${violated.describe()}`, violated.names[0]);
    return config;
  }

  /** Throws a SpaceError naming the hyperparameter and the rule broken; returns normally when valid. */
  validate(config: Configuration): void {
    const problem = this.findProblem(config);
    if (problem !== undefined) throw problem;
  }

  isValid(config: Configuration): boolean {
    return this.findProblem(config) === undefined;
  }

  private findProblem(config: unknown): SpaceError | undefined {
    if (!isConfigurationObject(config)) return new SpaceError(`a configuration must be a plain object, got ${show(config)}`);
    for (const key of Object.keys(config)) {
      if (!this.entries.has(key) && config[key] !== undefined) {
        return new SpaceError(`unknown hyperparameter '${key}' (the space has ${this.names.join(', ')})`, key);
      }
    }
    for (const entry of this.topological()) {
      const name = entry.hp.name;
      const value = config[name];
      const active = this.activeIn(entry, config);
      if (active && value === undefined) {
        const why = entry.conditions.length === 0 ? 'it has no conditions' : `${entry.conditions.map((c) => c.describe()).join(' and ')} holds`;
        return new SpaceError(`hyperparameter '${name}' is active (${why}) but has no value`, name);
      }
      if (!active && value !== undefined) {
        return new SpaceError(`hyperparameter '${name}' must be absent: it is inactive because ${this.inactiveReason(entry, config)}`, name);
      }
      if (value !== undefined) {
        const reason = entry.hp.illegalReason(value);
        if (reason !== undefined) return new SpaceError(`hyperparameter '${name}': ${reason}`, name);
      }
    }
    const violated = this.firstForbidden(config);
    if (violated !== undefined) {
      return new SpaceError(`configuration is forbidden by clause ${violated.describe()} (on '${violated.names[0]}')`, violated.names[0]);
    }
    return undefined;
  }

  private inactiveReason(entry: Entry, config: Readonly<Configuration>): string {
    const missing = entry.parents.find((parent) => config[parent] === undefined);
    if (missing !== undefined) return `its parent '${missing}' is inactive`;
    const failed = entry.conditions.find((_, index) => !entry.predicates[index](config));
    return `condition ${failed?.describe() ?? '?'} does not hold`;
  }

  /** Vector in [0, 1]^d in `names` order; absent (inactive) hyperparameters are NaN. Values must be legal. */
  encode(config: Configuration): number[] {
    if (!isConfigurationObject(config)) throw new SpaceError(`encode: a configuration must be a plain object, got ${show(config)}`);
    for (const key of Object.keys(config)) {
      if (!this.entries.has(key) && config[key] !== undefined) throw new SpaceError(`encode: unknown hyperparameter '${key}'`, key);
    }
    return this.ordered.map((entry) => {
      const value = config[entry.hp.name];
      if (value === undefined) return NaN;
      const reason = entry.hp.illegalReason(value);
      if (reason !== undefined) throw new SpaceError(`encode: hyperparameter '${entry.hp.name}': ${reason}`, entry.hp.name);
      return entry.hp.toUnit(value);
    });
  }

  /**
   * The configuration a vector stands for: values clipped to [0, 1] and snapped to legal values,
   * inactive hyperparameters dropped, an active one whose entry is NaN set to its default.
   * Forbidden clauses are not checked (use isValid).
   */
  decode(vector: readonly number[]): Configuration {
    if (!Array.isArray(vector) || vector.length !== this.ordered.length) {
      throw new SpaceError(`decode: expected a vector of ${this.ordered.length} numbers (one per hyperparameter), got ${Array.isArray(vector) ? `${vector.length}` : show(vector)}`);
    }
    const config: Configuration = {};
    for (const entry of this.topological()) {
      if (!this.activeIn(entry, config)) continue;
      const unit = vector[entry.index];
      if (typeof unit !== 'number') throw new SpaceError(`decode: entry ${entry.index} ('${entry.hp.name}') is not a number: ${show(unit)}`, entry.hp.name);
      config[entry.hp.name] = Number.isNaN(unit) ? entry.hp.default : entry.hp.fromUnit(unit);
    }
    return config;
  }

  /**
   * The valid one-exchange neighbours of a valid configuration, shuffled by `seed`: each changes one
   * active hyperparameter (categorical: every other choice; ordinal: the adjacent values; float/integer:
   * up to 4 Gaussian steps of sd 0.2 in the encoding). Children that become active take their default,
   * children that become inactive are dropped (ConfigSpace's rule); forbidden results are left out.
   */
  neighbours(config: Configuration, seed: number | string | Rng): Configuration[] {
    this.validate(config);
    const rng = streamFrom(seed, 'neighbours');
    const result: Configuration[] = [];
    for (const entry of this.ordered) {
      const current = config[entry.hp.name];
      if (current === undefined) continue;
      for (const value of entry.hp.neighbourValues(current, rng)) {
        const neighbour = this.withValue(config, entry.hp.name, value);
        if (this.firstForbidden(neighbour) === undefined) result.push(neighbour);
      }
    }
    for (let i = result.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [result[i], result[j]] = [result[j], result[i]];
    }
    return result;
  }

  /** `config` with one value changed and the active set repaired. */
  private withValue(config: Readonly<Configuration>, name: string, value: HyperparameterValue): Configuration {
    const changed: Configuration = { ...config, [name]: value };
    for (const entry of this.topological()) {
      const childName = entry.hp.name;
      if (this.activeIn(entry, changed)) {
        if (changed[childName] === undefined) changed[childName] = entry.hp.default;
      } else if (changed[childName] !== undefined) {
        delete changed[childName];
      }
    }
    return changed;
  }

  /** Stable identity of a configuration: same values, same id, whatever the key order. */
  configId(config: Configuration): string {
    return configurationId(config);
  }
}
