import { spawnSync } from 'node:child_process';

/** Debian's python3-torch lives in the system Python (not a pyenv one that may come first on PATH). */
export const PYTHON = process.env.FRNAS_PYTHON ?? '/usr/bin/python3';

/** Why the PyTorch tests cannot run here, or undefined when torch imports. */
export function torchMissingReason(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} has no torch (apt-get install python3-torch, or set FRNAS_PYTHON)`;
}
