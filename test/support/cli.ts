import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared-data.js';

/** Runs the `frnas` CLI (TypeScript through tsx) to its end, on the wasm backend: exit code and stdout + stderr. */
export function runFrnas(args: readonly string[]): { code: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'lib', 'cli', 'main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, FRNAS_BACKEND: 'wasm' },
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
