import { join, resolve } from 'node:path';
import { readCsvTable } from '../csv.js';
import { FaceDataset } from '../dataset.js';
import { DataError, lineError } from '../errors.js';
import type { FaceItemInput, SplitMode } from '../types.js';
import { identityImages, isDirectory, listDirectories, requireDirectory, requireFile } from './fs.js';

export interface FolderOptions {
  /** The CSV column whose value is an identity's protected group. Default: the first column after the identity. */
  groupBy?: string;
  /** The CSV of identity attributes. Default `<dir>/attributes.csv`. */
  attributesFile?: string;
  /** Default `images`. */
  defaultSplitMode?: SplitMode;
  /** Name in messages. Default `folder:<dir>`. */
  name?: string;
}

/**
 * The generic layout a user brings: one folder of images per identity, under `<dir>/images/` or directly
 * under `<dir>/`, plus a CSV whose first column names the identity (its folder) and whose other columns are
 * attributes (`identity,perceived_sex,...`). Every identity folder needs a row with a non-empty `groupBy`
 * value, and every row needs its folder. Identities whose folder holds no image are left out.
 */
export async function loadFolderDataset(dir: string, options: FolderOptions = {}): Promise<FaceDataset> {
  const root = resolve(dir);
  const name = options.name ?? `folder:${root}`;
  await requireDirectory(root, name);
  const csvFile = resolve(options.attributesFile ?? join(root, 'attributes.csv'));
  await requireFile(csvFile, `${name} needs a CSV of identity attributes (identity,<attribute>,...)`);
  const imageRoot = (await isDirectory(join(root, 'images'))) ? join(root, 'images') : root;

  const table = await readCsvTable(csvFile);
  if (table.columns.length < 2) throw lineError(csvFile, 1, `expected a header identity,<attribute>,...; found ${table.columns.join(',')}`);
  const [identityColumn, ...attributeColumns] = table.columns;
  const groupBy = options.groupBy ?? attributeColumns[0];
  const groupColumn = attributeColumns.indexOf(groupBy);
  if (groupColumn < 0) throw lineError(csvFile, 1, `no column "${groupBy}" to group by; columns are ${attributeColumns.join(', ')}`);

  const rows = new Map<string, { line: number; attributes: Record<string, string> }>();
  for (const row of table.rows) {
    const [identity, ...values] = row.fields;
    if (identity === '') throw lineError(csvFile, row.line, `empty ${identityColumn}`);
    if (rows.has(identity)) throw lineError(csvFile, row.line, `${identityColumn} ${identity} already listed on line ${rows.get(identity)?.line}`);
    if (values[groupColumn] === '') throw lineError(csvFile, row.line, `identity ${identity} has no ${groupBy} label (its protected group)`);
    rows.set(identity, { line: row.line, attributes: Object.fromEntries(attributeColumns.map((column, index) => [column, values[index]])) });
  }

  const folders = await listDirectories(imageRoot);
  const folderSet = new Set(folders);
  for (const [identity, row] of rows) {
    if (!folderSet.has(identity)) throw lineError(csvFile, row.line, `identity ${identity} has no image folder ${join(imageRoot, identity)}`);
  }
  const items: FaceItemInput[] = [];
  for (const identity of folders) {
    const row = rows.get(identity);
    if (!row) {
      // A folder the CSV does not describe is either a stray folder or an unlabelled identity; both need the user.
      throw new DataError(`${name}: identity folder ${join(imageRoot, identity)} has no row in ${csvFile}, so no ${groupBy} label`);
    }
    for (const [file, path] of await identityImages(imageRoot, identity)) {
      items.push({ id: `${identity}/${file}`, source: { kind: 'file', path }, identity, group: row.attributes[groupBy], attributes: row.attributes });
    }
  }
  if (items.length === 0) throw new DataError(`${name}: no images (.jpg, .jpeg, .png, .pgm) in the identity folders under ${imageRoot}`);
  return new FaceDataset({ name, items, groupAttribute: groupBy, defaultSplitMode: options.defaultSplitMode ?? 'images' });
}

/** ORL / AT&T faces: `s1`..`s40` folders of PGM images and `attributes.csv` (`subject,perceived_sex,...`). */
export async function loadOrl(dir: string, options: FolderOptions = {}): Promise<FaceDataset> {
  const root = resolve(dir);
  return loadFolderDataset(root, { ...options, groupBy: options.groupBy ?? 'perceived_sex', name: options.name ?? `orl:${root}` });
}
