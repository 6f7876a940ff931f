import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../../lib/util/write-file-atomic.js';
import { repoRoot } from '../support/shared-data.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file and leaves no temporary file behind', async () => {
    const file = join(dir, 'default.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new content');
    writeFileAtomicSync(join(dir, 'sync.csv'), 'a,b\n');
    expect(readFileSync(file, 'utf8')).to.equal('new content');
    expect(readFileSync(join(dir, 'sync.csv'), 'utf8')).to.equal('a,b\n');
    expect(readdirSync(dir).sort()).to.deep.equal(['default.json', 'sync.csv']);
  });

  it('keeps the old content, and removes its temporary file, when writing fails half-way', async () => {
    const file = join(dir, 'report.csv');
    writeFileSync(file, 'old,complete\n');
    async function* failing(): AsyncGenerator<string> {
      yield 'new,';
      throw new Error('disk gone');
    }
    let caught: unknown;
    try {
      await writeFileAtomic(file, failing());
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('disk gone');
    expect(readFileSync(file, 'utf8')).to.equal('old,complete\n');
    expect(readdirSync(dir)).to.deep.equal(['report.csv']);
  });

  it('leaves no temporary file when the rename fails (the target is a folder)', () => {
    mkdirSync(join(dir, 'taken'));
    expect(() => writeFileAtomicSync(join(dir, 'taken'), 'x')).to.throw();
    expect(readdirSync(dir)).to.deep.equal(['taken']);
  });

  it('is what lib/ uses to replace files: no writeFile or writeFileSync outside the helper', () => {
    const offenders: string[] = [];
    const visit = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.ts') && !path.endsWith(join('util', 'write-file-atomic.ts'))) {
          readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
            if (/\bwriteFile(Sync)?\s*\(/.test(line)) offenders.push(`${relative(repoRoot, path)}:${i + 1}`);
          });
        }
      }
    };
    visit(join(repoRoot, 'lib'));
    expect(offenders).to.deep.equal([]);
  });
});
