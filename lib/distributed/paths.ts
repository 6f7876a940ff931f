// Where a worker may read and write: every path a job names is resolved under the roots the worker was started
// with, after following symlinks, so a job from the queue cannot reach the rest of the machine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DistributedError, RejectedJobError } from './redis-url.js';

/** The real path of a folder that exists, else its absolute path (a root may be created later). */
export function realRoot(dir: string): string {
  const absolute = path.resolve(dir);
  return fs.existsSync(absolute) ? fs.realpathSync(absolute) : absolute;
}

/** Whether `target` is `root` or below it (both absolute). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/**
 * The lineage's checkpoint folder: `<root>/<lineage>`, whatever the job's own `checkpoint.dir` says (that is the
 * coordinator's path, not necessarily this machine's). When it exists its real path must stay under the root (a
 * symlink planted there must not lead out); `create` makes it first, so a fresh folder is checked too.
 */
export function checkpointDirUnder(root: string, lineage: string, create = false): string {
  const dir = path.join(root, lineage);
  if (path.dirname(dir) !== root) throw new RejectedJobError(`checkpoint lineage ${JSON.stringify(lineage)} is not one folder name`);
  if (create) fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(dir) && !isSymlink(dir)) return dir;
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    throw new RejectedJobError(`checkpoint folder ${dir} is a broken link`);
  }
  if (!isInside(realRoot(root), real)) throw new RejectedJobError(`checkpoint folder ${dir} leads to ${real}, outside this worker's checkpoint root ${root}`);
  return dir;
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A data spec the worker may read: `synthetic[:...]` (no path) always; `<kind>:<dir>` only when the folder's real
 * path is under one of `roots` (already real paths). Returns the spec with the real path. No roots: no folders.
 */
export function dataSpecUnder(spec: string, roots: readonly string[]): string {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  if (kind === 'synthetic') return spec;
  const folder = colon < 0 ? '' : spec.slice(colon + 1);
  if (folder === '') throw new RejectedJobError(`data spec ${JSON.stringify(spec)} names no folder`);
  if (roots.length === 0) {
    throw new RejectedJobError(`data ${JSON.stringify(spec)}: this worker reads no data folders (start it with --data-root <dir> to allow the folders under <dir>)`);
  }
  const absolute = path.resolve(folder);
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    // Checked before the error about a missing folder, so a job cannot probe which paths exist outside the roots.
    if (!roots.some((root) => isInside(root, absolute))) throw outside(spec, roots);
    // Not a rejection: a data mount that is not up yet may be there on the next try.
    throw new DistributedError(`data folder ${absolute} does not exist on this worker`);
  }
  if (!roots.some((root) => isInside(root, real))) throw outside(spec, roots);
  return `${kind}:${real}`;
}

function outside(spec: string, roots: readonly string[]): RejectedJobError {
  return new RejectedJobError(`data ${JSON.stringify(spec)} is outside this worker's data roots (${roots.join(', ')})`);
}
