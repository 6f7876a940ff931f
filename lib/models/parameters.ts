import seedrandom from 'seedrandom';
import { tf } from '../backend/index.js';

/** Whether a variable is learned by the optimizer ('trainable') or updated by the forward pass (BatchNorm running statistics). */
export type ParameterKind = 'trainable' | 'state';

/** One named variable of a model. */
export interface NamedParameter {
  name: string;
  kind: ParameterKind;
  variable: tf.Variable;
  /** Whether weight decay applies (timm's rule: not to biases and normalisation parameters). */
  decay: boolean;
}

/**
 * The variables of one model, by name. Every initial value comes from a seedrandom stream keyed by
 * (seed, parameter name), so a model is reproducible whatever order its layers are built in.
 */
export class ParameterStore {
  private readonly byName = new Map<string, NamedParameter>();

  constructor(readonly seed: number) {}

  /** He (Kaiming) normal initialisation, std = sqrt(2 / fanIn), as timm/PyTorch conv layers use with ReLU. */
  heNormal(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.normal(name, shape, Math.sqrt(2 / Math.max(1, fanIn)), true);
  }

  /** Glorot (Xavier) normal initialisation, std = sqrt(2 / (fanIn + fanOut)). */
  glorotNormal(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    return this.normal(name, shape, Math.sqrt(2 / Math.max(1, fanIn + fanOut)), true);
  }

  /** Normal(0, std) values from the seeded stream of `name`. */
  normal(name: string, shape: number[], std: number, decay: boolean): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const rng = seedrandom(`${this.seed}/${name}`);
    for (let i = 0; i < size; i += 2) {
      // Box-Muller: two independent normals per pair of uniforms.
      const u1 = Math.max(rng(), 1e-12);
      const u2 = rng();
      const radius = Math.sqrt(-2 * Math.log(u1));
      values[i] = radius * Math.cos(2 * Math.PI * u2) * std;
      if (i + 1 < size) values[i + 1] = radius * Math.sin(2 * Math.PI * u2) * std;
    }
    return this.add(name, 'trainable', values, shape, decay);
  }

  /** A variable filled with `value` (biases, BatchNorm gamma/beta, running statistics). */
  constant(name: string, shape: number[], value: number, kind: ParameterKind = 'trainable', decay = false): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
    return this.add(name, kind, values, shape, decay);
  }

  private add(name: string, kind: ParameterKind, values: Float32Array, shape: number[], decay: boolean): tf.Variable {
    if (this.byName.has(name)) throw new Error(`duplicate parameter name: ${name}`);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), kind === 'trainable', `${name}#${nextVariableId++}`));
    this.byName.set(name, { name, kind, variable, decay });
    return variable;
  }

  get(name: string): NamedParameter | undefined {
    return this.byName.get(name);
  }

  /** All parameters in creation order. */
  all(): NamedParameter[] {
    return [...this.byName.values()];
  }

  trainable(): NamedParameter[] {
    return this.all().filter((p) => p.kind === 'trainable');
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    return this.trainable().reduce((sum, p) => sum + p.variable.size, 0);
  }

  /** Copies of every variable's values, by name (for checkpoints and tests). */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const p of this.all()) out.set(p.name, p.variable.dataSync() as Float32Array);
    return out;
  }

  /** Overwrites variables from `values` (missing names or wrong sizes are an error). */
  restore(values: Map<string, Float32Array>): void {
    for (const p of this.all()) {
      const v = values.get(p.name);
      if (!v) throw new Error(`checkpoint has no values for parameter ${p.name}`);
      if (v.length !== p.variable.size) throw new Error(`checkpoint size mismatch for ${p.name}: ${v.length} vs ${p.variable.size}`);
      tf.tidy(() => p.variable.assign(tf.tensor(v, p.variable.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const p of this.byName.values()) p.variable.dispose();
    this.byName.clear();
  }
}

// tfjs variable names are global to the engine; a counter keeps several models (and their checkpoints) apart.
let nextVariableId = 0;
