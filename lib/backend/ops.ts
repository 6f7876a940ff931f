// Ops frnas needs that tfjs lacks or gets wrong on wasm: per-row picks without gather(batchDims=1), grouped conv.
import { tf } from './tf.js';

/** Rows of x ([n, ...]) at integer indices ([k]) -> [k, ...]. A plain axis-0 gather: wasm gets it right. */
export function gatherRows<T extends tf.Tensor>(x: T, indices: tf.Tensor1D | number[]): T {
  return tf.tidy(() => {
    const idx = Array.isArray(indices) ? tf.tensor1d(indices, 'int32') : indices;
    return tf.gather(x, idx, 0) as T;
  });
}

/**
 * logits[i, labels[i]] for each row i -> [B]. Uses a flat gather at i*C + label, because
 * tf.gather(logits, labels, 1, 1) (batchDims = 1) returns wrong values and can crash on wasm.
 */
export function pickPerRow(logits: tf.Tensor2D, labels: tf.Tensor1D | number[]): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, c] = logits.shape;
    const lab = Array.isArray(labels) ? tf.tensor1d(labels, 'int32') : labels.toInt();
    if (lab.shape[0] !== b) throw new Error(`pickPerRow: ${lab.shape[0]} labels for ${b} rows`);
    const flatIdx = tf.add(tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(c, 'int32')), lab);
    return tf.gather(tf.reshape(logits, [-1]), flatIdx) as tf.Tensor1D;
  });
}

/** A [B, C] float mask with 1 at (i, labels[i]); the other safe way to pick or replace target logits. */
export function labelMask(labels: tf.Tensor1D | number[], numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const lab = Array.isArray(labels) ? tf.tensor1d(labels, 'int32') : labels.toInt();
    return tf.oneHot(lab, numClasses).toFloat() as tf.Tensor2D;
  });
}

export type GroupedConvMethod = 'auto' | 'split' | 'blockdiag';

/**
 * Grouped 2-D convolution (tfjs conv2d has no `groups`). x: [N, H, W, Cin]; filter: [fh, fw, Cin/groups, Cout].
 * 'split' runs one conv per group on a channel slice and concatenates; 'blockdiag' builds the block-diagonal
 * [fh, fw, Cin, Cout] filter and runs one conv (groups-times the multiply-adds, but one XNNPACK call).
 * 'auto' uses chooseGroupedConvMethod (measured on wasm; docs/backend.md).
 */
export function groupedConv2d(
  x: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: 'same' | 'valid' | number,
  groups: number, method: GroupedConvMethod = 'auto',
): tf.Tensor4D {
  const cin = x.shape[3];
  const [fh, fw, cg, cout] = filter.shape;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`groupedConv2d: groups must be a positive integer, got ${groups}`);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`groupedConv2d: ${cin} input and ${cout} output channels are not divisible by ${groups} groups`);
  }
  if (cg * groups !== cin) throw new Error(`groupedConv2d: filter has ${cg} input channels per group, expected ${cin / groups}`);
  if (groups === 1) return tf.conv2d(x, filter, strides, pad) as tf.Tensor4D;
  const m = method === 'auto' ? chooseGroupedConvMethod(x.shape, groups) : method;
  return tf.tidy(() => {
    const og = cout / groups;
    if (m === 'blockdiag') {
      const blocks: tf.Tensor4D[] = [];
      for (let g = 0; g < groups; g++) {
        const fg = tf.slice(filter, [0, 0, 0, g * og], [fh, fw, cg, og]);
        blocks.push(tf.pad(fg, [[0, 0], [0, 0], [g * cg, cin - (g + 1) * cg], [0, 0]]));
      }
      return tf.conv2d(x, tf.concat(blocks, 3), strides, pad) as tf.Tensor4D;
    }
    const xs = tf.split(x, groups, 3) as tf.Tensor4D[];
    const fs = tf.split(filter, groups, 3) as tf.Tensor4D[];
    return tf.concat(xs.map((xg, g) => tf.conv2d(xg, fs[g], strides, pad) as tf.Tensor4D), 3);
  });
}

/**
 * Block-diagonal wins when groups are narrow (few channels each: many tiny convs cost more than one dense conv
 * with zeros) and the feature map is large; split wins for wide groups. Measured on wasm with
 * `npx tsx benchmarks/backend.ts --grouped` (batch 64, forward + backward).
 */
export function chooseGroupedConvMethod(xShape: readonly number[], groups: number): 'split' | 'blockdiag' {
  const perGroup = xShape[3] / groups;
  const area = xShape[1] * xShape[2];
  return perGroup <= 4 || (perGroup <= 8 && area >= 1024) ? 'blockdiag' : 'split';
}

type CustomGradFn = Parameters<typeof tf.customGrad>[0];
type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/**
 * ReLU whose gradient keeps the output (as PyTorch does) rather than the input: the output is usually kept
 * anyway by the next layer, so backprop holds one activation per conv-BN-ReLU fewer.
 */
export function leanRelu<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(((xx: tf.Tensor, save: (ts: tf.Tensor[]) => void): GradResult => {
    const y = tf.relu(xx);
    save([y]);
    return { value: y, gradFunc: (dy, [yy]) => tf.tidy(() => tf.mul(dy, tf.step(yy))) };
  }) as unknown as CustomGradFn);
  return f(x) as T;
}

/**
 * Batch normalisation in training mode (batch statistics) over all axes but the last, for NHWC or [N, C] input,
 * with a hand-written gradient that saves only x and per-channel statistics. tfjs's moments + batchNorm saves
 * x - mean as well, and its FusedBatchNorm gradient tiles full-size tensors; this one costs one activation
 * less per layer and a few full-size passes in backprop:
 * dx = gamma / sqrt(var + eps) / N * (N * dy - sum(dy) - xhat * sum(dy * xhat)).
 * `onStats` receives the batch mean and (biased) variance during the forward pass, e.g. to update running
 * averages; they are disposed after it returns.
 */
export function batchNormTrain(
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-3,
  onStats?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor {
  if (x.rank !== 4 && x.rank !== 2) throw new Error(`batchNormTrain: expected a rank-4 (NHWC) or rank-2 tensor, got rank ${x.rank}`);
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const n = x.size / x.shape[x.rank - 1];
  const f = tf.customGrad(((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: (ts: tf.Tensor[]) => void): GradResult => {
    const [y, mean, invStd] = tf.tidy(() => {
      const m = tf.mean(xx, axes);
      const variance = tf.mean(tf.square(tf.sub(xx, m)), axes);
      if (onStats !== undefined) onStats(m as tf.Tensor1D, variance as tf.Tensor1D);
      const is = tf.rsqrt(tf.add(variance, epsilon));
      return [tf.add(tf.mul(tf.mul(tf.sub(xx, m), is), g), b), m, is];
    });
    save([xx, mean, invStd, g]);
    tf.dispose([mean, invStd]);
    return {
      value: y,
      gradFunc: (dy, [x0, m, is, g0]) => tf.tidy(() => {
        const xhat = tf.mul(tf.sub(x0, m), is);
        const dbeta = tf.sum(dy, axes);
        const dgamma = tf.sum(tf.mul(dy, xhat), axes);
        const scale = tf.div(tf.mul(g0, is), n);
        const dx = tf.mul(scale, tf.sub(tf.sub(tf.mul(dy, n), dbeta), tf.mul(xhat, dgamma)));
        return [dx, dgamma, dbeta];
      }),
    };
  }) as unknown as CustomGradFn);
  return f(x, gamma, beta);
}
