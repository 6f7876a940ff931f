// Importing a light subpath of the built package loads no TensorFlow.js, sharp or BullMQ; the root loads them on first use.
// A fresh node process imports dist/lib/... with a module-resolution hook that logs every ESM module it resolves, then prints
// every CommonJS module in require's cache: a heavy package loaded either way shows up (the control cases prove it does).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuiltDist, repoRoot } from './support/built-dist.js';

const HEAVY = /node_modules\/(@tensorflow\/[^/]+|sharp|@img\/[^/]+|bullmq|ioredis)\//;

describe('package: importing a subpath loads only what it uses', function () {
  this.timeout(300_000);
  const work = mkdtempSync(join(tmpdir(), 'frnas-lazy-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  before(() => {
    ensureBuiltDist();
    writeFileSync(join(work, 'hooks.mjs'), [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const resolved = await next(specifier, context);',
      "  appendFileSync(process.env.FRNAS_RESOLVED_LOG, resolved.url + '\\n');",
      '  return resolved;',
      '}',
    ].join('\n'));
    writeFileSync(join(work, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    // argv[2]: the module to import; argv[3]: code run after the import with the module as `m` (a control case).
    writeFileSync(join(work, 'probe.mjs'), [
      "import { createRequire } from 'node:module';",
      'const m = await import(process.argv[2]);',
      'if (process.argv[3]) await new Function("m", `return (async () => { ${process.argv[3]} })()`)(m);',
      'const require = createRequire(import.meta.url);',
      'console.log(JSON.stringify({ exports: Object.keys(m).length, cjs: Object.keys(require.cache) }));',
    ].join('\n'));
  });

  let runIndex = 0;
  function loadedModules(entry: string, after = ''): { heavy: string[]; exports: number } {
    const log = join(work, `resolved-${runIndex++}.log`);
    const target = pathToFileURL(join(repoRoot, entry)).href;
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(work, 'register.mjs')).href, join(work, 'probe.mjs'), target, after], {
      cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FRNAS_RESOLVED_LOG: log },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { exports: number; cjs: string[] };
    const esm = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    const heavy = [...new Set([...esm, ...printed.cjs].map((p) => HEAVY.exec(p.replaceAll('\\', '/'))?.[1]).filter((p): p is string => p !== undefined))];
    return { heavy: heavy.sort(), exports: printed.exports };
  }

  for (const concept of ['search', 'pareto', 'fairness', 'space']) {
    it(`frnas/${concept} loads no tfjs, sharp or bullmq`, () => {
      const { heavy, exports } = loadedModules(`dist/lib/${concept}/index.js`);
      expect(exports).to.be.greaterThan(3);
      expect(heavy).to.deep.equal([]);
    });
  }

  it('the root import loads none of them either; tfjs comes with the first use of tf', () => {
    expect(loadedModules('dist/lib/index.js').heavy).to.deep.equal([]);
    const used = loadedModules('dist/lib/index.js', 'm.tf.memory();');
    expect(used.heavy).to.include('@tensorflow/tfjs');
    expect(used.heavy).not.to.include('sharp');
  });

  it('the data, train and distributed subpaths defer sharp and bullmq to their first use too', () => {
    for (const concept of ['data', 'train', 'distributed']) {
      expect(loadedModules(`dist/lib/${concept}/index.js`).heavy, concept).to.deep.equal([]);
    }
  });

  it('the probe sees a heavy package imported directly (ESM) and a decode that needs sharp', () => {
    expect(loadedModules('node_modules/@tensorflow/tfjs/dist/tf.node.js').heavy).to.include('@tensorflow/tfjs');
    const decoded = loadedModules('dist/lib/data/index.js', "await m.decodePixels(new Uint8Array(Buffer.from('P2 1 1 255 7')), { size: 1, channels: 1 });");
    expect(decoded.heavy).to.include('sharp');
  });
});
