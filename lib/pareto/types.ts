/** Whether an objective is better when smaller or when larger. */
export type Direction = 'minimize' | 'maximize';

/**
 * Objective vectors stored row-major in one array and turned into minimisation
 * (maximised objectives are negated), so every algorithm only has to minimise.
 */
export interface MinimisedPoints {
  /** Number of points. */
  count: number;
  /** Number of objectives. */
  objectives: number;
  /** values[i * objectives + k] = objective k of point i, negated when maximised. */
  values: Float64Array;
}
