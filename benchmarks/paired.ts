// What the real-face comparison scripts (lfw-paired.ts, lfw-pytorch-study.ts) share: reading a trainer's per-image
// ranks and writing a paired difference as a table cell.
import { readFileSync } from 'node:fs';
import type { RankedImages } from '../lib/train/index.js';

/** A ranking.json (RankedImages layout: ranks, identities, groups), as the PyTorch trainer writes one per run. */
export function readRankingFile(file: string): RankedImages {
  const ranking = JSON.parse(readFileSync(file, 'utf8')) as RankedImages;
  if (!Array.isArray(ranking.ranks) || !Array.isArray(ranking.identities) || !Array.isArray(ranking.groups)) throw new Error(`${file}: not a ranking file (ranks, identities, groups)`);
  return ranking;
}

/** A signed figure: +0.012, −0.034. */
export const signed = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v).toFixed(3);
/** A difference with its interval: −0.086 [−0.104, −0.069]. */
export const differenceCell = (i: { estimate: number; lower: number; upper: number }): string => `${signed(i.estimate)} [${signed(i.lower)}, ${signed(i.upper)}]`;
/** One objective's side of a minimised difference: better / worse beyond the noise, or noise. */
export const side = (i: { lower: number; upper: number }): string => (i.upper < 0 ? 'better' : i.lower > 0 ? 'worse' : 'noise');
