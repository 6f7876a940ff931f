// Parzen estimators of TPE, on one hyperparameter at a time (Optuna's default, "independent" TPE).
// Numeric values live in the space's unit encoding [0, 1] (log scales already applied by the encoding);
// choices are indices. Each estimator is a weighted mixture with a prior component, as Optuna 3.x builds it.
import type { Rng } from '../../../space/types.js';
import { normalCdf } from '../../../util/normal.js';

export { normalCdf };

/** A mixture of Gaussians truncated to [0, 1]. */
export interface NumericParzen {
  readonly kind: 'numeric';
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Normalised component weights. */
  readonly weights: Float64Array;
  /** log of each component's normaliser: weight / (sigma * sqrt(2 pi) * (Phi(b) - Phi(a))). */
  readonly logCoefficients: Float64Array;
}

/** A mixture of categorical distributions over `choices` values. */
export interface CategoricalParzen {
  readonly kind: 'categorical';
  /** Probability of each choice (the mixture collapses to one distribution). */
  readonly probabilities: Float64Array;
}

export type Parzen = NumericParzen | CategoricalParzen;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Optuna's numerical parameters (consider_prior, prior_weight, magic clip, consider_endpoints = false):
 * each observation is a component centred on it with the larger gap to its sorted neighbours (the prior's
 * centre 0.5 counted among them) as bandwidth, clipped to [1 / min(100, n + 2), 1]; the prior is N(0.5, 1).
 * `bandwidthFactor` widens every observation kernel (BOHB's "bandwidth_factor" idea; 1 = Optuna).
 */
export function numericParzen(
  observations: readonly number[],
  observationWeights: readonly number[],
  priorWeight: number,
  bandwidthFactor = 1,
): NumericParzen {
  const n = observations.length;
  const withPrior = [...observations, 0.5];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a] - withPrior[b]);
  const sorted = order.map((i) => withPrior[i]);
  const ends = [0, ...sorted, 1];
  const sortedSigmas = sorted.map((_, k) => Math.max(ends[k + 1] - ends[k], ends[k + 2] - ends[k + 1]));
  if (ends.length >= 4) {
    sortedSigmas[0] = ends[2] - ends[1];
    sortedSigmas[sortedSigmas.length - 1] = ends[ends.length - 2] - ends[ends.length - 3];
  }
  const minSigma = 1 / Math.min(100, 1 + withPrior.length);
  const sigmas = new Float64Array(n + 1);
  order.forEach((original, k) => {
    if (original < n) sigmas[original] = Math.min(1, Math.max(minSigma, sortedSigmas[k] * bandwidthFactor));
  });
  sigmas[n] = 1;
  const mus = Float64Array.from(withPrior);
  const weights = normalised([...observationWeights, priorWeight]);
  const logCoefficients = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    const mass = normalCdf((1 - mus[k]) / sigmas[k]) - normalCdf((0 - mus[k]) / sigmas[k]);
    logCoefficients[k] = Math.log(weights[k]) - Math.log(sigmas[k]) - LOG_SQRT_2PI - Math.log(Math.max(mass, 1e-300));
  }
  return { kind: 'numeric', mus, sigmas, weights, logCoefficients };
}

/**
 * Optuna's categorical parameters: each observation puts weight 1 on its choice plus prior_weight / (n + 1)
 * spread evenly; the prior component is uniform. The mixture is one categorical distribution.
 */
export function categoricalParzen(
  observations: readonly number[],
  observationWeights: readonly number[],
  priorWeight: number,
  choices: number,
): CategoricalParzen {
  const n = observations.length;
  const weights = normalised([...observationWeights, priorWeight]);
  const probabilities = new Float64Array(choices);
  const spread = priorWeight / (n + 1);
  for (let k = 0; k < n; k++) {
    const total = 1 + spread * choices;
    for (let c = 0; c < choices; c++) probabilities[c] += (weights[k] * (spread + (c === observations[k] ? 1 : 0))) / total;
  }
  for (let c = 0; c < choices; c++) probabilities[c] += weights[n] / choices;
  return { kind: 'categorical', probabilities };
}

/** A draw from the estimator: a unit position (numeric) or a choice index (categorical). */
export function sampleParzen(parzen: Parzen, rng: Rng): number {
  if (parzen.kind === 'categorical') return pickIndex(parzen.probabilities, rng);
  const k = pickIndex(parzen.weights, rng);
  const mu = parzen.mus[k];
  const sigma = parzen.sigmas[k];
  // Inverse-CDF sampling of the truncated normal: exact and needs one uniform draw.
  const lo = normalCdf(-mu / sigma);
  const hi = normalCdf((1 - mu) / sigma);
  const u = lo + rng() * (hi - lo);
  const x = mu + sigma * normalQuantile(Math.min(Math.max(u, 1e-16), 1 - 1e-16));
  return Math.min(1, Math.max(0, x));
}

/** log density (numeric) or log probability (categorical) of a value under the estimator. */
export function logDensity(parzen: Parzen, value: number): number {
  if (parzen.kind === 'categorical') return Math.log(Math.max(parzen.probabilities[value], 1e-300));
  let max = -Infinity;
  const terms = new Float64Array(parzen.mus.length);
  for (let k = 0; k < terms.length; k++) {
    const z = (value - parzen.mus[k]) / parzen.sigmas[k];
    terms[k] = parzen.logCoefficients[k] - 0.5 * z * z;
    if (terms[k] > max) max = terms[k];
  }
  let sum = 0;
  for (let k = 0; k < terms.length; k++) sum += Math.exp(terms[k] - max);
  return max + Math.log(sum);
}

function normalised(values: readonly number[]): Float64Array {
  const total = values.reduce((s, v) => s + v, 0);
  return Float64Array.from(values, (v) => v / total);
}

function pickIndex(probabilities: Float64Array, rng: Rng): number {
  let u = rng();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i];
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

/** Inverse standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
