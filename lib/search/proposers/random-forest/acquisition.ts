/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7, also in the tails). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
      + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Expected improvement below `best` (minimisation) of a prediction with `mean` and `variance`, as
 * SMAC3's `EI`. With `log` the model predicts log costs and the improvement is taken on the cost
 * itself: EI = e^best Φ(v) − e^(m + σ²/2) Φ(v − σ), v = (best − m)/σ (SMAC3's `EI(log=True)`).
 */
export function expectedImprovement(mean: number, variance: number, best: number, options: { log?: boolean; xi?: number } = {}): number {
  const xi = options.xi ?? 0;
  const sigma = Math.sqrt(variance);
  if (!(sigma > 0)) return Math.max(best - xi - mean, 0);
  if (options.log) {
    const target = best - xi;
    const v = (target - mean) / sigma;
    const improvement = Math.exp(target) * normalCdf(v) - Math.exp(0.5 * variance + mean) * normalCdf(v - sigma);
    return Math.max(improvement, 0);
  }
  const gap = best - xi - mean;
  const z = gap / sigma;
  return Math.max(gap * normalCdf(z) + sigma * normalPdf(z), 0);
}
