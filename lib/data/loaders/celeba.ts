import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readTextLines } from '../csv.js';
import { FaceDataset } from '../dataset.js';
import { DataError, lineError } from '../errors.js';
import type { FaceItemInput, Partition } from '../types.js';
import { compareNames, isFile, requireDirectory, requireFile } from './fs.js';

export interface CelebAOptions {
  /**
   * The ±1 attribute of `list_attr_celeba.txt` that defines the groups. Default `Male`, giving groups
   * `male` / `female` under the attribute `perceived_sex`; another attribute X gives `X` / `not_X`.
   */
  groupBy?: string;
}

const PARTITIONS: Record<string, Partition> = { '0': 'train', '1': 'validation', '2': 'test' };

/**
 * CelebA: `img_align_celeba/*.jpg`, `identity_CelebA.txt` (`000001.jpg 2880`), `list_attr_celeba.txt`
 * (a count line, a line of 40 attribute names, then `000001.jpg -1 1 ...`) and, optionally,
 * `list_eval_partition.txt` (`000001.jpg 0|1|2`, for split mode `official`).
 * CelebA labels attributes per image; an identity's group is the majority over its images (ties: its first
 * image), because fairness is measured per identity. Default split: held-out images of training identities.
 */
export async function loadCelebA(dir: string, options: CelebAOptions = {}): Promise<FaceDataset> {
  const root = resolve(dir);
  const name = `celeba:${root}`;
  const groupBy = options.groupBy ?? 'Male';
  await requireDirectory(root, name);
  const imageDir = join(root, 'img_align_celeba');
  await requireDirectory(imageDir, name);
  const identityFile = join(root, 'identity_CelebA.txt');
  const attributeFile = join(root, 'list_attr_celeba.txt');
  const partitionFile = join(root, 'list_eval_partition.txt');
  await requireFile(identityFile, name);
  await requireFile(attributeFile, name);

  // Attributes: count line, names line, then one row per image.
  const attributeLines = await readTextLines(attributeFile);
  if (attributeLines.length < 2) throw new DataError(`${attributeFile}: expected a count line and a line of attribute names`);
  const [countLine, namesLine, ...rows] = attributeLines;
  const declared = Number(countLine.tokens[0]);
  if (countLine.tokens.length !== 1 || !Number.isInteger(declared)) throw lineError(attributeFile, countLine.line, `expected the number of images, found "${countLine.tokens.join(' ')}"`);
  const attributeNames = namesLine.tokens;
  const groupColumn = attributeNames.indexOf(groupBy);
  if (groupColumn < 0) throw lineError(attributeFile, namesLine.line, `no attribute "${groupBy}" to group by; attributes are ${attributeNames.join(', ')}`);
  if (rows.length !== declared) throw lineError(attributeFile, countLine.line, `declares ${declared} images but lists ${rows.length}`);
  const positive = new Map<string, boolean>();
  for (const row of rows) {
    if (row.tokens.length !== attributeNames.length + 1) {
      throw lineError(attributeFile, row.line, `expected an image name and ${attributeNames.length} values, found ${row.tokens.length} fields`);
    }
    const value = row.tokens[groupColumn + 1];
    if (value !== '1' && value !== '-1') throw lineError(attributeFile, row.line, `${groupBy} must be 1 or -1, found "${value}"`);
    positive.set(row.tokens[0], value === '1');
  }

  const partitions = new Map<string, Partition>();
  if (await isFile(partitionFile)) {
    for (const row of await readTextLines(partitionFile)) {
      const partition = PARTITIONS[row.tokens[1]];
      if (row.tokens.length !== 2 || !partition) throw lineError(partitionFile, row.line, `expected "<image> 0|1|2", found "${row.tokens.join(' ')}"`);
      partitions.set(row.tokens[0], partition);
    }
  }

  const onDisk = new Set(await readdir(imageDir));
  const images: { file: string; identity: string }[] = [];
  for (const row of await readTextLines(identityFile)) {
    const [file, identity] = row.tokens;
    if (row.tokens.length !== 2) throw lineError(identityFile, row.line, `expected "<image> <identity>", found "${row.tokens.join(' ')}"`);
    if (!onDisk.has(file)) throw lineError(identityFile, row.line, `image ${file} not found in ${imageDir}`);
    if (!positive.has(file)) throw lineError(identityFile, row.line, `image ${file} has no row in ${attributeFile}, so no ${groupBy} label`);
    if (partitions.size > 0 && !partitions.has(file)) throw lineError(identityFile, row.line, `image ${file} has no row in ${partitionFile}`);
    images.push({ file, identity });
  }
  images.sort((a, b) => compareNames(a.file, b.file));

  // Majority vote of the per-image label per identity; a tie goes to the identity's first image.
  const votes = new Map<string, { sum: number; first: boolean }>();
  for (const { file, identity } of images) {
    const isPositive = positive.get(file) as boolean;
    const vote = votes.get(identity) ?? { sum: 0, first: isPositive };
    vote.sum += isPositive ? 1 : -1;
    votes.set(identity, vote);
  }
  const isMale = groupBy === 'Male';
  const groupAttribute = isMale ? 'perceived_sex' : groupBy;
  const label = (value: boolean): string => (isMale ? (value ? 'male' : 'female') : value ? groupBy : `not_${groupBy}`);
  const items: FaceItemInput[] = images.map(({ file, identity }) => {
    const vote = votes.get(identity) as { sum: number; first: boolean };
    const group = label(vote.sum === 0 ? vote.first : vote.sum > 0);
    return {
      id: file,
      source: { kind: 'file', path: join(imageDir, file) },
      identity,
      group,
      attributes: { [groupAttribute]: group, [`image_${groupBy}`]: positive.get(file) ? '1' : '-1' },
      partition: partitions.get(file),
    };
  });
  if (items.length === 0) throw new DataError(`${identityFile}: lists no images`);
  return new FaceDataset({ name, items, groupAttribute, groups: isMale ? ['female', 'male'] : undefined, defaultSplitMode: 'images' });
}
