import { batchNormTrain, groupedConv2d, leanRelu, tf } from '../backend/index.js';
import type { ParameterStore } from './parameters.js';

let leanTraining = true;

/**
 * Training mode uses the backend's memory-lean ops: `batchNormTrain` (saves x and per-channel statistics only)
 * and `leanRelu` (saves the output, not the input), two full-size tensors per conv-BN-ReLU instead of four
 * (docs/backend.md, Memory). `setLeanTraining(false)` switches back to tf.moments + tf.batchNorm + tf.relu,
 * for benchmarks and equivalence tests only; it returns the previous setting.
 */
export function setLeanTraining(enabled: boolean): boolean {
  const previous = leanTraining;
  leanTraining = enabled;
  return previous;
}

/** ReLU; in training mode the backend's `leanRelu` (same values and gradients, less memory in backprop). */
export function relu<T extends tf.Tensor>(x: T, training = false): T {
  return training && leanTraining ? leanRelu(x) : tf.relu(x);
}

/** A building block: maps an NHWC batch to an NHWC batch. `training` switches BatchNorm to batch statistics. */
export interface Layer {
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
}

export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  groups?: number;
  bias?: boolean;
}

/** Convolution with 'same' padding, optional groups (depthwise when groups = in = out channels) and bias. */
export class Conv2d implements Layer {
  readonly filter: tf.Variable;
  readonly bias?: tf.Variable;
  readonly stride: number;
  readonly groups: number;
  readonly depthwise: boolean;

  constructor(store: ParameterStore, name: string, options: Conv2dOptions) {
    const { inChannels, outChannels, kernel } = options;
    this.stride = options.stride ?? 1;
    this.groups = options.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(`${name}: channels ${inChannels}->${outChannels} not divisible by groups ${this.groups}`);
    }
    this.depthwise = this.groups > 1 && this.groups === inChannels && this.groups === outChannels;
    const perGroupIn = inChannels / this.groups;
    const fanIn = perGroupIn * kernel * kernel;
    this.filter = this.depthwise
      ? store.heNormal(`${name}.weight`, [kernel, kernel, inChannels, 1], fanIn)
      : store.heNormal(`${name}.weight`, [kernel, kernel, perGroupIn, outChannels], fanIn);
    if (options.bias) this.bias = store.constant(`${name}.bias`, [outChannels], 0);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const filter = this.filter as tf.Tensor4D;
      let y = this.depthwise
        ? tf.depthwiseConv2d(x, filter, this.stride, 'same')
        : groupedConv2d(x, filter, this.stride, 'same', this.groups);
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}

/**
 * BatchNorm over the channel axis (PyTorch semantics: momentum 0.1, eps 1e-5, running variance unbiased).
 * In training mode it normalises with batch statistics and updates the running ones (non-trainable variables).
 */
export class BatchNorm implements Layer {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(
    store: ParameterStore,
    name: string,
    channels: number,
    readonly momentum = 0.1,
    readonly epsilon = 1e-5,
  ) {
    this.gamma = store.constant(`${name}.weight`, [channels], 1);
    this.beta = store.constant(`${name}.bias`, [channels], 0);
    this.runningMean = store.constant(`${name}.running_mean`, [channels], 0, 'state');
    this.runningVar = store.constant(`${name}.running_var`, [channels], 1, 'state');
  }

  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    return tf.tidy(() => {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      if (!training) {
        return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.epsilon) as T;
      }
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      // The update is a side effect that never reaches the loss, so backprop ignores it (tfjs has no stopGradient).
      const updateRunning = (mean: tf.Tensor, variance: tf.Tensor): void => {
        const unbiased = tf.mul(variance, count > 1 ? count / (count - 1) : 1);
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - this.momentum), tf.mul(mean, this.momentum)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - this.momentum), tf.mul(unbiased, this.momentum)));
      };
      if (leanTraining && (x.rank === 4 || x.rank === 2)) {
        // batchNormTrain hands over the biased batch variance, as tf.moments does.
        return batchNormTrain(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.epsilon, updateRunning) as T;
      }
      const { mean, variance } = tf.moments(x, axes);
      updateRunning(mean, variance);
      return tf.batchNorm(x, mean, variance, this.beta, this.gamma, this.epsilon) as T;
    });
  }
}

/** Fully connected layer: [n, in] -> [n, out]. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(store: ParameterStore, name: string, inFeatures: number, outFeatures: number, bias = true) {
    this.weight = store.glorotNormal(`${name}.weight`, [inFeatures, outFeatures], inFeatures, outFeatures);
    if (bias) this.bias = store.constant(`${name}.bias`, [outFeatures], 0);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const y = tf.matMul(x, this.weight as tf.Tensor2D) as tf.Tensor2D;
      return this.bias ? (tf.add(y, this.bias) as tf.Tensor2D) : y;
    });
  }
}

/** Runs layers one after another. */
export class Sequential implements Layer {
  constructor(readonly layers: Layer[]) {}
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h, training), x));
  }
}

export type Activation = 'relu' | 'relu6' | 'hardSwish' | 'swish' | 'identity';

/** Applies an activation; `training` picks the memory-lean ReLU for backprop (see `relu`). */
export function activate<T extends tf.Tensor>(x: T, activation: Activation, training = false): T {
  switch (activation) {
    case 'relu':
      return relu(x, training);
    case 'relu6':
      return tf.relu6(x);
    case 'hardSwish':
      return tf.tidy(() => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6))) as T;
    case 'swish':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x))) as T;
    case 'identity':
      return x.clone();
  }
}

/** A stateless function as a layer (activations, pooling). */
export class Lambda implements Layer {
  constructor(readonly fn: (x: tf.Tensor4D) => tf.Tensor4D) {}
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.fn(x));
  }
}

export interface ConvBnActOptions extends Conv2dOptions {
  activation?: Activation;
}

/** conv -> BN -> activation, the usual CNN unit (timm ConvNormAct). */
export class ConvBnAct implements Layer {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  readonly activation: Activation;
  constructor(store: ParameterStore, name: string, options: ConvBnActOptions) {
    this.conv = new Conv2d(store, `${name}.conv`, options);
    this.bn = new BatchNorm(store, `${name}.bn`, options.outChannels);
    this.activation = options.activation ?? 'relu';
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => activate(this.bn.apply(this.conv.apply(x), training), this.activation, training));
  }
}

/** Global average pool [n, h, w, c] -> [n, c]. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}

/** Max pool with 'same' padding. */
export function maxPool(x: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
  return tf.maxPool(x, size, stride, 'same');
}
