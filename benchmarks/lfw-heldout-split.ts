// A larger evaluation set for the real-face comparison (docs/benchmarks.md, "Real faces"): holds `--per-group` people
// of each perceived sex with two to `--max-images` images out of lfw_train (the cap keeps a few people with a hundred
// photos from weighing most of a group's mean rank, and in the training set), and writes two folder data sets that point at
// lfw_train's images (symbolic links; nothing is copied):
//   <out>/train  lfw_train without the held-out people      <out>/eval  the held-out people only
// Who is held out is fixed by the names alone (sha1 order within each group), so the split is the same on every
// machine and was fixed before any model was evaluated on it.
// Usage: npx tsx benchmarks/lfw-heldout-split.ts --out runs/lfw-heldout/data [--per-group 150] [--max-images 20] [--data ../shared/data/lfw_train]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../lib/util/write-file-atomic.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/lfw-heldout/data' },
    'per-group': { type: 'string', default: '150' },
    'max-images': { type: 'string', default: '20' },
    data: { type: 'string', default: '../shared/data/lfw_train' },
  },
});
const data = resolve(args.data as string);
const perGroup = Number(args['per-group']);
if (!(Number.isInteger(perGroup) && perGroup >= 2)) throw new Error(`--per-group must be an integer >= 2, got ${args['per-group']}`);
const maxImages = Number(args['max-images']);
if (!(Number.isInteger(maxImages) && maxImages >= 2)) throw new Error(`--max-images must be an integer >= 2, got ${args['max-images']}`);
const attributesFile = join(data, 'attributes.csv');
if (!existsSync(attributesFile)) {
  console.error(`skipped: ${attributesFile} is absent (the split needs ../shared/data/lfw_train beside the project)`);
  process.exit(0);
}
const [header, ...rows] = readFileSync(attributesFile, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
const columns = header.split(',');
const [sexColumn, countColumn] = ['perceived_sex', 'n_images'].map((name) => {
  const at = columns.indexOf(name);
  if (at < 0) throw new Error(`${attributesFile}: no column ${name} in its header (${header})`);
  return at;
});
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
const held = new Set<string>();
const groups = [...new Set(rows.map((row) => row.split(',')[sexColumn]))].sort();
for (const group of groups) {
  const candidates = rows.map((row) => row.split(',')).filter((cells) => cells[sexColumn] === group && Number(cells[countColumn]) >= 2 && Number(cells[countColumn]) <= maxImages).map((cells) => cells[0]);
  if (candidates.length < perGroup) throw new Error(`${attributesFile}: group ${group} has ${candidates.length} people with 2 to ${maxImages} images, fewer than --per-group ${perGroup}`);
  candidates.sort((a, b) => (sha1(a) < sha1(b) ? -1 : 1)).slice(0, perGroup).forEach((identity) => held.add(identity));
}
const out = resolve(args.out as string);
for (const [name, keep] of [['train', (id: string) => !held.has(id)], ['eval', (id: string) => held.has(id)]] as const) {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'images'))) symlinkSync(join(data, 'images'), join(dir, 'images'), 'dir');
  const kept = rows.filter((row) => keep(row.split(',')[0]));
  await writeFileAtomic(join(dir, 'attributes.csv'), [header, ...kept].join('\n') + '\n');
  const images = kept.reduce((s, row) => s + Number(row.split(',')[countColumn]), 0);
  console.log(`${dir}: ${kept.length} people, ${images} images`);
}
