import { labelMask, tf } from '../backend/index.js';

export type LossName = 'focal' | 'crossEntropy';

/** Mean cross-entropy of logits [n, classes] against integer labels: −log softmax(logits)[y]. */
export function crossEntropyLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.sum(tf.mul(tf.logSoftmax(logits), labelMask(labels, logits.shape[1])), 1);
    return tf.neg(tf.mean(logP)) as tf.Scalar;
  });
}

/** Mean focal loss (Lin et al. 2017): −(1 − p_y)^γ log p_y, γ = 2 as FR-NAS uses on the head's logits. */
export function focalLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, gamma = 2): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.sum(tf.mul(tf.logSoftmax(logits), labelMask(labels, logits.shape[1])), 1);
    const p = tf.exp(logP);
    const weight = tf.pow(tf.clipByValue(tf.sub(1, p), 0, 1), gamma);
    return tf.neg(tf.mean(tf.mul(weight, logP))) as tf.Scalar;
  });
}

export function classificationLoss(name: LossName, logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  switch (name) {
    case 'focal':
      return focalLoss(logits, labels);
    case 'crossEntropy':
      return crossEntropyLoss(logits, labels);
    default:
      throw new Error(`unknown loss "${String(name)}" (expected focal or crossEntropy)`);
  }
}
