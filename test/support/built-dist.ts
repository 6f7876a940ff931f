// The tests of the built package (pack-and-install, lazy imports, import time) run dist/lib, which CI builds before the tests.
// A developer who changed lib/ since the last build gets a fresh build here (the one `prepack` runs on `npm pack`), so these
// tests never judge stale code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** lib/**\/*.ts files whose dist/lib/**\/*.js is missing or older than the source. */
export function staleBuildFiles(): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        const built = join(repoRoot, 'dist', relative(repoRoot, path).replace(/\.ts$/, '.js'));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) stale.push(relative(repoRoot, path));
      }
    }
  };
  walk(join(repoRoot, 'lib'));
  return stale;
}

/** Builds dist/lib when any lib/ source is newer than its build; throws with tsc's output when the build fails. */
export function ensureBuiltDist(): void {
  const stale = staleBuildFiles();
  if (stale.length === 0) return;
  const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 300_000,
  });
  if (build.status !== 0) {
    throw new Error(`building dist/lib for ${stale.slice(0, 3).join(', ')} failed: ${build.stdout}${build.stderr}${String(build.error ?? '')}`);
  }
}
