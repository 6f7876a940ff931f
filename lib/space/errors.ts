/**
 * The one error type of lib/space: bad space definitions, bad space files and invalid configurations.
 * `hyperparameter` names the hyperparameter at fault (when there is one); `field` names the
 * offending field of its definition (e.g. `lower`), so a file reader can report `hyperparameters.lr.lower`.
 */
export class SpaceError extends Error {
  constructor(message: string, readonly hyperparameter?: string, readonly field?: string) {
    super(message);
    this.name = 'SpaceError';
  }
}

/** A value as it appears in messages: strings quoted, everything else as JSON writes it. */
export function show(value: unknown): string {
  if (typeof value === 'number' || value === undefined) return String(value);
  return JSON.stringify(value) ?? String(value);
}
