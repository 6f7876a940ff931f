// Backend choice: default order on this machine (no libtensorflow), forcing cpu, FRNAS_BACKEND, clear errors.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import * as tfjs from '@tensorflow/tfjs';
import { tf, initBackend, activeBackend, backendFromArgv, parseBackendName, describeBackend } from '../../lib/backend/index.js';
import { tf as tfFromTf } from '../../lib/backend/tf.js';

describe('backend: initBackend', function () {
  const lines: string[] = [];
  const log = (l: string): void => { lines.push(l); };
  beforeEach(() => { lines.length = 0; });
  after(async () => {
    await initBackend({ prefer: 'wasm', log: () => undefined });
  });

  it('exports the one TensorFlow.js instance of @tensorflow/tfjs from both entry points', () => {
    expect(tf.engine()).to.equal(tfjs.engine());
    expect(tf.conv2d).to.equal(tfjs.conv2d);
    expect(tfFromTf.engine()).to.equal(tfjs.engine());
  });

  it('picks wasm by default in a fresh process here (tfjs-node not installed: skipped silently), logs it once', () => {
    const script = [
      "import { initBackend, tf } from './lib/backend/index.ts';",
      'const name = await initBackend({ env: {} });',
      'const again = await initBackend({ env: {} });',
      "console.log(JSON.stringify({ name, again, active: tf.getBackend() }));",
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')).to.deep.equal({ name: 'wasm', again: 'wasm', active: 'wasm' });
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('frnas:'));
    expect(notes).to.deep.equal([notes[0]]);
    expect(notes[0]).to.match(/^frnas: TensorFlow\.js backend wasm \((no )?SIMD, 1 thread\)$/);
  });

  it('is idempotent and logs only when the backend changes', async () => {
    await initBackend({ prefer: 'wasm', log });
    lines.length = 0;
    expect(await initBackend({ log, env: {} })).to.equal('wasm');
    expect(await initBackend({ prefer: 'wasm', log, env: {} })).to.equal('wasm');
    expect(lines).to.have.length(0);
    expect(activeBackend()).to.equal('wasm');
    expect(describeBackend()).to.match(/^wasm \(/);
  });

  it('can be forced to cpu, by argument and by FRNAS_BACKEND', async () => {
    expect(await initBackend('cpu')).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
    await initBackend({ prefer: 'wasm', log });
    expect(await initBackend({ log, env: { FRNAS_BACKEND: 'cpu' } })).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
    expect(await initBackend({ prefer: 'wasm', log, env: { FRNAS_BACKEND: 'cpu' } })).to.equal('wasm');
  });

  it('says clearly when an explicitly requested backend is unavailable', async () => {
    let message = '';
    try {
      await initBackend({ prefer: 'tensorflow', log, env: {} });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/^TensorFlow\.js backend 'tensorflow' was requested but is unavailable: /);
    expect(message).to.match(/@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed/);
    expect(message).to.match(/npm install @tensorflow\/tfjs-node/);
    expect(message).to.not.include('\n');
    expect(tf.getBackend()).to.equal('wasm');
    let envMessage = '';
    try {
      await initBackend({ log, env: { FRNAS_BACKEND: 'tensorflow' } });
    } catch (e) {
      envMessage = (e as Error).message;
    }
    expect(envMessage).to.match(/'tensorflow' was requested but is unavailable/);
  });

  it('rejects unknown names from the argument, FRNAS_BACKEND and --backend in one line', async () => {
    expect(() => parseBackendName('gpu', 'FRNAS_BACKEND')).to.throw(/^FRNAS_BACKEND: unknown TensorFlow.js backend 'gpu' \(expected tensorflow, wasm or cpu\)$/);
    let message = '';
    try {
      await initBackend({ log, env: { FRNAS_BACKEND: 'webgl' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/^FRNAS_BACKEND: unknown/);
    expect(backendFromArgv(['node', 'frnas', '--backend', 'cpu'])).to.equal('cpu');
    expect(backendFromArgv(['node', 'frnas', '--backend=WASM'])).to.equal('wasm');
    expect(backendFromArgv(['node', 'frnas'])).to.equal(undefined);
    expect(() => backendFromArgv(['--backend', 'metal'])).to.throw(/^--backend: unknown/);
  });
});
