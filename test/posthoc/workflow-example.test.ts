import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runWorkflow } from '../../examples/workflow.js';
import { readRunResult } from '../../lib/posthoc/index.js';

describe('examples/workflow.ts (tiny): search → retrain with 3 seeds → transfer → analyze', function () {
  this.timeout(120_000);
  const out = mkdtempSync(join(tmpdir(), 'frnas-workflow-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('retrains two searched models and the default with three seeds and analyses them', async () => {
    const lines: string[] = [];
    const { retrained, analysis, transferAnalysis } = await runWorkflow({ out, tiny: true, log: (l) => lines.push(l) });
    expect(retrained.runs).to.have.length(9);
    expect(retrained.summary.map((m) => m.kind).sort()).to.deep.equal(['baseline', 'searched', 'searched']);
    for (const m of retrained.summary) expect(m.seeds).to.deep.equal([333, 444, 555]);
    expect(analysis.models).to.have.length(3);
    // The table's means are the run folders' own results.
    for (const model of analysis.models) {
      const errors = retrained.runs.filter((r) => r.config.model === model.model).map((r) => readRunResult(r.dir)?.test.metrics.error ?? NaN);
      expect(model.summary.metrics.error.mean).to.be.closeTo(errors.reduce((s, v) => s + v, 0) / errors.length, 1e-12);
    }
    expect(readFileSync(analysis.files.markdown, 'utf8')).to.contain('| default | baseline | 333, 444, 555 |');
    expect(Object.keys(transferAnalysis.models[0].summary.groupAccuracy)).to.deep.equal(['African', 'Asian', 'Caucasian', 'Indian']);
    expect(lines.some((l) => l.startsWith('search: Pareto front of'))).to.equal(true);
  });
});
