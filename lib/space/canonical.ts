// Stable identity of a configuration: canonical JSON (sorted keys, canonical numbers) hashed with SHA-1.
import { createHash } from 'node:crypto';
import type { Configuration, HyperparameterValue } from './types.js';

/** Hex characters kept from the SHA-1 digest: 64 bits, so collisions are negligible for any realistic study. */
export const CONFIGURATION_ID_LENGTH = 16;

function canonicalValue(value: HyperparameterValue): string {
  if (typeof value === 'number') {
    // String() gives the shortest text that round-trips a double; -0 and 0 are the same setting.
    return Object.is(value, -0) ? '0' : String(value);
  }
  return JSON.stringify(value);
}

/** The configuration as JSON with keys sorted, so key order does not change it. */
export function canonicalConfigurationText(config: Readonly<Configuration>): string {
  const keys = Object.keys(config).filter((key) => config[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalValue(config[key])}`).join(',')}}`;
}

/** Same values, same id, whatever the key order; 16 hex characters. */
export function configurationId(config: Readonly<Configuration>): string {
  return createHash('sha1').update(canonicalConfigurationText(config)).digest('hex').slice(0, CONFIGURATION_ID_LENGTH);
}
