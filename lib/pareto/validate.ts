import type { Direction, MinimisedPoints } from './types.js';

/**
 * Checks `directions` against the number of objectives; missing directions mean "all minimised".
 * Returns +1 for a minimised objective and -1 for a maximised one.
 */
export function directionSigns(directions: readonly Direction[] | undefined, objectives: number, field = 'directions'): Float64Array {
  const signs = new Float64Array(objectives).fill(1);
  if (directions === undefined) return signs;
  if (!Array.isArray(directions)) throw new TypeError(`${field} must be an array of 'minimize' | 'maximize'`);
  if (directions.length !== objectives) {
    throw new RangeError(`${field} has ${directions.length} entries but the points have ${objectives} objectives`);
  }
  directions.forEach((direction, k) => {
    if (direction === 'maximize') signs[k] = -1;
    else if (direction !== 'minimize') throw new TypeError(`${field}[${k}] must be 'minimize' or 'maximize', got ${String(direction)}`);
  });
  return signs;
}

/**
 * Validates a set of objective vectors (same length, finite numbers) and converts it to minimisation.
 * An empty set is allowed; its number of objectives is then taken from `directions` (or 0).
 */
export function toMinimised(
  points: readonly (readonly number[])[],
  directions: readonly Direction[] | undefined,
  field = 'points',
): MinimisedPoints {
  if (!Array.isArray(points)) throw new TypeError(`${field} must be an array of objective vectors`);
  const count = points.length;
  const first = points[0];
  if (count > 0 && (!Array.isArray(first) || first.length === 0)) {
    throw new TypeError(`${field}[0] must be a non-empty array of numbers`);
  }
  const objectives = count > 0 ? (first as readonly number[]).length : (directions?.length ?? 0);
  const signs = directionSigns(directions, objectives);
  const values = new Float64Array(count * objectives);
  for (let i = 0; i < count; i++) {
    const point = points[i];
    if (!Array.isArray(point)) throw new TypeError(`${field}[${i}] must be an array of numbers`);
    if (point.length !== objectives) {
      throw new RangeError(`${field}[${i}] has ${point.length} objectives but ${field}[0] has ${objectives}`);
    }
    for (let k = 0; k < objectives; k++) {
      const value = point[k];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`${field}[${i}][${k}] must be a finite number, got ${String(value)}`);
      }
      values[i * objectives + k] = value * signs[k];
    }
  }
  return { count, objectives, values };
}

/** Validates a single objective vector (e.g. a reference point) of `objectives` entries and converts it to minimisation. */
export function vectorToMinimised(
  vector: readonly number[],
  signs: Float64Array,
  field: string,
): Float64Array {
  if (!Array.isArray(vector)) throw new TypeError(`${field} must be an array of numbers`);
  if (vector.length !== signs.length) {
    throw new RangeError(`${field} has ${vector.length} entries but the points have ${signs.length} objectives`);
  }
  const out = new Float64Array(vector.length);
  for (let k = 0; k < vector.length; k++) {
    const value = vector[k];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`${field}[${k}] must be a finite number, got ${String(value)}`);
    }
    out[k] = value * signs[k];
  }
  return out;
}
