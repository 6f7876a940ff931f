// A larger evaluation set for the real-face comparison (docs/benchmarks.md, "Real faces"): holds `--per-group` people
// of each perceived sex with two to `--max-images` images out of lfw_train (the cap keeps a few people with a hundred
// photos from weighing most of a group's mean rank, and in the training set), and writes two folder data sets that point at
// lfw_train's images (symbolic links; nothing is copied):
//   <out>/train  lfw_train without the held-out people      <out>/eval  the held-out people only
// Who is held out is fixed by the names alone (sha1 order within each group), so the split is the same on every
// machine and was fixed before any model was evaluated on it.
// Usage: npx tsx benchmarks/lfw-heldout-split.ts --out runs/lfw-heldout/data [--per-group 150] [--max-images 20] [--data ../shared/data/lfw_train]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvTable } from '../lib/data/csv.js';
import { formatCsv } from '../lib/util/csv.js';
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
const table = await readCsvTable(attributesFile);
const [sexColumn, countColumn] = ['perceived_sex', 'n_images'].map((name) => {
  const at = table.columns.indexOf(name);
  if (at < 0) throw new Error(`${attributesFile}: no column ${name} in its header (${table.columns.join(',')})`);
  return at;
});
const rows = table.rows.map((row) => row.fields);
const held = new Set<string>();
for (const group of [...new Set(rows.map((cells) => cells[sexColumn]))].sort()) {
  const candidates = rows.filter((cells) => cells[sexColumn] === group && Number(cells[countColumn]) >= 2 && Number(cells[countColumn]) <= maxImages)
    .map((cells) => ({ identity: cells[0], order: createHash('sha1').update(cells[0]).digest('hex') }));
  if (candidates.length < perGroup) throw new Error(`${attributesFile}: group ${group} has ${candidates.length} people with 2 to ${maxImages} images, fewer than --per-group ${perGroup}`);
  candidates.sort((a, b) => (a.order < b.order ? -1 : 1)).slice(0, perGroup).forEach((c) => held.add(c.identity));
}
const out = resolve(args.out as string);
for (const [name, keep] of [['train', (id: string) => !held.has(id)], ['eval', (id: string) => held.has(id)]] as const) {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'images'))) symlinkSync(join(data, 'images'), join(dir, 'images'), 'dir');
  const kept = rows.filter((cells) => keep(cells[0]));
  await writeFileAtomic(join(dir, 'attributes.csv'), await formatCsv([table.columns, ...kept]));
  const images = kept.reduce((sum, cells) => sum + Number(cells[countColumn]), 0);
  console.log(`${dir}: ${kept.length} people, ${images} images`);
}
