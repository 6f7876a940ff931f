import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as frnas from '../lib/index.js';
import { ensureBuiltDist, repoRoot } from './support/built-dist.js';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
interface PackageLock {
  packages: Record<string, LockEntry>;
}
interface PackageJson {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
  scripts: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/**
 * The environment of a user's shell: without what `npm test` / `npx` export about this repository (npm_package_*,
 * npm_lifecycle_*, npm_config_local_prefix, ...), which must not point the consumer's npm at the repository; the cache and
 * npmrc settings stay.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const fromNpmRun = /^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_local_prefix$|config_call$)/.test(key);
    if (!fromNpmRun) env[key] = value;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function run(command: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: userEnvironment() });
}

function describeRun(r: SpawnSyncReturns<string>): string {
  return `exit ${String(r.status)} ${r.error ? String(r.error) : ''}\n${r.stdout}\n${r.stderr}`;
}

/**
 * The lockfile of a project that depends only on the packed tarball: frnas's production dependencies, copied with their
 * resolved versions and integrity from this repository's lockfile. npm's cache holds the tarballs that `npm ci` fetched but
 * not the registry's metadata, so an offline install can only work from a lockfile; a user online needs none.
 */
function consumerLock(tarball: string, tarballIntegrity: string): object {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as PackageLock;
  const entries = lock.packages;
  const kept: Record<string, LockEntry> = {};
  const resolveFrom = (fromPath: string, name: string): string | undefined => {
    let base = fromPath;
    for (;;) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (entries[candidate]) return candidate;
      if (base === '') return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  const visit = (fromPath: string, deps: Record<string, string>, optional: boolean): void => {
    for (const name of Object.keys(deps)) {
      const key = resolveFrom(fromPath, name);
      if (!key) {
        if (optional) continue;
        throw new Error(`package-lock.json has no entry for ${name} (needed by ${fromPath || 'frnas'})`);
      }
      if (kept[key]) continue;
      const entry: LockEntry = { ...entries[key] };
      delete entry.dev;
      delete entry.devOptional;
      kept[key] = entry;
      visit(key, entry.dependencies ?? {}, false);
      visit(key, entry.optionalDependencies ?? {}, true);
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
      visit(key, Object.fromEntries(peers.map((p) => [p, '*'])), true);
    }
  };
  visit('', pkg.dependencies, false);
  const frnasEntry: LockEntry = {
    version: pkg.version,
    resolved: `file:${tarball}`,
    integrity: tarballIntegrity,
    license: 'Apache-2.0',
    dependencies: pkg.dependencies,
    bin: { frnas: 'dist/lib/cli/main.js' },
    engines: { node: '>=20' },
    peerDependencies: pkg.peerDependencies,
    peerDependenciesMeta: pkg.peerDependenciesMeta,
  };
  return {
    name: 'frnas-consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'frnas-consumer', version: '1.0.0', dependencies: { frnas: `file:${tarball}` } },
      'node_modules/frnas': frnasEntry,
      ...kept,
    },
  };
}

describe('package', () => {
  it('exposes the version from package.json', () => {
    expect(frnas.version).to.equal(pkg.version);
  });

  it('declares the GPU packages as optional peers, never as dependencies that npm installs', () => {
    expect(pkg.optionalDependencies, 'npm runs the install scripts of optional dependencies').to.equal(undefined);
    for (const name of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      expect(pkg.peerDependencies?.[name], name).to.be.a('string');
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).to.equal(true);
      expect(pkg.dependencies[name], name).to.equal(undefined);
    }
  });

  it('builds the library when packed (prepack, also run by npm for git dependencies)', () => {
    expect(pkg.scripts.prepack).to.equal('npm run build:lib');
    expect(pkg.scripts['build:lib']).to.equal('tsc -p tsconfig.build.json');
    const build = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect(build.include).to.deep.equal(['lib/**/*.ts']);
  });

  it('maps every subpath to a built index with types', () => {
    for (const concept of ['space', 'search', 'pareto', 'fairness', 'data', 'train', 'report', 'distributed', 'bench', 'results', 'dashboard', 'command']) {
      expect(pkg.exports[`./${concept}`], concept).to.deep.equal({
        types: `./dist/lib/${concept}/index.d.ts`,
        import: `./dist/lib/${concept}/index.js`,
      });
      expect(existsSync(join(repoRoot, 'lib', concept, 'index.ts')), concept).to.equal(true);
    }
  });
});

describe('package: packed, installed offline into an empty project, used', function () {
  this.timeout(240_000);
  const work = mkdtempSync(join(tmpdir(), 'frnas-pack-'));
  const project = join(work, 'consumer');
  let skipReason: string | undefined;
  let tarballFiles: string[] = [];

  before(function () {
    const npm = run('npm', ['--version'], repoRoot, 30_000);
    if (npm.status !== 0) {
      skipReason = `npm is not available (${describeRun(npm).trim().slice(0, 200)})`;
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    ensureBuiltDist();
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot);
    expect(pack.status, describeRun(pack)).to.equal(0);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; integrity: string; files: { path: string }[] }[];
    tarballFiles = packed.files.map((f) => f.path);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({
      name: 'frnas-consumer', version: '1.0.0', private: true, type: 'module', dependencies: { frnas: `file:../${packed.filename}` },
    }, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(`../${packed.filename}`, packed.integrity), null, 2));
    const install = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project, 180_000);
    expect(install.status, `offline install of the tarball: ${describeRun(install)}`).to.equal(0);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships the build, its types, the search spaces, README, LICENSE and docs; no tests, sources or source maps', () => {
    for (const file of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/cli/main.js', 'dist/lib/search/index.d.ts', 'search-spaces/frnas-dpn.json', 'README.md', 'LICENSE', 'docs/api.md', 'docs/gpu.md', 'package.json']) {
      expect(tarballFiles, file).to.include(file);
    }
    const unwanted = tarballFiles.filter((f) => f.startsWith('test/') || f.startsWith('dist/test') || f.startsWith('lib/') || f.endsWith('.map'));
    expect(unwanted).to.deep.equal([]);
  });

  it('installs no GPU package (optional peers)', () => {
    expect(existsSync(join(project, 'node_modules', '@tensorflow', 'tfjs-node'))).to.equal(false);
    expect(existsSync(join(project, 'node_modules', '@tensorflow', 'tfjs-node-gpu'))).to.equal(false);
    expect(existsSync(join(project, 'node_modules', '@tensorflow', 'tfjs'))).to.equal(true);
  });

  it('runs `npx frnas --help`', () => {
    const help = run('npx', ['--no', '--', 'frnas', '--help'], project);
    expect(help.status, describeRun(help)).to.equal(0);
    expect(help.stdout).to.match(/search/).and.to.match(/report/);
  });

  it('runs a tiny `frnas search` on synthetic faces', () => {
    const out = join(work, 'study');
    const search = run('npx', ['--no', '--', 'frnas', 'search',
      '--data', 'synthetic:identities=6,images=4', '--image-size', '8', '--batch-size', '16',
      '--min-epochs', '1', '--max-epochs', '1', '--scheduler', 'random', '--proposer', 'random',
      '--trials', '2', '--seed', '3', '--no-default', '--backend', 'cpu', '--out', out], project, 180_000);
    expect(search.status, describeRun(search)).to.equal(0);
    expect(search.stdout + search.stderr).to.match(/Done: 2 trials/);
    const results = readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"result"'));
    expect(results).to.have.length(2);
  });

  it('imports the root and the subpaths from an ESM script and runs optimize', () => {
    writeFileSync(join(project, 'use.mjs'), [
      "import { optimize, Space } from 'frnas';",
      "import { paretoFront } from 'frnas/pareto';",
      "import { Study } from 'frnas/search';",
      "import { fairnessReport } from 'frnas/fairness';",
      "const space = Space.fromJSON({ hyperparameters: { x: { type: 'float', lower: 0, upper: 1 } } });",
      "const result = await optimize({ space, objectives: [{ name: 'a', direction: 'minimize' }, { name: 'b', direction: 'minimize' }], scheduler: 'random', proposer: 'random',",
      "  fidelity: { min: 1, max: 1, eta: 2 }, stop: { trials: 6 }, seed: 1,",
      "  evaluate: (config) => ({ a: config.x, b: 1 - config.x }) });",
      "const points = result.trials.map((t) => [t.values.a, t.values.b]);",
      "console.log(JSON.stringify({ trials: result.trials.length, front: result.paretoFront.length, pareto: paretoFront(points).length,",
      "  study: typeof Study.inMemory, fairness: typeof fairnessReport }));",
    ].join('\n'));
    const used = run(process.execPath, ['use.mjs'], project);
    expect(used.status, describeRun(used)).to.equal(0);
    const printed = JSON.parse(used.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(printed).to.deep.equal({ trials: 6, front: 6, pareto: 6, study: 'function', fairness: 'function' });
  });

  it('uses @tensorflow/tfjs-node when the user installed it beside frnas (the optional peer is found from the package)', () => {
    // A stand-in for tfjs-node (the real one downloads libtensorflow at install): it registers a 'tensorflow' backend in
    // the shared tfjs registry, as tfjs-node does, made of the cpu backend and its kernels.
    const stub = join(project, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(stub, { recursive: true });
    writeFileSync(join(stub, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
    writeFileSync(join(stub, 'index.js'), [
      "const tf = require('@tensorflow/tfjs');",
      "for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });",
      "tf.registerBackend('tensorflow', () => tf.findBackendFactory('cpu')(), 5);",
    ].join('\n'));
    try {
      writeFileSync(join(project, 'backend.mjs'), [
        "import { initBackend, tf } from 'frnas';",
        'const name = await initBackend();',
        'console.log(JSON.stringify({ name, active: tf.getBackend(), sum: tf.add(1, 2).dataSync()[0] }));',
      ].join('\n'));
      const used = run(process.execPath, ['backend.mjs'], project);
      expect(used.status, describeRun(used)).to.equal(0);
      expect(JSON.parse(used.stdout.trim().split('\n').pop() ?? '{}')).to.deep.equal({ name: 'tensorflow', active: 'tensorflow', sum: 3 });
    } finally {
      rmSync(stub, { recursive: true, force: true });
    }
  });

  it('type-checks a TypeScript file that imports types from the root and a subpath', () => {
    writeFileSync(join(project, 'use.ts'), [
      "import { Space, type OptimizeOptions, type OptimizeResult } from 'frnas';",
      "import type { Trial } from 'frnas/search';",
      "import { hypervolume } from 'frnas/pareto';",
      "const space: Space = Space.fromJSON({ hyperparameters: { x: { type: 'float', lower: 0, upper: 1 } } });",
      "export const options: Pick<OptimizeOptions, 'space' | 'objectives'> = { space, objectives: [{ name: 'a', direction: 'minimize' }] };",
      "export function best(result: OptimizeResult): Trial | undefined { return result.trials[0]; }",
      "export const volume: number = hypervolume([[0.5, 0.5]], [1, 1]);",
      "// @ts-expect-error a number is not a point list: fails only when the types really resolved",
      "hypervolume(3, [1, 1]);",
    ].join('\n'));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }));
    const tsc = run(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    expect(tsc.status, describeRun(tsc)).to.equal(0);
  });
});
