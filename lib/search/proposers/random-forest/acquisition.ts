// One implementation of the normal distribution for every proposer (lib/util/normal.ts).
import { erfc, normalCdf, normalPdf } from '../../../util/normal.js';

export { erfc, normalCdf, normalPdf };

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
