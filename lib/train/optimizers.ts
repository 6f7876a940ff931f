import { tf } from '../backend/index.js';
import type { NamedParameter } from '../models/parameters.js';

export type OptimizerName = 'SGD' | 'Adam' | 'AdamW';

/** Settings of an optimizer; `learningRate` is the base rate a schedule scales. PyTorch/timm semantics. */
export interface OptimizerSettings {
  name: OptimizerName;
  learningRate: number;
  /** L2 (SGD, Adam: added to the gradient) or decoupled (AdamW: p ← p − lr·wd·p). */
  weightDecay: number;
  /** SGD momentum (0.9 in FR-NAS). */
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const optimizerDefaults: Omit<OptimizerSettings, 'name' | 'learningRate'> = {
  weightDecay: 1e-4,
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

/** Saved optimizer state: step count and per-parameter slot values (momentum buffer, Adam moments). */
export interface OptimizerState {
  step: number;
  slots: Map<string, Float32Array>;
}

/**
 * SGD (momentum, Nesterov), Adam and AdamW written out with explicit state so a checkpoint can save and
 * restore it exactly. One `step(grads, lr)` per batch; `lr` comes from the schedule.
 * Weight decay is skipped for parameters with `decay: false` (biases, BatchNorm), as timm does.
 */
export class Optimizer {
  readonly settings: OptimizerSettings;
  private stepCount = 0;
  // Slot variables per parameter name: 'm' (SGD momentum buffer or Adam first moment), 'v' (Adam second moment).
  private readonly slots = new Map<string, tf.Variable>();

  constructor(
    readonly parameters: NamedParameter[],
    settings: Partial<OptimizerSettings> & Pick<OptimizerSettings, 'name' | 'learningRate'>,
  ) {
    this.settings = { ...optimizerDefaults, ...settings };
    if (!['SGD', 'Adam', 'AdamW'].includes(this.settings.name)) {
      throw new Error(`unknown optimizer "${this.settings.name}" (expected SGD, Adam or AdamW)`);
    }
    // tf.variable keeps its own reference to the initial value, so the zeros are made inside tidy.
    for (const p of parameters) {
      this.slots.set(`${p.name}/m`, tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
      if (this.settings.name !== 'SGD') this.slots.set(`${p.name}/v`, tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    }
  }

  get step(): number {
    return this.stepCount;
  }

  /** Applies one update with learning rate `lr` from gradients keyed by variable name (tf.variableGrads's output). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.stepCount += 1;
    const t = this.stepCount;
    const { name, weightDecay, momentum, nesterov, beta1, beta2, epsilon } = this.settings;
    for (const p of this.parameters) {
      const grad = grads[p.variable.name];
      if (!grad) continue;
      const decay = p.decay ? weightDecay : 0;
      tf.tidy(() => {
        const w = p.variable;
        const m = this.slots.get(`${p.name}/m`)!;
        if (name === 'SGD') {
          // torch.optim.SGD: g += wd·w; buf = μ·buf + g; step = nesterov ? g + μ·buf : buf.
          const g = decay ? tf.add(grad, tf.mul(w, decay)) : grad;
          const buf = t === 1 ? g : tf.add(tf.mul(m, momentum), g);
          m.assign(buf);
          const direction = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
          w.assign(tf.sub(w, tf.mul(direction, lr)));
          return;
        }
        const v = this.slots.get(`${p.name}/v`)!;
        // Adam adds L2 to the gradient; AdamW shrinks the weights directly, outside the adaptive scaling.
        const g = name === 'Adam' && decay ? tf.add(grad, tf.mul(w, decay)) : grad;
        const base = name === 'AdamW' && decay ? tf.mul(w, 1 - lr * decay) : w;
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        const mHat = tf.div(mNew, 1 - Math.pow(beta1, t));
        const vHat = tf.div(vNew, 1 - Math.pow(beta2, t));
        w.assign(tf.sub(base, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), lr)));
      });
    }
  }

  /** A copy of the state for a checkpoint. */
  saveState(): OptimizerState {
    const slots = new Map<string, Float32Array>();
    for (const [key, variable] of this.slots) slots.set(key, variable.dataSync() as Float32Array);
    return { step: this.stepCount, slots };
  }

  restoreState(state: OptimizerState): void {
    for (const [key, variable] of this.slots) {
      const values = state.slots.get(key);
      if (!values || values.length !== variable.size) throw new Error(`checkpoint optimizer state lacks or mis-sizes ${key}`);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const variable of this.slots.values()) variable.dispose();
    this.slots.clear();
  }
}
