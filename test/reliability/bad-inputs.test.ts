// Every malformed input of test/fixtures/bad/ goes through the public entry point that reads it. Each must give one
// clear error naming the file and the line or field (the regex of its manifest entry), or the warning its manifest
// names; never a crash from deep inside (TypeError, RangeError, ...), never a stack trace in the message, and nothing
// written into the input folder. A handful also go through the `frnas` CLI: non-zero exit, no stack trace.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DataError, loadFaceDataset } from '../../lib/data/index.js';
import { DistributedError } from '../../lib/distributed/redis-url.js';
import { parseTrialJob } from '../../lib/distributed/jobs.js';
import { ConfigError, readConfigFile } from '../../lib/posthoc/config.js';
import { JournalError } from '../../lib/search/storage/journal.js';
import { Study, StudyError } from '../../lib/search/study.js';
import { Space, SpaceError } from '../../lib/space/index.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BAD = path.join(REPO, 'test', 'fixtures', 'bad');

interface BadInput {
  /** The input, relative to its kind's folder (a file, or a folder for journals and data folders). */
  file: string;
  /** The public entry point that reads it. */
  entry: string;
  /** `error`: one clear error; `warning`: a warning and the input is read; `accepted`: legal input that looks odd. */
  expect: 'error' | 'warning' | 'accepted';
  /** Regex (dotAll) the error or warning must match. */
  match: string;
  note?: string;
  /** Data folders: `identity -> ["<file>:<kind>"]`, the images written at test time (kinds: see IMAGE_MAKERS). */
  images?: Record<string, string[]>;
  /** Depends on another branch's fix: the input may still be accepted today; it must never crash. */
  pending?: string;
}

export const KINDS = ['space', 'configspace', 'journal', 'data', 'config', 'jobs'] as const;

export function manifestOf(kind: (typeof KINDS)[number]): BadInput[] {
  return JSON.parse(fs.readFileSync(path.join(BAD, kind, 'manifest.json'), 'utf8')) as BadInput[];
}

const CLEAR_ERRORS = [SpaceError, StudyError, JournalError, DataError, ConfigError, DistributedError];

/** Names, sizes and modification times of everything under `dir`, to prove nothing was written there. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        out.push(`${path.relative(dir, full)} ${stat.size} ${stat.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Runs `read` and checks the outcome the manifest promises. */
async function expectOutcome(input: BadInput, read: () => unknown, warnings: string[] = []): Promise<void> {
  let error: unknown;
  try {
    await read();
  } catch (caught) {
    error = caught;
  }
  const pattern = new RegExp(input.match, 's');
  if (input.expect === 'error') {
    if (error === undefined && input.pending !== undefined) return; // known gap, fixed on another branch
    expect(error, `${input.file}: expected an error matching /${input.match}/`).to.be.instanceOf(Error);
    const e = error as Error;
    expect(CLEAR_ERRORS.some((type) => e instanceof type), `${input.file}: a crash, not a clear error: ${e.name}: ${e.message}`).to.equal(true);
    expect(e.message, `${input.file}: a stack trace in the message`).not.to.match(/\n\s+at /);
    expect(e.message, `${input.file}`).to.match(pattern);
  } else {
    if (error !== undefined) throw new Error(`${input.file}: expected no error, got ${(error as Error).name}: ${(error as Error).message}`);
    if (input.expect === 'warning') {
      expect(warnings.join('\n'), `${input.file}: expected a warning`).to.match(pattern);
    } else {
      expect(warnings, `${input.file}: unexpected warnings`).to.deep.equal([]);
    }
  }
}

function withListingUnchanged(dir: string, run: () => Promise<void>): () => Promise<void> {
  return async () => {
    const before = listing(dir);
    await run();
    expect(listing(dir), `something was written into ${dir}`).to.deep.equal(before);
  };
}

// ---- data folders: images written at test time ----------------------------------------------------------

async function jpeg(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 120, g: 80, b: 40 } } }).jpeg().toBuffer();
}

const IMAGE_MAKERS: Record<string, () => Promise<Buffer>> = {
  jpeg,
  png: () => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 200, b: 90 } } }).png().toBuffer(),
  'truncated-jpeg': async () => (await jpeg()).subarray(0, 40),
  empty: async () => Buffer.alloc(0),
  text: async () => Buffer.from('not an image\n'),
  'bad-pgm': async () => Buffer.from('P5\n8 '),
};

/** Writes a data-folder case into `dir`: its attributes.csv (when it has one) and its images. */
async function buildDataFolder(input: BadInput, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const csv = path.join(BAD, 'data', input.file, 'attributes.csv');
  if (fs.existsSync(csv)) fs.copyFileSync(csv, path.join(dir, 'attributes.csv'));
  for (const [identity, files] of Object.entries(input.images ?? {})) {
    fs.mkdirSync(path.join(dir, 'images', identity), { recursive: true });
    for (const spec of files) {
      const [name, kind] = spec.split(':');
      const make = IMAGE_MAKERS[kind];
      if (make === undefined) throw new Error(`${input.file}: unknown image kind ${kind}`);
      fs.writeFileSync(path.join(dir, 'images', identity, name), await make());
    }
  }
}

async function loadAndDecode(dir: string): Promise<void> {
  const dataset = await loadFaceDataset(`folder:${dir}`);
  for await (const batch of dataset.batches({ batchSize: 8, size: 8, cache: null, concurrency: 2 })) batch.images.dispose();
}

describe('bad inputs (test/fixtures/bad)', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-bad-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has at least 60 inputs, each kind listed in a manifest', () => {
    const counts = Object.fromEntries(KINDS.map((kind) => [kind, manifestOf(kind).length]));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify(counts)).to.be.at.least(60);
    for (const kind of KINDS) {
      for (const input of manifestOf(kind)) expect(fs.existsSync(path.join(BAD, kind, input.file)), `${kind}/${input.file}`).to.equal(true);
    }
  });

  for (const kind of ['space', 'configspace'] as const) {
    describe(`${kind === 'space' ? "frnas's space JSON" : 'ConfigSpace JSON'}: Space.fromFile`, () => {
      for (const input of manifestOf(kind)) {
        it(`${input.file}: ${input.note ?? ''}`, withListingUnchanged(path.join(BAD, kind), () =>
          expectOutcome(input, () => Space.fromFile(path.join(BAD, kind, input.file))),
        ));
      }
    });
  }

  describe('journals: Study.open', () => {
    for (const input of manifestOf('journal')) {
      it(`${input.file}: ${input.note ?? ''}`, withListingUnchanged(path.join(BAD, 'journal'), async () => {
        // Opening resumes the study (it may cut a torn last line), so it runs on a copy.
        const dir = path.join(tmp, 'journal', path.dirname(input.file));
        fs.mkdirSync(dir, { recursive: true });
        fs.copyFileSync(path.join(BAD, 'journal', input.file), path.join(dir, 'journal.jsonl'));
        const before = listing(dir);
        const warnings: string[] = [];
        await expectOutcome(input, () => Study.open(dir, { fsync: false, onWarning: (w) => warnings.push(w) }).close(), warnings);
        // A refused journal is left as it was: no lock left behind, nothing cut.
        if (input.expect === 'error') expect(listing(dir)).to.deep.equal(before);
        else expect(fs.readdirSync(dir)).to.deep.equal(['journal.jsonl']);
      }));
    }
  });

  describe("data folders: loadFaceDataset('folder:...') and one decoded batch", () => {
    for (const input of manifestOf('data')) {
      it(`${input.file}: ${input.note ?? ''}`, async () => {
        const dir = path.join(tmp, 'data', input.file);
        await buildDataFolder(input, dir);
        await withListingUnchanged(dir, () => expectOutcome(input, () => loadAndDecode(dir)))();
      });
    }
  });

  describe('frnas.config.json: readConfigFile', () => {
    for (const input of manifestOf('config')) {
      it(`${input.file}: ${input.note ?? ''}`, withListingUnchanged(path.join(BAD, 'config'), () =>
        expectOutcome(input, () => readConfigFile(path.join(BAD, 'config', input.file))),
      ));
    }
  });

  describe('distributed trial jobs: parseTrialJob', () => {
    for (const input of manifestOf('jobs')) {
      it(`${input.file}: ${input.note ?? ''}${input.pending ? ` [pending: ${input.pending}]` : ''}`, () =>
        expectOutcome(input, () => parseTrialJob(JSON.parse(fs.readFileSync(path.join(BAD, 'jobs', input.file), 'utf8')))),
      );
    }
  });

  describe('through the frnas CLI: non-zero exit, one message, no stack trace', () => {
    const cli = (args: string[]): { status: number | null; stderr: string } => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'lib', 'cli', 'main.ts'), ...args], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, FRNAS_USER_CONFIG: path.join(tmp, 'no-user-config.json'), FRNAS_CONFIG: undefined },
        timeout: 90_000,
      });
      return { status: run.status, stderr: run.stderr };
    };
    const check = (args: string[], match: RegExp): void => {
      const { status, stderr } = cli(args);
      expect(status, stderr).to.be.a('number').and.not.equal(0);
      expect(stderr).to.match(match);
      expect(stderr, 'a stack trace').not.to.match(/^\s+at /m);
    };

    it('search --space <a space with a BOM>', () => {
      const out = path.join(tmp, 'cli-space');
      check(['search', '--space', path.join(BAD, 'space', 'bom.json'), '--out', out, '--trials', '1'], /bom\.json: .*byte order mark/);
      expect(fs.existsSync(out), 'the study folder was created').to.equal(false);
    });

    it('search --space <a UTF-16 ConfigSpace file>', () => {
      check(['search', '--space', path.join(BAD, 'configspace', 'utf16be.json'), '--out', path.join(tmp, 'cli-cs'), '--trials', '1'], /utf16be\.json: .*UTF-16/);
    });

    it('report <a study whose journal has a torn middle line>', () => {
      const dir = path.join(tmp, 'cli-journal');
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(BAD, 'journal', 'torn-middle-line', 'journal.jsonl'), path.join(dir, 'journal.jsonl'));
      const before = listing(dir);
      check(['report', dir], /journal\.jsonl line 3: not valid JSON/);
      expect(listing(dir)).to.deep.equal(before);
    });

    it('search --data folder:<a CSV with a duplicate identity>', async () => {
      const input = manifestOf('data').find((i) => i.file === 'duplicate-identity') as BadInput;
      const dir = path.join(tmp, 'cli-data');
      await buildDataFolder(input, dir);
      check(['search', '--data', `folder:${dir}`, '--out', path.join(tmp, 'cli-data-study'), '--trials', '1'], /attributes\.csv:4: identity alice already listed on line 2/);
    });

    it('retrain --config <a config with an unknown key>', () => {
      check(['retrain', path.join(tmp, 'no-study'), '--config', path.join(BAD, 'config', 'unknown-key.json'), '--data', 'synthetic'], /unknown-key\.json: seed: unknown key/);
    });
  });
});
