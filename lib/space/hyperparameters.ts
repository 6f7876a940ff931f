// The five kinds of hyperparameter a space holds, with ConfigSpace's semantics.
// Each one knows its legal values, how to draw one, and how to map a value to and from [0, 1].
import { SpaceError, show } from './errors.js';
import type { HyperparameterValue, Rng } from './types.js';

export type HyperparameterKind = 'float' | 'integer' | 'categorical' | 'ordinal' | 'constant';

/** Standard deviation, in the [0, 1] encoding, of the Gaussian step that makes numeric neighbours (ConfigSpace's 0.2). */
export const NEIGHBOUR_STDDEV = 0.2;
/** How many neighbours a numeric hyperparameter contributes to a one-exchange neighbourhood (ConfigSpace's 4). */
export const NUMERIC_NEIGHBOURS = 4;

export abstract class Hyperparameter {
  abstract readonly kind: HyperparameterKind;
  /** The value of the default configuration. */
  abstract readonly default: HyperparameterValue;
  /** Number of distinct legal values (Infinity for a continuous float). */
  abstract readonly cardinality: number;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new SpaceError(`a hyperparameter name must be a non-empty string, got ${show(name)}`, undefined, 'name');
    }
    // Configurations are plain objects: config.__proto__ = v would set the prototype, not a value.
    if (name === '__proto__') throw new SpaceError(`'__proto__' cannot name a hyperparameter (configurations are plain objects)`, name, 'name');
  }

  /** Why `value` is not a legal value of this hyperparameter; undefined when it is legal. */
  abstract illegalReason(value: unknown): string | undefined;

  isLegal(value: unknown): value is HyperparameterValue {
    return this.illegalReason(value) === undefined;
  }

  /** A value drawn from this hyperparameter's prior (uniform, log-uniform or weighted). */
  abstract sample(rng: Rng): HyperparameterValue;

  /** Position of a legal value in [0, 1]. */
  abstract toUnit(value: HyperparameterValue): number;

  /** The legal value at a position in [0, 1] (clipped, rounded and snapped). */
  abstract fromUnit(unit: number): HyperparameterValue;

  /** Values to try instead of `value` in a one-exchange neighbourhood (never `value` itself, no repeats). */
  abstract neighbourValues(value: HyperparameterValue, rng: Rng): HyperparameterValue[];

  /**
   * The number that orders a value for `greaterThan` / `lessThan` conditions: the value itself for
   * float and integer, the position in the sequence for ordinal; undefined when the kind has no order.
   */
  orderOf(_value: HyperparameterValue): number | undefined {
    return undefined;
  }

  /** Whether this hyperparameter has an order that greater-/less-than conditions can use. */
  get isOrdered(): boolean {
    return false;
  }

  /** Every legal value, for kinds with finitely many (float: undefined). */
  abstract values(): readonly HyperparameterValue[] | undefined;

  protected fail(message: string, field?: string): never {
    throw new SpaceError(`${this.kind} hyperparameter '${this.name}': ${message}`, this.name, field);
  }
}

function clampUnit(unit: number): number {
  if (Number.isNaN(unit)) return 0.5;
  return unit < 0 ? 0 : unit > 1 ? 1 : unit;
}

/** A standard normal draw from a uniform stream (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng(); // in (0, 1], so the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** numpy's rounding (ties to the even neighbour), which ConfigSpace uses for integer defaults: 4.5 -> 4, 5.5 -> 6. */
function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Digits after the decimal point in the shortest text of `x` (1e-7 -> 7, 0.25 -> 2, 3 -> 0). */
function decimalsOf(x: number): number {
  const [mantissa, exponent] = String(Math.abs(x)).split('e');
  const fraction = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

function checkFiniteNumber(hp: Hyperparameter, value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SpaceError(`${hp.kind} hyperparameter '${hp.name}': ${field} must be a finite number, got ${show(value)}`, hp.name, field);
  }
  return value;
}

/** Shared by float and integer: numeric neighbours are Gaussian steps in the unit encoding. */
function numericNeighbours(hp: Hyperparameter, value: HyperparameterValue, rng: Rng): HyperparameterValue[] {
  const centre = hp.toUnit(value);
  const found: HyperparameterValue[] = [];
  const wanted = Math.min(NUMERIC_NEIGHBOURS, hp.cardinality - 1);
  // Bounded attempts: a narrow integer range may not offer `wanted` distinct values near the centre.
  for (let attempt = 0; attempt < NUMERIC_NEIGHBOURS * 10 && found.length < wanted; attempt++) {
    const candidate = hp.fromUnit(clampUnit(centre + NEIGHBOUR_STDDEV * gaussian(rng)));
    if (candidate !== value && !found.includes(candidate)) found.push(candidate);
  }
  return found;
}

export interface FloatOptions {
  lower: number;
  upper: number;
  /** Sample and encode on a log scale (needs lower > 0). */
  log?: boolean;
  /** Quantization step: legal values are lower + k·q (k = 0, 1, ...) up to upper. */
  q?: number;
  /** Defaults to the (geometric, when log) midpoint, quantized — ConfigSpace's choice. */
  default?: number;
}

/**
 * Float and integer: drawn through the unit encoding, ordered by value, neighbours are Gaussian steps in the
 * unit encoding.
 */
abstract class NumericHyperparameter extends Hyperparameter {
  abstract override fromUnit(unit: number): number;

  sample(rng: Rng): number {
    return this.fromUnit(rng());
  }

  neighbourValues(value: HyperparameterValue, rng: Rng): HyperparameterValue[] {
    return numericNeighbours(this, value, rng);
  }

  override orderOf(value: HyperparameterValue): number | undefined {
    return typeof value === 'number' ? value : undefined;
  }

  override get isOrdered(): boolean {
    return true;
  }
}

/** A real-valued hyperparameter in [lower, upper], uniform or log-uniform, optionally quantized. */
export class FloatHyperparameter extends NumericHyperparameter {
  readonly kind = 'float';
  readonly lower: number;
  readonly upper: number;
  readonly log: boolean;
  readonly q: number | undefined;
  readonly default: number;
  readonly cardinality: number;
  private readonly low: number; // lower / upper on the sampling scale
  private readonly high: number;
  private readonly gridDecimals: number;

  constructor(name: string, options: FloatOptions) {
    super(name);
    this.lower = checkFiniteNumber(this, options.lower, 'lower');
    this.upper = checkFiniteNumber(this, options.upper, 'upper');
    if (!(this.lower < this.upper)) this.fail(`lower (${this.lower}) must be below upper (${this.upper})`, 'upper');
    this.log = options.log ?? false;
    if (typeof this.log !== 'boolean') this.fail(`log must be true or false, got ${show(options.log)}`, 'log');
    if (this.log && !(this.lower > 0)) this.fail(`a log-scale range needs lower > 0, got ${this.lower}`, 'lower');
    if (options.q !== undefined) {
      checkFiniteNumber(this, options.q, 'q');
      if (!(options.q > 0)) this.fail(`q must be positive, got ${options.q}`, 'q');
      if (options.q > this.upper - this.lower) this.fail(`q (${options.q}) is wider than the range [${this.lower}, ${this.upper}]`, 'q');
    }
    this.q = options.q;
    this.gridDecimals = Math.min(100, Math.max(decimalsOf(this.lower), decimalsOf(this.q ?? 0)));
    this.cardinality = this.q === undefined ? Infinity : Math.floor((this.upper - this.lower) / this.q + 1e-9) + 1;
    this.low = this.log ? Math.log(this.lower) : this.lower;
    this.high = this.log ? Math.log(this.upper) : this.upper;
    if (options.default === undefined) {
      this.default = this.fromUnit(0.5);
    } else {
      const reason = this.illegalReason(options.default);
      if (reason !== undefined) this.fail(`default ${reason}`, 'default');
      this.default = options.default;
    }
  }

  illegalReason(value: unknown): string | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${show(value)} is not a finite number`;
    if (value < this.lower) return `${value} is below the lower bound ${this.lower}`;
    if (value > this.upper) return `${value} is above the upper bound ${this.upper}`;
    if (this.q !== undefined) {
      const steps = (value - this.lower) / this.q;
      if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
        return `${value} is not on the grid ${this.lower} + k·${this.q}`;
      }
    }
    return undefined;
  }

  toUnit(value: HyperparameterValue): number {
    const scaled = this.log ? Math.log(value as number) : (value as number);
    return (scaled - this.low) / (this.high - this.low);
  }

  fromUnit(unit: number): number {
    const scaled = this.low + clampUnit(unit) * (this.high - this.low);
    let value = this.log ? Math.exp(scaled) : scaled;
    if (this.q !== undefined) {
      const step = Math.min(Math.round((value - this.lower) / this.q), this.cardinality - 1);
      // Rounded to the decimals of lower and q, so a grid point reads 0.57, not 0.5700000000000001,
      // and equals (same configId as) the value a person types.
      value = Number((this.lower + Math.max(0, step) * this.q).toFixed(this.gridDecimals));
    }
    // exp/log round-off can leave the range by an ulp; keep every decoded value legal.
    return value < this.lower ? this.lower : value > this.upper ? this.upper : value;
  }

  values(): undefined {
    return undefined;
  }
}

export interface IntegerOptions {
  lower: number;
  upper: number;
  /** Sample and encode on a log scale (needs lower >= 1). */
  log?: boolean;
  /** Step: legal values are lower + k·q (k = 0, 1, ...) up to upper. */
  q?: number;
  /** Defaults to the (geometric, when log) midpoint rounded half to even, on the grid — ConfigSpace's choice. */
  default?: number;
}

/**
 * An integer hyperparameter. Its encoding gives each legal value an equal-width bucket of [0, 1]
 * (log-width when log) and encodes a value as the bucket's centre, so decode(encode(x)) === x.
 */
export class IntegerHyperparameter extends NumericHyperparameter {
  readonly kind = 'integer';
  readonly lower: number;
  readonly upper: number;
  readonly log: boolean;
  readonly q: number | undefined;
  readonly default: number;
  readonly cardinality: number;
  private readonly step: number;
  private readonly low: number; // bucket edges of the whole range on the sampling scale
  private readonly high: number;

  constructor(name: string, options: IntegerOptions) {
    super(name);
    this.lower = checkFiniteNumber(this, options.lower, 'lower');
    this.upper = checkFiniteNumber(this, options.upper, 'upper');
    if (!Number.isInteger(this.lower)) this.fail(`lower must be an integer, got ${this.lower}`, 'lower');
    if (!Number.isInteger(this.upper)) this.fail(`upper must be an integer, got ${this.upper}`, 'upper');
    if (!(this.lower < this.upper)) this.fail(`lower (${this.lower}) must be below upper (${this.upper})`, 'upper');
    this.log = options.log ?? false;
    if (typeof this.log !== 'boolean') this.fail(`log must be true or false, got ${show(options.log)}`, 'log');
    if (this.log && this.lower < 1) this.fail(`a log-scale integer range needs lower >= 1, got ${this.lower}`, 'lower');
    if (options.q !== undefined) {
      checkFiniteNumber(this, options.q, 'q');
      if (!Number.isInteger(options.q) || options.q < 1) this.fail(`q must be a positive integer, got ${options.q}`, 'q');
      if (options.q > this.upper - this.lower) this.fail(`q (${options.q}) is wider than the range [${this.lower}, ${this.upper}]`, 'q');
    }
    this.q = options.q;
    this.step = this.q ?? 1;
    this.cardinality = Math.floor((this.upper - this.lower) / this.step) + 1;
    const top = this.lower + (this.cardinality - 1) * this.step;
    this.low = this.log ? Math.log(this.lower - 0.5) : 0;
    this.high = this.log ? Math.log(top + 0.5) : 1;
    if (options.default === undefined) {
      const middle = this.log ? Math.sqrt(this.lower * this.upper) : (this.lower + this.upper) / 2;
      this.default = this.snap(roundHalfToEven(middle));
    } else {
      const reason = this.illegalReason(options.default);
      if (reason !== undefined) this.fail(`default ${reason}`, 'default');
      this.default = options.default;
    }
  }

  private snap(value: number): number {
    const index = Math.min(this.cardinality - 1, Math.max(0, Math.round((value - this.lower) / this.step)));
    return this.lower + index * this.step;
  }

  illegalReason(value: unknown): string | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `${show(value)} is not an integer`;
    if (value < this.lower) return `${value} is below the lower bound ${this.lower}`;
    if (value > this.upper) return `${value} is above the upper bound ${this.upper}`;
    if ((value - this.lower) % this.step !== 0) return `${value} is not on the grid ${this.lower} + k·${this.step}`;
    return undefined;
  }

  toUnit(value: HyperparameterValue): number {
    const number = value as number;
    if (this.log) return (Math.log(number) - this.low) / (this.high - this.low);
    return ((number - this.lower) / this.step + 0.5) / this.cardinality;
  }

  fromUnit(unit: number): number {
    const clamped = clampUnit(unit);
    if (this.log) return this.snap(Math.exp(this.low + clamped * (this.high - this.low)));
    const index = Math.min(this.cardinality - 1, Math.floor(clamped * this.cardinality));
    return this.lower + index * this.step;
  }

  values(): readonly number[] {
    return Array.from({ length: this.cardinality }, (_, index) => this.lower + index * this.step);
  }
}

function checkChoiceList(hp: Hyperparameter, list: unknown, field: string): HyperparameterValue[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new SpaceError(`${hp.kind} hyperparameter '${hp.name}': ${field} must be a non-empty array, got ${show(list)}`, hp.name, field);
  }
  list.forEach((item: unknown, index) => {
    const ok = typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
    if (!ok) {
      throw new SpaceError(`${hp.kind} hyperparameter '${hp.name}': ${field}[${index}] must be a string, number or boolean, got ${show(item)}`, hp.name, field);
    }
    if (list.indexOf(item) !== index) {
      throw new SpaceError(`${hp.kind} hyperparameter '${hp.name}': ${field} lists ${show(item)} twice`, hp.name, field);
    }
  });
  return [...(list as HyperparameterValue[])];
}

/** Position of a value in a list of choices, -1 when absent (strict equality: 2 and "2" differ). */
function indexIn(list: readonly HyperparameterValue[], value: unknown): number {
  return list.indexOf(value as HyperparameterValue);
}

export interface CategoricalOptions {
  choices: readonly HyperparameterValue[];
  /** Relative sampling weights, one per choice (ConfigSpace's `weights`). */
  weights?: readonly number[];
  /** Defaults to the heaviest choice when weighted, else the first — ConfigSpace's choice. */
  default?: HyperparameterValue;
}

/**
 * An unordered choice. Encoded as index / (k - 1) (0 when k = 1) — the same scale as ordinals;
 * decode rounds to the nearest index.
 */
export class CategoricalHyperparameter extends Hyperparameter {
  readonly kind = 'categorical';
  readonly choices: readonly HyperparameterValue[];
  readonly weights: readonly number[] | undefined;
  readonly default: HyperparameterValue;
  readonly cardinality: number;
  private readonly cumulative: number[] | undefined;

  constructor(name: string, options: CategoricalOptions) {
    super(name);
    this.choices = checkChoiceList(this, options.choices, 'choices');
    this.cardinality = this.choices.length;
    if (options.weights !== undefined) {
      const weights = options.weights as unknown;
      if (!Array.isArray(weights) || weights.length !== this.cardinality) {
        this.fail(`weights must be an array of ${this.cardinality} numbers (one per choice), got ${show(weights)}`, 'weights');
      }
      weights.forEach((weight: unknown, index) => {
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
          this.fail(`weights[${index}] must be a non-negative number, got ${show(weight)}`, 'weights');
        }
      });
      const total = (weights as number[]).reduce((sum, weight) => sum + weight, 0);
      if (!(total > 0)) this.fail('weights must not all be zero', 'weights');
      this.weights = [...(weights as number[])];
      let running = 0;
      this.cumulative = this.weights.map((weight) => (running += weight / total));
    }
    if (options.default === undefined) {
      const heaviest = this.weights === undefined ? 0 : this.weights.indexOf(Math.max(...this.weights));
      this.default = this.choices[heaviest];
    } else {
      const reason = this.illegalReason(options.default);
      if (reason !== undefined) this.fail(`default ${reason}`, 'default');
      this.default = options.default;
    }
  }

  illegalReason(value: unknown): string | undefined {
    return indexIn(this.choices, value) < 0 ? `${show(value)} is not one of the choices ${show(this.choices)}` : undefined;
  }

  sample(rng: Rng): HyperparameterValue {
    const draw = rng();
    if (this.cumulative === undefined) return this.choices[Math.floor(draw * this.cardinality)];
    const index = this.cumulative.findIndex((edge) => draw < edge);
    return this.choices[index < 0 ? this.cardinality - 1 : index];
  }

  toUnit(value: HyperparameterValue): number {
    return this.cardinality === 1 ? 0 : indexIn(this.choices, value) / (this.cardinality - 1);
  }

  fromUnit(unit: number): HyperparameterValue {
    return this.choices[Math.round(clampUnit(unit) * (this.cardinality - 1))];
  }

  neighbourValues(value: HyperparameterValue): HyperparameterValue[] {
    return this.choices.filter((choice) => choice !== value);
  }

  values(): readonly HyperparameterValue[] {
    return this.choices;
  }
}

export interface OrdinalOptions {
  /** The values, in order. */
  sequence: readonly HyperparameterValue[];
  /** Defaults to the first value — ConfigSpace's choice. */
  default?: HyperparameterValue;
}

/** An ordered choice; encoded as index / (k - 1), neighbours are the adjacent values. */
export class OrdinalHyperparameter extends Hyperparameter {
  readonly kind = 'ordinal';
  readonly sequence: readonly HyperparameterValue[];
  readonly default: HyperparameterValue;
  readonly cardinality: number;

  constructor(name: string, options: OrdinalOptions) {
    super(name);
    this.sequence = checkChoiceList(this, options.sequence, 'sequence');
    this.cardinality = this.sequence.length;
    if (options.default === undefined) {
      this.default = this.sequence[0];
    } else {
      const reason = this.illegalReason(options.default);
      if (reason !== undefined) this.fail(`default ${reason}`, 'default');
      this.default = options.default;
    }
  }

  illegalReason(value: unknown): string | undefined {
    return indexIn(this.sequence, value) < 0 ? `${show(value)} is not in the sequence ${show(this.sequence)}` : undefined;
  }

  sample(rng: Rng): HyperparameterValue {
    return this.sequence[Math.floor(rng() * this.cardinality)];
  }

  toUnit(value: HyperparameterValue): number {
    return this.cardinality === 1 ? 0 : indexIn(this.sequence, value) / (this.cardinality - 1);
  }

  fromUnit(unit: number): HyperparameterValue {
    return this.sequence[Math.round(clampUnit(unit) * (this.cardinality - 1))];
  }

  neighbourValues(value: HyperparameterValue): HyperparameterValue[] {
    const index = indexIn(this.sequence, value);
    return [this.sequence[index - 1], this.sequence[index + 1]].filter((item) => item !== undefined);
  }

  override orderOf(value: HyperparameterValue): number | undefined {
    const index = indexIn(this.sequence, value);
    return index < 0 ? undefined : index;
  }

  override get isOrdered(): boolean {
    return true;
  }

  values(): readonly HyperparameterValue[] {
    return this.sequence;
  }
}

/** A fixed value (ConfigSpace's Constant); encoded as 0. */
export class ConstantHyperparameter extends Hyperparameter {
  readonly kind = 'constant';
  readonly value: HyperparameterValue;
  readonly default: HyperparameterValue;
  readonly cardinality = 1;

  constructor(name: string, value: HyperparameterValue) {
    super(name);
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) this.fail(`value must be a string, number or boolean, got ${show(value)}`, 'value');
    this.value = value;
    this.default = value;
  }

  illegalReason(value: unknown): string | undefined {
    return value === this.value ? undefined : `${show(value)} is not the constant ${show(this.value)}`;
  }

  sample(): HyperparameterValue {
    return this.value;
  }

  toUnit(): number {
    return 0;
  }

  fromUnit(): HyperparameterValue {
    return this.value;
  }

  neighbourValues(): HyperparameterValue[] {
    return [];
  }

  values(): readonly HyperparameterValue[] {
    return [this.value];
  }
}
