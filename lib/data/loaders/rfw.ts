import { join, resolve } from 'node:path';
import { readTextLines } from '../csv.js';
import { FaceDataset } from '../dataset.js';
import { DataError, lineError } from '../errors.js';
import type { FaceItemInput, VerificationPair } from '../types.js';
import { identityImages, isDirectory, isFile, listDirectories, requireDirectory } from './fs.js';

/**
 * RFW (Racial Faces in-the-Wild): `test/data/<race>/<identity>/*.jpg` (races African, Asian, Caucasian,
 * Indian; any race folder is read) and verification pairs in `test/txts/<race>/<race>_pairs.txt`, written
 * as LFW's pairs.txt: `identity n1 n2` (same person) or `identity1 n1 identity2 n2` (different people),
 * tab- or space-separated, where n is the image number in `<identity>_<nnnn>.jpg`. A leading
 * `folds count` line, as in LFW, is skipped. `dir` may be the RFW root or its `test/` folder.
 * Group = race folder. Default split: separate identities (RFW is an evaluation set of unseen people).
 */
export async function loadRfw(dir: string): Promise<FaceDataset> {
  const root = resolve(dir);
  const name = `rfw:${root}`;
  await requireDirectory(root, name);
  const testRoot = (await isDirectory(join(root, 'test', 'data'))) ? join(root, 'test') : root;
  const dataRoot = join(testRoot, 'data');
  await requireDirectory(dataRoot, `${name} (expected test/data/<race>/<identity>/*.jpg)`);
  const races = await listDirectories(dataRoot);
  if (races.length === 0) throw new DataError(`${name}: no race folders in ${dataRoot}`);

  const items: FaceItemInput[] = [];
  const raceOfIdentity = new Map<string, string>();
  const files = new Set<string>();
  for (const race of races) {
    const raceRoot = join(dataRoot, race);
    for (const identity of await listDirectories(raceRoot)) {
      const earlier = raceOfIdentity.get(identity);
      if (earlier) throw new DataError(`${name}: identity ${identity} appears under both ${earlier} and ${race}`);
      raceOfIdentity.set(identity, race);
      for (const [file, path] of await identityImages(raceRoot, identity)) {
        const id = `${race}/${identity}/${file}`;
        files.add(id);
        items.push({ id, source: { kind: 'file', path }, identity, group: race, attributes: { race } });
      }
    }
  }
  if (items.length === 0) throw new DataError(`${name}: no images under ${dataRoot}`);

  const pairs: VerificationPair[] = [];
  for (const race of races) {
    const pairsFile = join(testRoot, 'txts', race, `${race}_pairs.txt`);
    if (!(await isFile(pairsFile))) continue;
    const imageId = (line: number, identity: string, number: string): string => {
      if (!/^\d+$/.test(number)) throw lineError(pairsFile, line, `image number must be an integer, found "${number}"`);
      const stem = `${race}/${identity}/${identity}_${number.padStart(4, '0')}`;
      for (const extension of ['.jpg', '.png', '.jpeg']) if (files.has(stem + extension)) return stem + extension;
      throw lineError(pairsFile, line, `image ${join(dataRoot, stem)}.jpg not found`);
    };
    const lines = await readTextLines(pairsFile);
    lines.forEach(({ line, tokens }, index) => {
      if (index === 0 && tokens.length <= 2 && tokens.every((token) => /^\d+$/.test(token))) return;
      if (tokens.length === 3) {
        pairs.push({ first: imageId(line, tokens[0], tokens[1]), second: imageId(line, tokens[0], tokens[2]), same: true, group: race });
      } else if (tokens.length === 4) {
        pairs.push({ first: imageId(line, tokens[0], tokens[1]), second: imageId(line, tokens[2], tokens[3]), same: false, group: race });
      } else {
        throw lineError(pairsFile, line, `expected "identity n1 n2" or "identity1 n1 identity2 n2", found ${tokens.length} fields`);
      }
    });
  }
  return new FaceDataset({ name, items, groupAttribute: 'race', groups: races, pairs, defaultSplitMode: 'identities' });
}
