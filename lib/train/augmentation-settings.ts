// The augmentation settings and their limits, in a module of their own so that face-arrays.ts (which applies them)
// and training-options.ts (which checks job options) both import them without importing each other.

/**
 * Random image changes while training (all off by default). Each image of each epoch gets its own draw from
 * `seedrandom(`${seed}/augment/${epoch}`)`, so an epoch's batches stay a pure function of (seed, epoch).
 */
export interface AugmentationSettings {
  /** Largest translation, as a fraction of the side (e.g. 0.08): a random shift in [-shift, shift] on each axis. */
  shift?: number;
  /** Random zoom in [1 - scale, 1 + scale] (random resized crop about the centre). */
  scale?: number;
  /** Largest rotation in degrees. */
  rotate?: number;
  /** Brightness jitter: add a value in [-brightness, brightness] (pixels are in [0, 1]). */
  brightness?: number;
  /** Contrast jitter: scale the deviation from the image mean by a factor in [1 - contrast, 1 + contrast]. */
  contrast?: number;
}

/** The largest value of each augmentation setting (checkAugmentation in face-arrays.ts applies the same). */
export const augmentationLimits: Record<keyof AugmentationSettings, number> = { shift: 0.5, scale: 0.9, rotate: 180, brightness: 1, contrast: 1 };
