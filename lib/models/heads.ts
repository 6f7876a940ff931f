import { labelMask, tf } from '../backend/index.js';
import type { ParameterStore } from './parameters.js';

/** What a head gives for a batch: logits to feed the loss, plus an extra loss term (MagFace's regulariser). */
export interface HeadOutput {
  logits: tf.Tensor2D;
  regularizer?: tf.Scalar;
}

/** A classification head over identities, used only in training (evaluation uses the embedding). */
export interface Head {
  readonly name: HeadName;
  forward(embeddings: tf.Tensor2D, labels: tf.Tensor1D): HeadOutput;
}

export type HeadName = 'CosFace' | 'ArcFace' | 'MagFace' | 'Softmax';

/** Values clipped away from ±1 before any sqrt/acos so no gradient is infinite at init. */
const COS_CLIP = 1 - 1e-6;

/** cos θ between L2-normalised embeddings [n, d] and L2-normalised class centres W [d, classes], clipped. */
function cosines(embeddings: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.div(embeddings, tf.add(tf.norm(embeddings, 'euclidean', 1, true), 1e-12));
    const w = tf.div(weight, tf.add(tf.norm(weight, 'euclidean', 0, true), 1e-12));
    return tf.clipByValue(tf.matMul(x, w), -COS_CLIP, COS_CLIP) as tf.Tensor2D;
  });
}

/**
 * Margin logits: cos θ against the class centres, the label column replaced by `target(cos θ_y)` (per row), all scaled:
 * s * (cos + onehot * (target - cos_y)). The label entry is picked with a mask, not `gather(..., batchDims = 1)`
 * (wrong on wasm), and computed once for the target and the replacement.
 */
function marginLogits(
  embeddings: tf.Tensor2D, weight: tf.Tensor2D, labels: tf.Tensor1D, scale: number, target: (cosY: tf.Tensor1D) => tf.Tensor1D,
): tf.Tensor2D {
  return tf.tidy(() => {
    const cos = cosines(embeddings, weight);
    const mask = labelMask(labels, cos.shape[1]);
    const cosY = tf.sum(tf.mul(cos, mask), 1) as tf.Tensor1D;
    const delta = tf.sub(target(cosY), cosY).reshape([-1, 1]);
    return tf.mul(tf.add(cos, tf.mul(mask, delta)), scale) as tf.Tensor2D;
  });
}

/** Class-centre weights [d, classes] of a margin head (Glorot-normal from the seeded stream). */
function centres(store: ParameterStore, name: string, embeddingSize: number, classes: number): tf.Variable {
  return store.glorotNormal(`${name}.weight`, [embeddingSize, classes], embeddingSize, classes);
}

/** CosFace (Wang et al. 2018): target logit s·(cos θ − m); s 64, m 0.35. */
export class CosFace implements Head {
  readonly name = 'CosFace' as const;
  readonly weight: tf.Variable;
  constructor(
    store: ParameterStore,
    embeddingSize: number,
    classes: number,
    readonly s = 64,
    readonly m = 0.35,
  ) {
    this.weight = centres(store, 'head.cosface', embeddingSize, classes);
  }
  forward(embeddings: tf.Tensor2D, labels: tf.Tensor1D): HeadOutput {
    return { logits: marginLogits(embeddings, this.weight as tf.Tensor2D, labels, this.s, (cosY) => tf.sub(cosY, this.m)) };
  }
}

/**
 * ArcFace (Deng et al. 2019): target s·cos(θ + m) when cos θ > cos(π − m), else s·(cos θ − m·sin(π − m))
 * (insightface's easy_margin = false fallback keeps the target monotonic in θ). s 64, m 0.5.
 * cos(θ + m) = cos θ cos m − sin θ sin m with sin θ = sqrt(1 − cos²θ) on clipped cos: no acos, no NaN.
 */
export class ArcFace implements Head {
  readonly name = 'ArcFace' as const;
  readonly weight: tf.Variable;
  constructor(
    store: ParameterStore,
    embeddingSize: number,
    classes: number,
    readonly s = 64,
    readonly m = 0.5,
  ) {
    this.weight = centres(store, 'head.arcface', embeddingSize, classes);
  }
  forward(embeddings: tf.Tensor2D, labels: tf.Tensor1D): HeadOutput {
    return {
      logits: marginLogits(embeddings, this.weight as tf.Tensor2D, labels, this.s, (cosY) => additiveAngularTarget(cosY, tf.fill(cosY.shape, this.m))),
    };
  }
}

/** cos(θ + m) with the easy_margin = false fallback, for a per-row margin m (tensor). */
export function additiveAngularTarget(cosY: tf.Tensor1D, margin: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const sin = tf.sqrt(tf.clipByValue(tf.sub(1, tf.square(cosY)), 1e-12, 1));
    const phi = tf.sub(tf.mul(cosY, tf.cos(margin)), tf.mul(sin, tf.sin(margin)));
    const threshold = tf.cos(tf.sub(Math.PI, margin));
    const fallback = tf.sub(cosY, tf.mul(margin, tf.sin(tf.sub(Math.PI, margin))));
    // A step mask instead of tf.where(greater(...)): Greater has no gradient function in tfjs.
    const useArc = tf.step(tf.sub(cosY, threshold));
    return tf.add(tf.mul(useArc, phi), tf.mul(tf.sub(1, useArc), fallback)) as tf.Tensor1D;
  });
}

/** MagFace settings (Meng et al. 2021); defaults: the norm bounds and margins are the paper's, s 32 and λ 20 FR-NAS's (the paper's code: s 64, λ_g 35). */
export interface MagFaceSettings {
  s: number;
  lowerNorm: number;
  upperNorm: number;
  lowerMargin: number;
  upperMargin: number;
  lambda: number;
}

export const magFaceDefaults: MagFaceSettings = {
  s: 32,
  lowerNorm: 10,
  upperNorm: 110,
  lowerMargin: 0.45,
  upperMargin: 0.8,
  lambda: 20,
};

/**
 * MagFace: a = ||x|| clamped to [l_a, u_a]; margin m(a) = l_m + (u_m − l_m)(a − l_a)/(u_a − l_a);
 * target s·cos(θ + m(a)) (same fallback as ArcFace); regulariser λ·mean(a/u_a² + 1/a).
 */
export class MagFace implements Head {
  readonly name = 'MagFace' as const;
  readonly weight: tf.Variable;
  readonly settings: MagFaceSettings;
  constructor(store: ParameterStore, embeddingSize: number, classes: number, settings: Partial<MagFaceSettings> = {}) {
    this.settings = { ...magFaceDefaults, ...settings };
    this.weight = centres(store, 'head.magface', embeddingSize, classes);
  }
  forward(embeddings: tf.Tensor2D, labels: tf.Tensor1D): HeadOutput {
    const { s, lowerNorm, upperNorm, lowerMargin, upperMargin, lambda } = this.settings;
    return tf.tidy(() => {
      const a = tf.clipByValue(tf.norm(embeddings, 'euclidean', 1), lowerNorm, upperNorm) as tf.Tensor1D;
      const margin = tf.add(tf.mul(tf.sub(a, lowerNorm), (upperMargin - lowerMargin) / (upperNorm - lowerNorm)), lowerMargin) as tf.Tensor1D;
      const logits = marginLogits(embeddings, this.weight as tf.Tensor2D, labels, s, (cosY) => additiveAngularTarget(cosY, margin));
      const g = tf.add(tf.div(a, upperNorm * upperNorm), tf.div(1, a));
      return { logits, regularizer: tf.mul(tf.mean(g), lambda) as tf.Scalar };
    });
  }
}

/** Plain softmax classifier: logits = xW + b. */
export class SoftmaxHead implements Head {
  readonly name = 'Softmax' as const;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(store: ParameterStore, embeddingSize: number, classes: number) {
    this.weight = store.glorotNormal('head.softmax.weight', [embeddingSize, classes], embeddingSize, classes);
    this.bias = store.constant('head.softmax.bias', [classes], 0);
  }
  forward(embeddings: tf.Tensor2D): HeadOutput {
    return { logits: tf.tidy(() => tf.add(tf.matMul(embeddings, this.weight as tf.Tensor2D), this.bias) as tf.Tensor2D) };
  }
}

export const headNames: readonly HeadName[] = ['CosFace', 'ArcFace', 'MagFace', 'Softmax'];

/** Searched head settings; absent fields keep the head's textbook defaults. */
export interface HeadSettings {
  /** CosFace / ArcFace / MagFace scale s (64, 64, 32). Smaller s (16-32) learns faster on small embeddings and few images. */
  scale?: number;
  /** CosFace / ArcFace margin m (CosFace 0.35, ArcFace 0.5). */
  margin?: number;
  /** MagFace's margin range l_m, u_m (0.45, 0.8). */
  magFaceLowerMargin?: number;
  magFaceUpperMargin?: number;
}

/** Builds a head by name (case-insensitive; 'softmax' also accepted as 'linear'), with optional searched margins. */
export function createHead(name: string, store: ParameterStore, embeddingSize: number, classes: number, settings: HeadSettings = {}): Head {
  const { scale, margin, magFaceLowerMargin, magFaceUpperMargin } = settings;
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new Error(`head setting ${key} must be a finite number >= 0, got ${String(value)}`);
  }
  if (scale !== undefined && !(scale > 0)) throw new Error(`head setting scale must be > 0, got ${scale}`);
  switch (name.toLowerCase()) {
    case 'cosface':
      return new CosFace(store, embeddingSize, classes, scale, margin);
    case 'arcface':
      return new ArcFace(store, embeddingSize, classes, scale, margin);
    case 'magface': {
      const lower = magFaceLowerMargin ?? magFaceDefaults.lowerMargin;
      const upper = magFaceUpperMargin ?? magFaceDefaults.upperMargin;
      if (!(lower <= upper)) throw new Error(`MagFace lower margin ${lower} must not exceed the upper margin ${upper}`);
      return new MagFace(store, embeddingSize, classes, { lowerMargin: lower, upperMargin: upper, ...(scale === undefined ? {} : { s: scale }) });
    }
    case 'softmax':
    case 'linear':
      return new SoftmaxHead(store, embeddingSize, classes);
    default:
      throw new Error(`unknown head "${name}" (expected one of ${headNames.join(', ')})`);
  }
}
