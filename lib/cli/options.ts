// Option parsers shared by the `frnas` commands: each names the flag and the bad value in one line.
import { InvalidArgumentError } from 'commander';
import type { FaceObjectiveName } from '../index.js';

/** The objectives a face-recognition trial reports (all minimised). */
export const FACE_OBJECTIVES: readonly FaceObjectiveName[] = ['error', 'disparity', 'rank_disparity', 'ratio', 'rank_ratio', 'error_ratio', 'mean_rank'];

export function positiveNumber(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${text}"`);
    return v;
  };
}

export function positiveInteger(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${text}"`);
    return v;
  };
}

export function nonNegativeInteger(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${name} must be an integer >= 0, got "${text}"`);
    return v;
  };
}

export function finiteNumber(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${name} must be a number, got "${text}"`);
    return v;
  };
}
