import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontAtHighestBudget } from '../../lib/search/index.js';
import { writeSearchReport } from '../../lib/report/index.js';
import type { ObjectiveSpec, Trial } from '../../lib/search/types.js';
import { assertWellFormedXml } from '../support/xml.js';

const objectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'rank_disparity', direction: 'minimize' },
];

function trial(id: number, budget: number, error: number, disparity: number, status: Trial['status'] = 'ok'): Trial {
  return {
    id,
    config: { edge1: id % 9, head: id % 2 ? 'CosFace' : 'ArcFace' },
    configId: `c${id}`,
    budget,
    status,
    values: status === 'ok' ? { error, rank_disparity: disparity } : {},
    cost: { seconds: 1, budget: budget },
    attributes: { perGroup: { female: { accuracy: 1 - error - disparity / 2 }, male: { accuracy: 1 - error + disparity / 2 } } },
    ...(status === 'failed' ? { error: 'diverged' } : {}),
  };
}

describe('report', () => {
  // At budget 4: (0.1,0.5) (0.2,0.2) (0.4,0.1) are non-dominated; (0.3,0.3) is dominated by (0.2,0.2); trial 5 is failed.
  const trials: Trial[] = [
    trial(0, 1, 0.05, 0.01), // lower budget: never on the report front even though it looks best
    trial(1, 4, 0.1, 0.5),
    trial(2, 4, 0.2, 0.2),
    trial(3, 4, 0.3, 0.3),
    trial(4, 4, 0.4, 0.1),
    trial(5, 4, 0, 0, 'failed'),
  ];
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frnas-report-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the front among ok trials at the highest budget', () => {
    const { budget, front } = frontAtHighestBudget(trials, objectives);
    expect(budget).to.equal(4);
    expect(front.map((t) => t.id)).to.deep.equal([1, 2, 4]);
  });

  it('writes CSV rows = front size, well-formed SVG and HTML, and the exact hypervolume', async () => {
    const report = await writeSearchReport({
      trials,
      objectives,
      outDir: dir,
      reference: [1, 1],
      defaultConfigId: 'c3',
      title: 'test search',
    });
    // HV w.r.t. (1,1): staircase of (0.1,0.5),(0.2,0.2),(0.4,0.1) = 0.1*0.5 + 0.2*0.8 + 0.6*0.9 ... computed by slabs:
    // x in [0.1,0.2): height 1-0.5=0.5 -> 0.05; [0.2,0.4): 0.8 -> 0.16; [0.4,1]: 0.9 -> 0.54; total 0.75.
    expect(report.hypervolume).to.be.closeTo(0.75, 1e-12);
    const csv = (await readFile(report.files.csv, 'utf8')).trim().split('\n');
    expect(csv).to.have.length(1 + 3);
    expect(csv[0].split(',')).to.include.members(['trial', 'error', 'rank_disparity', 'config.edge1', 'perGroup.female.accuracy']);
    expect(csv[1].split(',')[0]).to.equal('1');
    const svg = await readFile(report.files.scatterSvg, 'utf8');
    assertWellFormedXml(svg, 'front.svg');
    expect(svg.match(/class="front"/g)).to.have.length(3 + 1); // three points + legend swatch
    expect(svg).to.include('class="default"');
    assertWellFormedXml(await readFile(report.files.hypervolumeSvg, 'utf8'), 'hypervolume.svg');
    const html = await readFile(report.files.html, 'utf8');
    expect(html).to.include('dominates the default'); // trial 2 (0.2,0.2) dominates the default (0.3,0.3)
    expect(html).to.include('1 failed');
    const body = html.slice(html.indexOf('<body>'), html.indexOf('</body>') + '</body>'.length);
    assertWellFormedXml(body, 'report.html body');
  });

  it('rejects a reference point of the wrong length', async () => {
    let message = '';
    try {
      await writeSearchReport({ trials, objectives, outDir: dir, reference: [1] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/reference has 1 values for 2 objectives/);
  });

  it('shows identity-bootstrap intervals and claims dominance over the default only when they support it', async () => {
    const iv = (estimate: number, half: number) => ({ estimate, lower: estimate - half, upper: estimate + half });
    const withIntervals = (t: Trial, half: number): Trial => ({
      ...t,
      attributes: { ...t.attributes, intervals: { level: 0.95, resamples: 1000, seed: 0, identities: 100, metrics: { error: iv(t.values.error, half), rankDisparity: iv(t.values.rank_disparity, half) } } },
    });
    const noisy = [withIntervals(trial(1, 4, 0.1, 0.5), 0.02), withIntervals(trial(2, 4, 0.2, 0.2), 0.02), withIntervals(trial(3, 4, 0.3, 0.3), 0.02), withIntervals(trial(4, 4, 0.4, 0.1), 0.02)];
    const outDir = join(dir, 'intervals');
    // A default at (0.22, 0.21) ± 0.05: trial 2 (0.2, 0.2) ± 0.02 dominates it on point estimates only.
    const defaultTrial = withIntervals({ ...trial(9, 4, 0.22, 0.21), configId: 'default' }, 0.05);
    const report = await writeSearchReport({ trials: noisy, objectives, outDir, defaultTrial });
    const html = await readFile(report.files.html, 'utf8');
    expect(html).to.include('0.2 [0.18, 0.22]');
    expect(html).to.include('within noise of the default (error -0.02, rank_disparity -0.01; point estimates: dominates the default)');
    expect(html).to.include('bootstrap over evaluation identities');
    // A default at (0.3, 0.3) ± 0.02: trial 2's intervals lie below it on both objectives.
    const farDefault = withIntervals({ ...trial(9, 4, 0.3, 0.3), configId: 'default' }, 0.02);
    const clear = await readFile((await writeSearchReport({ trials: noisy, objectives, outDir, defaultTrial: farDefault })).files.html, 'utf8');
    expect(clear).to.include('<td>dominates the default (error -0.1, rank_disparity -0.1)</td>');
    const csv = (await readFile(report.files.csv, 'utf8')).trim().split('\n');
    const header = csv[0].split(',');
    expect(header.slice(3, 9)).to.deep.equal(['error', 'rank_disparity', 'error_lower', 'error_upper', 'rank_disparity_lower', 'rank_disparity_upper']);
    const row = csv.find((l) => l.startsWith('2,'))?.split(',') ?? [];
    expect(row.slice(5, 9).map(Number)).to.deep.equal([0.18, 0.22, 0.18, 0.22]);
  });

  it('shows every bootstrapped metric with its interval, links a JSON record per trial, and embeds the dashboard\'s chart specs safely', async () => {
    const iv = (estimate: number) => ({ estimate, lower: estimate - 0.01, upper: estimate + 0.02 });
    const hostile = '</script><script>window.__x=1</script>';
    const measured = trials.map((t) => ({
      ...t,
      config: { ...t.config, head: t.id === 2 ? hostile : t.config.head },
      attributes: { ...t.attributes, accuracy: 0.77, intervals: { level: 0.95, resamples: 100, seed: 0, identities: 20, metrics: { accuracy: iv(0.77), disparity: iv(0.05), rankDisparity: iv(0.3) } } },
    }));
    const outDir = join(dir, 'records');
    const report = await writeSearchReport({ trials: measured, objectives, outDir, reference: [1, 1] });
    const html = await readFile(report.files.html, 'utf8');
    // Metrics that are not objectives carry their intervals too.
    expect(html).to.include('accuracy 0.77 [0.76, 0.79]').and.include('disparity 0.05 [0.04, 0.07]');
    // One record per trial, linked, the failed one with its reason.
    for (const t of trials) {
      expect(html).to.include(`<a href="trials/trial-${t.id}.json">${t.id}</a>`);
      const record = JSON.parse(await readFile(join(report.files.trials, `trial-${t.id}.json`), 'utf8')) as Trial;
      expect(record.status).to.equal(t.status);
    }
    expect(html).to.include('failed, budget 4: diverged');
    // The chart specs sit in a script: no journal string can close it.
    expect(html).not.to.include(hostile);
    expect(html.match(/<\/script>/g)).to.have.length(4);
    const specs = JSON.parse(/const specs = (.*);\n/.exec(html)?.[1] ?? 'null') as Record<string, { $schema: string }>;
    expect(Object.keys(specs)).to.deep.equal(['pareto', 'hypervolume']);
    expect(JSON.stringify(specs)).to.include(hostile);
    for (const asset of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) expect((await readFile(join(outDir, 'assets', asset))).length, asset).to.be.greaterThan(10_000);
    const body = html.slice(html.indexOf('<body>'), html.indexOf('</body>') + '</body>'.length);
    assertWellFormedXml(body, 'report.html body');
  });
});
