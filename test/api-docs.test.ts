import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { API_DOC_PATH, apiMarkdown, entryPoints } from '../tools/api-docs.js';

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
});
