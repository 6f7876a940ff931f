import { NonDominatedCrowdingPromotion } from './nds-crowding.js';
import { ParEGOPromotion } from './parego.js';
import { HypervolumePromotion } from './hypervolume.js';
import type { PromotionStrategy } from './strategy.js';

export type PromotionName = 'nds-crowding' | 'parego' | 'hypervolume';

/** Resolves a promotion name (or passes an instance through). */
export function resolvePromotion(promotion: PromotionName | PromotionStrategy | undefined): PromotionStrategy {
  if (promotion === undefined || promotion === 'nds-crowding') return new NonDominatedCrowdingPromotion();
  if (promotion === 'parego') return new ParEGOPromotion();
  if (promotion === 'hypervolume') return new HypervolumePromotion();
  if (typeof promotion === 'object' && typeof promotion.rank === 'function') return promotion;
  throw new Error(`promotion: expected 'nds-crowding', 'parego', 'hypervolume' or a PromotionStrategy, got ${JSON.stringify(promotion)}`);
}
