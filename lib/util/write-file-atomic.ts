// Replacing a file in place lets a crash leave it half written; these write a temporary file beside it and rename it over.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What `writeFileAtomic` accepts: text, bytes, or chunks (an iterable, possibly async). */
export type AtomicFileData = Parameters<typeof writeFile>[1];

let counter = 0;

/** A fresh name in the target's folder (rename is only atomic within one file system). */
function temporaryName(path: string): string {
  counter = (counter + 1) % 1_000_000;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${counter}`);
}

/**
 * Writes `data` to `path` so that readers, and a crash at any moment, see either the old file or the new one, never
 * a part: the data goes to a temporary file in the same folder, is flushed to disk, and is renamed over `path`.
 * On an error the temporary file is removed and `path` is left as it was.
 */
export async function writeFileAtomic(path: string, data: AtomicFileData): Promise<void> {
  const temporary = temporaryName(path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await writeFile(handle, data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `writeFileAtomic` for synchronous callers. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temporary = temporaryName(path);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}
