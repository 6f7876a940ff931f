import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  CONFIG_FILE_NAME,
  ConfigError,
  configTemplate,
  loadFrnasConfig,
  openDataset,
  readConfigFile,
  resolveSettings,
  stripJsonComments,
  writeConfigTemplate,
} from '../../lib/posthoc/index.js';

describe('posthoc: user config files', () => {
  const root = mkdtempSync(join(tmpdir(), 'frnas-config-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  const userFile = join(home, '.config', 'frnas', 'config.json');
  const dataDir = join(project, 'data', 'celeba');
  mkdirSync(join(home, '.config', 'frnas'), { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(project, 'attributes.csv'), 'identity,perceived_sex\n');
  after(() => rmSync(root, { recursive: true, force: true }));
  const env = {};

  function expectConfigError(fn: () => unknown, file: string, key: string): ConfigError {
    try {
      fn();
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.file).to.equal(file);
      expect(e.key).to.equal(key);
      expect(e.message.startsWith(`${file}: ${key}: `), e.message).to.equal(true);
      return e;
    }
    throw new Error('expected a ConfigError');
  }

  it('applies defaults < user file < project file < flags, key by key, with relative paths resolved against the file', () => {
    writeFileSync(userFile, JSON.stringify({ backend: 'cpu', seeds: [1, 2], workers: 3, training: { imageSize: 24, batchSize: 16 }, datasets: { lfw: { kind: 'synthetic', options: 'identities=4' } } }));
    writeFileSync(
      join(project, CONFIG_FILE_NAME),
      `// project settings\n{\n  "seeds": [7, 8, 9], /* phase 2 */\n  "outRoot": "runs",\n  "training": { "imageSize": 16 },\n  "datasets": { "celeba": { "kind": "celeba", "root": "data/celeba" } }\n}\n`,
    );
    const config = loadFrnasConfig({ cwd: project, home, env });
    expect(config.files).to.deep.equal([userFile, join(project, CONFIG_FILE_NAME)]);
    expect(config.backend).to.equal('cpu');
    expect(config.seeds).to.deep.equal([7, 8, 9]);
    expect(config.outRoot).to.equal(join(project, 'runs'));
    expect(config.training).to.deep.equal({ imageSize: 16, batchSize: 16 });
    expect(config.datasets.celeba).to.deep.equal({ kind: 'celeba', root: dataDir });
    expect(config.datasets.lfw.kind).to.equal('synthetic');
    expect(config.sources.seeds).to.equal(join(project, CONFIG_FILE_NAME));
    expect(config.sources.workers).to.equal(userFile);

    const fromFiles = resolveSettings(config);
    expect(fromFiles).to.include({ backend: 'cpu', workers: 3, splitSeed: 0, validation: 0.2, test: 0.2 });
    expect(fromFiles.seeds).to.deep.equal([7, 8, 9]);
    const withFlags = resolveSettings(config, { seeds: [5], backend: 'wasm', workers: undefined, training: { batchSize: 8 } });
    expect(withFlags.seeds).to.deep.equal([5]);
    expect(withFlags.backend).to.equal('wasm');
    expect(withFlags.workers).to.equal(3);
    expect(withFlags.training).to.deep.equal({ imageSize: 16, batchSize: 8 });
    expect(resolveSettings({}).seeds).to.deep.equal([333, 444, 555]);
  });

  it('--config replaces the project file (the user file still applies); FRNAS_CONFIG does too', () => {
    const explicit = join(root, 'other.json');
    writeFileSync(explicit, JSON.stringify({ seeds: [42] }));
    const config = loadFrnasConfig({ cwd: project, home, env, file: explicit });
    expect(config.files).to.deep.equal([userFile, explicit]);
    expect(config.seeds).to.deep.equal([42]);
    expect(config.training).to.deep.equal({ imageSize: 24, batchSize: 16 });
    expect(loadFrnasConfig({ cwd: project, home, env: { FRNAS_CONFIG: explicit } }).files).to.deep.equal([userFile, explicit]);
    expectConfigError(() => loadFrnasConfig({ cwd: project, home, env, file: join(root, 'missing.json') }), join(root, 'missing.json'), '(file)');
  });

  it('reports a wrong path, a wrong value, an unknown key and bad JSON with the file and the key', () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ datasets: { celeba: { kind: 'celeba', root: 'no/such/folder' } } }));
    const e = expectConfigError(() => readConfigFile(file), file, 'datasets.celeba.root');
    expect(e.message).to.contain(join(root, 'no/such/folder'));
    writeFileSync(file, JSON.stringify({ datasets: { lfw: { kind: 'folder', root: project, attributesFile: 'nope.csv' } } }));
    expectConfigError(() => readConfigFile(file), file, 'datasets.lfw.attributesFile');
    writeFileSync(file, JSON.stringify({ datasets: { lfw: { kind: 'folder', root: join(project, 'attributes.csv') } } }));
    expect(expectConfigError(() => readConfigFile(file), file, 'datasets.lfw.root').message).to.contain('is not a folder');
    writeFileSync(file, JSON.stringify({ datasets: { x: { kind: 'imagenet', root: project } } }));
    expectConfigError(() => readConfigFile(file), file, 'datasets.x.kind');
    writeFileSync(file, JSON.stringify({ datasets: { x: { kind: 'rfw' } } }));
    expectConfigError(() => readConfigFile(file), file, 'datasets.x.root');
    writeFileSync(file, JSON.stringify({ backend: 'gpu' }));
    expectConfigError(() => readConfigFile(file), file, 'backend');
    writeFileSync(file, JSON.stringify({ seeds: [1, 'two'] }));
    expectConfigError(() => readConfigFile(file), file, 'seeds');
    writeFileSync(file, JSON.stringify({ training: { imageSize: 0 } }));
    expectConfigError(() => readConfigFile(file), file, 'training.imageSize');
    writeFileSync(file, JSON.stringify({ seed: 3 }));
    expectConfigError(() => readConfigFile(file), file, 'seed');
    writeFileSync(file, '{ "seeds": [1, 2 }');
    expect(expectConfigError(() => readConfigFile(file), file, '(file)').message).to.contain('not valid JSON');
    // The user file is checked as strictly when it is merged.
    writeFileSync(userFile, JSON.stringify({ workers: -1 }));
    expectConfigError(() => loadFrnasConfig({ cwd: project, home, env }), userFile, 'workers');
    rmSync(userFile);
  });

  it('strips comments but not comment-like text inside strings', () => {
    expect(JSON.parse(stripJsonComments('{ "a": "http://x//y", /* b */ "c": "/*d*/" // e\n}'))).to.deep.equal({ a: 'http://x//y', c: '/*d*/' });
  });

  it('frnas init writes a commented template that reads back, and does not overwrite without force', async () => {
    const file = join(root, 'init', CONFIG_FILE_NAME);
    expect(await writeConfigTemplate(file)).to.equal(file);
    const settings = readConfigFile(file);
    expect(settings.seeds).to.deep.equal([333, 444, 555]);
    expect(settings.backend).to.equal('wasm');
    expect(settings.datasets.synthetic).to.deep.equal({ kind: 'synthetic', options: 'identities=40,images=8' });
    expect(configTemplate()).to.match(/^\/\//);
    try {
      await writeConfigTemplate(file);
      expect.fail('overwrote');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
    }
    await writeConfigTemplate(file, { force: true });
  });

  it('opens a data set by its config name, otherwise as a spec, and names the config key when loading fails', async () => {
    const config = { datasets: { tiny: { kind: 'synthetic' as const, options: 'identities=4,images=3' }, broken: { kind: 'rfw' as const, root: project } }, sources: { 'datasets.broken': '/x/frnas.config.json' } };
    const byName = await openDataset('tiny', config);
    expect(byName.spec).to.equal('synthetic:identities=4,images=3');
    expect(byName.dataset.size).to.equal(12);
    const bySpec = await openDataset('synthetic:identities=5,images=2', config);
    expect(bySpec.dataset.size).to.equal(10);
    try {
      await openDataset('broken', config);
      expect.fail('loaded');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.match(/^\/x\/frnas\.config\.json: datasets\.broken: /);
    }
  });
});
