import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMetricLog, RUN_FILES } from '../../lib/posthoc/index.js';

describe('posthoc: readMetricLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-metric-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const row = (epoch: number): string => JSON.stringify({ epoch, loss: 1 / epoch, learningRate: 0.1, seconds: 1, images: 10 });

  it('skips a malformed line with a warning naming the file and line, and keeps every row after it', () => {
    const lines = [row(1), '{"epoch":2,"lo', '', row(3), '[1,2]', row(4), '{"epoch":5,"loss"'];
    writeFileSync(join(dir, RUN_FILES.metricsJsonl), lines.join('\n'));
    const warnings: string[] = [];
    const rows = readMetricLog(dir, (message) => warnings.push(message));
    expect(rows.map((r) => r.epoch)).to.deep.equal([1, 3, 4]);
    const file = join(dir, RUN_FILES.metricsJsonl);
    expect(warnings).to.have.length(3);
    expect(warnings[0]).to.include(`${file} line 2:`);
    expect(warnings[1]).to.include(`${file} line 5:`);
    expect(warnings[2]).to.include(`${file} line 7:`);
  });

  it('reads a clean log without warnings, and a missing one as empty', () => {
    const warnings: string[] = [];
    expect(readMetricLog(dir, (message) => warnings.push(message))).to.deep.equal([]);
    writeFileSync(join(dir, RUN_FILES.metricsJsonl), `${row(1)}\n${row(2)}\n`);
    expect(readMetricLog(dir, (message) => warnings.push(message)).map((r) => r.epoch)).to.deep.equal([1, 2]);
    expect(warnings).to.deep.equal([]);
  });
});
