import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import { initBackend } from '../../lib/backend/index.js';
import { registerPosthocCommands } from '../../lib/cli/posthoc.js';
import { RUN_FILES } from '../../lib/posthoc/index.js';
import { Study } from '../../lib/search/index.js';
import { loadSpace } from '../../lib/workflows/index.js';

/** Runs `frnas <args>` in-process and returns what it printed. */
async function frnas(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerPosthocCommands(program);
  const lines: string[] = [];
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  process.stderr.write = ((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  return lines.join('\n');
}

describe('posthoc CLI: frnas retrain and frnas evaluate with a config file', function () {
  this.timeout(90_000);
  const root = mkdtempSync(join(tmpdir(), 'frnas-posthoc-cli-'));
  const searchDir = join(root, 'search');
  const configFile = join(root, 'frnas.config.json');
  after(() => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    await initBackend('wasm');
    // A finished one-trial study: its front is that trial (seed 3's first random configuration).
    const space = loadSpace('frnas-dpn');
    const study = Study.open(searchDir, { space, objectives: [{ name: 'error', direction: 'minimize' }], fidelity: { min: 1, max: 1, eta: 2 }, seed: 3 });
    study.tell(study.ask().id, { values: { error: 0.4 } });
    study.close();
    writeFileSync(configFile, JSON.stringify({ backend: 'wasm', seeds: [5, 6], training: { imageSize: 16, batchSize: 32 }, datasets: { faces: { kind: 'synthetic', options: 'identities=10,images=6' } } }));
  });

  it('retrains with the config file\'s seeds and data set, a flag overriding the seeds, then evaluates a run', async () => {
    const out = join(root, 'retrain');
    const printed = await frnas(['retrain', searchDir, '--config', configFile, '--data', 'faces', '--out', out]);
    expect(printed).to.match(/Done: 4 runs/);
    const folders = readdirSync(out).sort();
    expect(folders).to.have.length(2);
    expect(folders).to.include('baseline-default');
    for (const folder of folders) expect(readdirSync(join(out, folder)).sort()).to.deep.equal(['seed-5', 'seed-6']);

    const flagged = await frnas(['retrain', searchDir, '--config', configFile, '--data', 'faces', '--seeds', '6', '--no-baseline-default', '--out', out]);
    expect(flagged).to.match(/done earlier: .* seed 6/);
    expect(flagged).to.match(/Done: 1 runs/);

    const run = join(out, 'baseline-default', 'seed-5');
    const evaluated = await frnas(['evaluate', '--model', run, '--data', 'synthetic:identities=6,images=3,groups=a|b|c', '--config', configFile, '--name', 'other']);
    expect(evaluated).to.match(/default seed 5 on other: error [0-9.]+, disparity [0-9.]+; accuracy a [0-9.]+, b [0-9.]+, c [0-9.]+/);
    expect(existsSync(join(run, RUN_FILES.transfer, 'other.json'))).to.equal(true);
  });

  it('says retrain needs data when the study recorded none, and names the config key of a missing data root', async () => {
    // The study was made with Study.open, not search(): its header records no data set.
    try {
      await frnas(['retrain', searchDir, '--config', configFile]);
      expect.fail('ran without data');
    } catch (error) {
      expect((error as Error).message).to.match(/the study recorded no data set; give the data the search ran on/);
    }
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ datasets: { rfw: { kind: 'rfw', root: join(root, 'nope') } } }));
    try {
      await frnas(['evaluate', '--model', searchDir, '--data', 'rfw', '--config', bad]);
      expect.fail('ran with a bad config');
    } catch (error) {
      expect((error as Error).message).to.equal(`${bad}: datasets.rfw.root: ${join(root, 'nope')} does not exist`);
    }
  });
});
