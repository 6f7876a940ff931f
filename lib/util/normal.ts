// The standard normal distribution's density, CDF and erfc, for the proposers' expected improvement and truncated
// Parzen kernels. Our own rather than simple-statistics': its `errorFunction` is the same Chebyshev fit but returns
// erf, and 1 - erf loses the tail (erfc(7) ~ 4e-23 becomes 0, so expected improvement far from the incumbent is 0 and
// the ranking of candidates there is lost); its `cumulativeStdNormalProbability` reads a table at two decimals.

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
