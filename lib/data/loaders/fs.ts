import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../decode.js';
import { DataError } from '../errors.js';

/** Name order that puts s2 before s10 (ORL) and is the same on every machine. */
const naturalOrder = new Intl.Collator('en', { numeric: true });
export const compareNames = (a: string, b: string): number => naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Throws a DataError naming `what` when `path` is not a folder. */
export async function requireDirectory(path: string, what: string): Promise<void> {
  if (!(await isDirectory(path))) throw new DataError(`${what}: folder not found: ${path}`);
}

/** Throws a DataError naming `what` when `path` is not a file. */
export async function requireFile(path: string, what: string): Promise<void> {
  if (!(await isFile(path))) throw new DataError(`${what}: file not found: ${path}`);
}

/** Sub-folders of `path`, in natural order (hidden ones skipped). */
export async function listDirectories(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort(compareNames);
}

/** Image files (JPEG, PNG, PGM by extension) directly in `path`, in natural order. */
export async function listImages(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort(compareNames);
}

/** One identity folder's images as [file name, absolute path] pairs. */
export async function identityImages(root: string, identity: string): Promise<[string, string][]> {
  const folder = join(root, identity);
  return (await listImages(folder)).map((file) => [file, join(folder, file)]);
}
