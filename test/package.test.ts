import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as frnas from '../lib/index.js';

describe('package', () => {
  it('exposes the version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(frnas.version).to.equal(pkg.version);
  });
});
