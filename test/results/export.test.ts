import { expect } from 'chai';
import { parseString } from 'fast-csv';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTrials } from '../../lib/results/index.js';
import { TRICKY_LABELS, writeSyntheticStudy } from './synthetic-study.js';

function parseCsv(text: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString(text, { headers: true })
      .on('data', (row: Record<string, string>) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

describe('results: exportTrials', () => {
  let dir = '';
  let trials: Awaited<ReturnType<typeof writeSyntheticStudy>> = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-export-'));
    trials = await writeSyntheticStudy(dir, { trials: 30 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('CSV: one row per trial, configuration strings with commas, quotes and newlines round-trip', async () => {
    const out = join(dir, 'trials.csv');
    const exported = await exportTrials(dir, { format: 'csv', out });
    const rows = await parseCsv(readFileSync(out, 'utf8'));
    expect(rows).to.have.length(trials.length);
    expect(exported.rows).to.have.length(trials.length);
    // Every label came back exactly, and the tricky ones were actually exercised.
    const labels = new Set(rows.map((r) => r['config.label']));
    expect(rows.map((r) => r['config.label'])).to.deep.equal(trials.map((t) => t.config.label));
    expect([...labels].filter((l) => /[,"\n]/.test(l))).to.have.length.greaterThan(0);
    for (const l of labels) expect(TRICKY_LABELS).to.include(l);
    // Numbers in full precision, status, parent, per-group figures and intervals.
    for (const [i, t] of trials.entries()) {
      const row = rows[i];
      expect(Number(row.trial)).to.equal(t.id);
      expect(row.status).to.equal(t.status);
      expect(Number(row['config.x'])).to.equal(t.config.x);
      expect(row.parent_trial).to.equal(t.parentTrialId === undefined ? '' : String(t.parentTrialId));
      if (t.status === 'ok') {
        expect(Number(row['values.error'])).to.equal(t.values.error);
        expect(Number(row['attr.perGroup.female.accuracy'])).to.equal((t.attributes.perGroup as { female: { accuracy: number } }).female.accuracy);
        expect(Number(row['attr.intervals.metrics.error.lower'])).to.be.below(t.values.error);
      } else {
        expect(row['values.error']).to.equal('');
        expect(row.error).to.equal('diverged: loss is NaN');
      }
    }
    expect(trials.some((t) => t.parentTrialId !== undefined), 'the study has promotions').to.equal(true);
  });

  it('JSON: the same rows and columns, with numbers as numbers and missing cells as null', async () => {
    const exported = await exportTrials(dir, { format: 'json' });
    const rows = JSON.parse(exported.content) as Record<string, unknown>[];
    expect(rows).to.have.length(trials.length);
    expect(Object.keys(rows[0])).to.deep.equal(exported.columns);
    expect(rows.map((r) => r['config.label'])).to.deep.equal(trials.map((t) => t.config.label));
    const failed = rows.find((r) => r.status === 'failed');
    expect(failed?.['values.error']).to.equal(null);
    expect(typeof rows.find((r) => r.status === 'ok')?.['values.error']).to.equal('number');
  });

  it('refuses an unknown format and a folder without a study, naming them', async () => {
    let message = '';
    try {
      await exportTrials(dir, { format: 'xlsx' as 'csv' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/format must be 'csv' or 'json', got "xlsx"/);
    const empty = mkdtempSync(join(tmpdir(), 'frnas-export-empty-'));
    try {
      await exportTrials(empty, { format: 'csv' });
      expect.fail('no error');
    } catch (error) {
      expect((error as Error).message).to.include(empty).and.include('no study');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
