import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_DOC_PATH, apiMarkdown, entryPoints } from '../tools/api-docs.js';
import { repoRoot } from './support/built-dist.js';

describe('docs/api.md', function () {
  this.timeout(180_000);

  it('is what tools/api-docs.ts generates from the code (run `npm run api-docs` after changing an entry point)', () => {
    const written = readFileSync(API_DOC_PATH, 'utf8');
    const generated = apiMarkdown();
    if (written !== generated) {
      const a = written.split('\n');
      const b = generated.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(`docs/api.md is out of date at line ${line + 1}:\n  written:   ${a[line]}\n  generated: ${b[line]}\nrun: npm run api-docs`);
    }
  });

  it('covers the root and every concept subpath, and the root keeps the user-facing names but no internals', () => {
    expect(entryPoints().map(([name]) => name)).to.include.members([
      'frnas', 'frnas/space', 'frnas/search', 'frnas/pareto', 'frnas/fairness', 'frnas/data', 'frnas/train', 'frnas/report',
      'frnas/distributed', 'frnas/bench',
    ]);
    const root = readFileSync(API_DOC_PATH, 'utf8').split('\n## ')[1];
    for (const name of ['optimize', 'Study', 'Space', 'search', 'loadFaceArrays', 'pixelEmbeddings', 'evaluateEmbeddings', 'tf', 'initBackend',
      'nonDominatedSort', 'fairnessReport', 'trainConfiguration', 'faceRecognitionObjective', 'loadFaceDataset']) {
      expect(root, name).to.include(`| \`${name}\` |`);
    }
    for (const name of ['leanRelu', 'WASM_REPLACED_KERNELS', 'installGradientRelease', 'niceTicks']) {
      expect(root, name).not.to.include(`| \`${name}\` |`);
    }
  });

  it('has every name that the README and docs import from frnas or a subpath', () => {
    const sections = new Map<string, string>();
    for (const part of readFileSync(API_DOC_PATH, 'utf8').split('\n## ').slice(1)) sections.set(part.split('\n')[0].trim(), part);
    const files = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md') && f !== 'api.md').map((f) => join('docs', f))];
    const missing: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(join(repoRoot, file), 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'(frnas(?:\/[a-z]+)?)'/g)) {
        for (const raw of m[1].split(',')) {
          const name = raw.replace(/^\s*type\s+/, '').split(' as ')[0].trim();
          if (name && !sections.get(m[2])?.includes(`| \`${name}\` |`)) missing.push(`${file}: ${name} from '${m[2]}'`);
        }
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
