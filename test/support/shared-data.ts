import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/support/ is two levels down). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Path of a real data set in ../shared/data beside the checkout, or undefined when absent.
 * Tests that need it call `this.skip()` with a message; the package never depends on these files.
 */
export function sharedData(name: string): string | undefined {
  const path = join(repoRoot, '..', 'shared', 'data', name);
  return existsSync(path) ? path : undefined;
}
