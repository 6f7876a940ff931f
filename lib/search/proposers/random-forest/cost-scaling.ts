/**
 * SMAC3's RunHistoryLogScaledEncoder: scale to (0, 1] with the floor set below the minimum by the
 * distance from the minimum to the 5th percentile, then take the log.
 */
export function logScale(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const percentile = quantileSorted(sorted, 0.05);
  let floor = min - (percentile - min) - 1e-10;
  if (floor === max) floor *= 1 - 1e-10;
  const range = max - floor;
  return values.map((v) => Math.log((v - floor) / range));
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
function quantileSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
