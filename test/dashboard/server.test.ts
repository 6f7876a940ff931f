import { expect } from 'chai';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard, type Dashboard } from '../../lib/dashboard/index.js';
import { Space } from '../../lib/space/index.js';
import { Study } from '../../lib/search/study.js';
import { JOURNAL_FILE } from '../../lib/search/storage/journal.js';
import { writeSyntheticStudy } from '../results/synthetic-study.js';

/** A raw GET (fetch would normalise `..` away before the server sees it). */
function rawGet(url: string, path: string, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every file's size and mtime under a folder: the dashboard must leave them as they are. */
function fingerprint(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .join('\n');
}

describe('dashboard: server', function () {
  this.timeout(60_000);
  let dir = '';
  let hostile = '';
  let dashboard: Dashboard;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frnas-dashboard-'));
    await writeSyntheticStudy(dir, { trials: 30 });
    // A second study whose space name (from the journal header) is markup.
    hostile = mkdtempSync(join(tmpdir(), 'frnas-dashboard-hostile-'));
    const study = Study.open(hostile, {
      space: Space.fromJSON({ name: '<script>window.__pwned=1</script>', hyperparameters: { x: { type: 'float', lower: 0, upper: 1 } } }),
      objectives: [{ name: 'error', direction: 'minimize' }, { name: 'rank_disparity', direction: 'minimize' }],
      fsync: false,
    });
    const t = study.ask();
    study.tell(t.id, { values: { error: 0.5, rank_disparity: 0.4 } });
    study.close();
    writeFileSync(join(dir, 'secret.txt'), 'not for the dashboard');
    // What frnas search keeps beside the journal: the default configuration's result and the raw-pixel baseline.
    const defaultTrial = { id: 0, config: { x: 0.5, y: 0.5, label: 'plain' }, configId: 'default', budget: 9, status: 'ok', values: { error: 0.4, rank_disparity: 0.3 }, cost: { seconds: 1, budget: 9 }, attributes: {} };
    writeFileSync(join(dir, 'default.json'), JSON.stringify(defaultTrial));
    writeFileSync(join(dir, 'baselines.json'), JSON.stringify({ settings: {}, baselines: [{ name: 'raw pixels', values: { error: 0.54, rank_disparity: 0.2 } }] }));
    dashboard = await startDashboard({ studies: [dir, hostile], port: 0 });
  });
  after(async () => {
    await dashboard.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(hostile, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default', () => {
    expect(dashboard.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers 404 to every path outside its fixed routes, traversal attempts included', async () => {
    const attempts = [
      '/../../../../etc/passwd',
      '/assets/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/api/studies/0/../../../etc/passwd',
      '/api/studies/0/journal.jsonl',
      '/api/studies/0/secret.txt',
      '/api/studies/%2e%2e/summary',
      '/api/studies/2/summary',
      '/api/studies/-1/summary',
      '/api/studies/00/summary',
      '/secret.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/journal.jsonl',
      '/assets/vega.js',
      '/node_modules/vega/package.json',
    ];
    for (const path of attempts) {
      const r = await rawGet(dashboard.url, path);
      expect(r.status, path).to.equal(404);
      expect(r.body, path).not.to.include('not for the dashboard').and.not.include('root:');
    }
  });

  it('only reads: other methods get 405, and no file in the study folder changes', async () => {
    const before = fingerprint(dir);
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await rawGet(dashboard.url, '/api/studies/0/summary', method)).status, method).to.equal(405);
    for (const path of ['/', '/api/studies/0/summary', '/api/studies/0/charts/pareto', '/api/studies/0/choose', '/api/studies/0/importance']) {
      expect((await rawGet(dashboard.url, path)).status, path).to.equal(200);
    }
    expect(fingerprint(dir)).to.equal(before);
  });

  it('escapes journal strings in the page, and serves journal data as JSON only', async () => {
    const page = await rawGet(dashboard.url, '/');
    expect(page.type).to.include('text/html');
    expect(page.body).not.to.include('<script>window.__pwned');
    expect(page.body).to.include('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    const summary = await rawGet(dashboard.url, '/api/studies/0/summary');
    expect(summary.type).to.include('application/json');
    // The tricky configuration strings travel as JSON strings, for the page to show with textContent.
    const labels = (JSON.parse(summary.body) as { trials: { config: { label: string } }[] }).trials.map((t) => t.config.label);
    expect(labels.some((l) => l.includes('<img'))).to.equal(true);
  });

  it('serves the vega bundles from node_modules', async () => {
    for (const name of ['vega', 'vega-lite', 'vega-embed']) {
      const r = await rawGet(dashboard.url, `/assets/${name}.min.js`);
      expect(r.status, name).to.equal(200);
      expect(r.type).to.include('javascript');
      expect(r.body.length).to.be.greaterThan(10_000);
    }
  });

  it('summary: counts, fronts per budget, hypervolume history, curves, importance and the knee; 304 when unchanged', async () => {
    const response = await fetch(`${dashboard.url}api/studies/0/summary`);
    const view = (await response.json()) as {
      counts: { total: number; ok: number; failed: number };
      fronts: { budget: number; front: number[] }[];
      hypervolume: { hypervolume: number }[];
      importance: { objective: string; importances: { parameter: string; importance: number }[] }[];
      knee: { trial: number; command: string };
      curves: unknown[];
    };
    expect(view.counts.total).to.be.at.least(30);
    expect(view.counts.failed).to.be.greaterThan(0);
    expect(view.fronts.map((f) => f.budget)).to.deep.equal([1, 3, 9]);
    expect(view.hypervolume.length).to.be.greaterThan(0);
    expect(view.curves.length).to.be.greaterThan(0);
    // error depends on x (0.6 x^2) far more than on y (0.05 y) or the label (not at all).
    const error = view.importance.find((i) => i.objective === 'error');
    expect(error?.importances[0].parameter).to.equal('x');
    expect(view.knee.command).to.equal(`frnas retrain ${dir} --trials ${view.knee.trial}`);
    const again = await fetch(`${dashboard.url}api/studies/0/summary`, { headers: { 'If-None-Match': String(response.headers.get('etag')) } });
    expect(again.status).to.equal(304);
  });

  it('the Pareto chart marks the default configuration and the raw-pixel baseline; the summary carries both', async () => {
    const pareto = (await (await fetch(`${dashboard.url}api/studies/0/charts/pareto`)).json()) as { layer: { data: { values: { kind: string; x: number; y: number }[] } }[] };
    const points = pareto.layer.at(-1)?.data.values ?? [];
    expect(points.find((p) => p.kind === 'default')).to.include({ x: 0.4, y: 0.3 });
    expect(points.find((p) => p.kind === 'raw pixels')).to.include({ x: 0.54, y: 0.2 });
    expect(points.filter((p) => p.kind === 'front').length).to.be.greaterThan(0);
    const view = (await (await fetch(`${dashboard.url}api/studies/0/summary`)).json()) as { default: { values: unknown }; baselines: { name: string }[] };
    expect(view.default.values).to.deep.equal({ error: 0.4, rank_disparity: 0.3 });
    expect(view.baselines.map((b) => b.name)).to.deep.equal(['raw pixels']);
  });

  it('compares the studies side by side: every study\'s front in one chart', async () => {
    const spec = (await (await fetch(`${dashboard.url}api/compare/charts/pareto?x=error&y=rank_disparity`)).json()) as { data: { values: { study: string }[] } };
    const studies = new Set(spec.data.values.map((p) => p.study));
    expect([...studies]).to.deep.equal(['0: synthetic-dashboard', '1: <script>window.__pwned=1</script>']);
    const bad = await fetch(`${dashboard.url}api/compare/charts/pareto?x=accuracy`);
    expect(bad.status).to.equal(400);
  });

  it('charts are Vega-Lite specs; a bad objective or budget is a 400 naming it', async () => {
    const pareto = (await (await fetch(`${dashboard.url}api/studies/0/charts/pareto?x=rank_disparity&y=error&budget=3`)).json()) as { $schema: string; title: string };
    expect(pareto.$schema).to.include('vega-lite');
    expect(pareto.title).to.include('budget 3');
    const bad = await fetch(`${dashboard.url}api/studies/0/charts/pareto?x=accuracy`);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: string }).error).to.include('unknown objective "accuracy"');
    const noBudget = await fetch(`${dashboard.url}api/studies/0/choose?budget=5`);
    expect(noBudget.status).to.equal(400);
    const weighted = (await (await fetch(`${dashboard.url}api/studies/0/choose?weights=error:1,rank_disparity:0`)).json()) as { trial: number; scores: Record<string, number> };
    // All weight on error: the front member with the lowest error.
    const trials = ((await (await fetch(`${dashboard.url}api/studies/0/trials`)).json()) as { id: number; values: { error: number } }[]);
    const ids = Object.keys(weighted.scores).map(Number);
    const best = ids.reduce((a, b) => (trials[b].values.error < trials[a].values.error ? b : a));
    expect(weighted.trial).to.equal(best);
  });

  it('sees new trials as the journal grows, and refuses a folder without a study', async () => {
    const before = (await (await fetch(`${dashboard.url}api/studies/0/summary`)).json()) as { counts: { total: number } };
    await writeSyntheticStudy(dir, { trials: 36 });
    const after = (await (await fetch(`${dashboard.url}api/studies/0/summary`)).json()) as { counts: { total: number } };
    expect(after.counts.total).to.be.greaterThan(before.counts.total);
    const empty = mkdtempSync(join(tmpdir(), 'frnas-dashboard-empty-'));
    try {
      let message = '';
      await startDashboard({ studies: [empty], port: 0 }).catch((error: Error) => (message = error.message));
      expect(message).to.include(empty).and.include(`no ${JOURNAL_FILE}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').length).to.be.greaterThan(0);
  });
});
