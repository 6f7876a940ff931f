// Readers shared by our JSON format and ConfigSpace's: each checks one value at a JSON path and throws a SpaceError
// that names the path, so every malformed file gets one clear error.
import { SpaceError, show } from './errors.js';
import type { HyperparameterValue } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(path: string, message: string, hyperparameter?: string): never {
  throw new SpaceError(`${path}: ${message}`, hyperparameter);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, `expected an object, got ${Array.isArray(value) ? 'an array' : show(value)}`);
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${show(value)}`);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, `expected a non-empty string, got ${show(value)}`);
  return value;
}

export function expectValue(value: unknown, path: string): HyperparameterValue {
  const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!ok) fail(path, `expected a string, number or boolean, got ${show(value)}`);
  return value;
}

export function expectValues(value: unknown, path: string): HyperparameterValue[] {
  return expectArray(value, path).map((item, index) => expectValue(item, `${path}[${index}]`));
}

/**
 * Runs `build`, re-labelling a SpaceError with `path` — plus the field it names, for hyperparameter
 * definitions, whose field names are the file's keys.
 */
export function at<T>(path: string, build: () => T, withField = true): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof SpaceError)) throw error;
    const where = error.field === undefined || !withField ? path : `${path}.${error.field}`;
    throw new SpaceError(`${where}: ${error.message}`, error.hyperparameter);
  }
}
