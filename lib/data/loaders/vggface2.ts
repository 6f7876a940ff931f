import { join, resolve } from 'node:path';
import { readCsvTable } from '../csv.js';
import { FaceDataset } from '../dataset.js';
import { DataError, lineError } from '../errors.js';
import type { FaceItemInput } from '../types.js';
import { identityImages, isDirectory, listDirectories, requireDirectory, requireFile } from './fs.js';

export interface VggFace2Options {
  /** Which folders to read: `train` (default; FR-NAS trains and evaluates on its identities), `test`, or `all`. */
  subset?: 'train' | 'test' | 'all';
}

const GENDERS: Record<string, string> = { m: 'male', f: 'female' };

/**
 * VGGFace2: `train/<class_id>/*.jpg`, `test/<class_id>/*.jpg` and `meta/identity_meta.csv`
 * (`Class_ID, Name, Sample_Num, Flag, Gender`, Gender `m`/`f`; names may be quoted and hold commas).
 * Groups: perceived sex `male` / `female`. Items carry partition `train` / `test` from their folder, so
 * with subset `all` split mode `official` gives VGGFace2's identity-disjoint train / test.
 * Default split: held-out images of training identities.
 */
export async function loadVggFace2(dir: string, options: VggFace2Options = {}): Promise<FaceDataset> {
  const root = resolve(dir);
  const name = `vggface2:${root}`;
  const subset = options.subset ?? 'train';
  await requireDirectory(root, name);
  const metaFile = join(root, 'meta', 'identity_meta.csv');
  await requireFile(metaFile, name);
  const table = await readCsvTable(metaFile);
  const column = (wanted: string): number => {
    const index = table.columns.findIndex((header) => header.toLowerCase() === wanted.toLowerCase());
    if (index < 0) throw lineError(metaFile, 1, `no ${wanted} column; header is ${table.columns.join(', ')}`);
    return index;
  };
  const idColumn = column('Class_ID');
  const genderColumn = column('Gender');
  const nameColumn = table.columns.findIndex((header) => header.toLowerCase() === 'name');
  const meta = new Map<string, { gender: string; name: string }>();
  for (const row of table.rows) {
    const classId = row.fields[idColumn];
    const gender = GENDERS[row.fields[genderColumn].toLowerCase()];
    if (classId === '') throw lineError(metaFile, row.line, 'empty Class_ID');
    if (!gender) throw lineError(metaFile, row.line, `identity ${classId}: Gender must be m or f, found "${row.fields[genderColumn]}"`);
    meta.set(classId, { gender, name: nameColumn >= 0 ? row.fields[nameColumn] : '' });
  }

  const folders = subset === 'all' ? (['train', 'test'] as const) : ([subset] as const);
  const items: FaceItemInput[] = [];
  for (const folder of folders) {
    const folderPath = join(root, folder);
    if (subset === 'all' && !(await isDirectory(folderPath))) continue;
    await requireDirectory(folderPath, name);
    for (const classId of await listDirectories(folderPath)) {
      const identityMeta = meta.get(classId);
      if (!identityMeta) throw new DataError(`${name}: identity folder ${join(folderPath, classId)} has no row in ${metaFile}, so no Gender label`);
      for (const [file, path] of await identityImages(folderPath, classId)) {
        items.push({
          id: `${folder}/${classId}/${file}`,
          source: { kind: 'file', path },
          identity: classId,
          group: identityMeta.gender,
          attributes: { perceived_sex: identityMeta.gender, name: identityMeta.name },
          partition: folder,
        });
      }
    }
  }
  if (items.length === 0) throw new DataError(`${name}: no images in ${folders.map((folder) => join(root, folder)).join(' or ')}`);
  return new FaceDataset({ name, items, groupAttribute: 'perceived_sex', groups: ['female', 'male'], defaultSplitMode: 'images' });
}
