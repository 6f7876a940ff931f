import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { escapeXml } from '../report/svg.js';
import { chooseModel, retrainCommand } from '../results/analysis.js';
import { CHART_ASSETS, chartAssetPath, type ChartAssetName } from '../results/assets.js';
import { BASELINES_FILE, DEFAULT_TRIAL_FILE, readStudySnapshot, type StudySnapshot } from '../results/read.js';
import { compareChart, curvesChart, hypervolumeChart, importanceChart, parallelChart, paretoChart, studyView, type StudyView } from '../results/view.js';
import { JOURNAL_FILE } from '../search/storage/journal.js';
import { CLIENT_SCRIPT, PAGE_STYLE } from './page.js';

export interface DashboardOptions {
  /** Study folders (written by `frnas search` or `Study.open`), shown side by side. */
  studies: readonly string[];
  /** Port to listen on; 0 picks a free one (default 8080). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: only this machine). */
  host?: string;
  /** How often the page asks whether a study changed, in ms (default 2000). */
  pollMs?: number;
}

export interface Dashboard {
  /** e.g. `http://127.0.0.1:8080/`. */
  url: string;
  close(): Promise<void>;
}

interface StudyEntry {
  directory: string;
  key?: string;
  snapshot?: StudySnapshot;
  view?: StudyView;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local, read-only web dashboard of one or more study folders, live while their searches run: the journal is read
 * without its lock on each change (a half-written last line is left for the next read). It serves only fixed routes:
 * the page, its script, the three vega bundles, and JSON per study by index; no URL names a file, so no path reaches
 * outside the study folders, and nothing is ever written.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (options.studies.length === 0) throw new Error('startDashboard: give at least one study folder');
  const entries: StudyEntry[] = options.studies.map((s) => {
    const directory = resolve(s);
    if (!existsSync(join(directory, JOURNAL_FILE))) throw new Error(`startDashboard: ${directory} holds no study (no ${JOURNAL_FILE})`);
    return { directory };
  });
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startDashboard: port must be an integer in 0..65535, got ${port}`);
  const host = options.host ?? '127.0.0.1';
  const pollMs = options.pollMs ?? 2000;
  const assets = new Map((Object.keys(CHART_ASSETS) as ChartAssetName[]).map((name) => [name as string, readFileSync(chartAssetPath(name))]));

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : error instanceof RangeError ? 400 : 500;
      sendJson(response, status, { error: (error as Error).message });
    }
  });

  function handle(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, `${request.method ?? '?'}: the dashboard only reads`);
    const url = new URL(request.url ?? '/', 'http://dashboard.local');
    const path = url.pathname;
    if (path === '/') {
      // Study names come from the journals: read them (a study that cannot be read yet keeps its folder name).
      for (const entry of entries) {
        try {
          load(entry);
        } catch {
          // Shown by the page when it asks for the study.
        }
      }
      return send(response, 200, 'text/html; charset=utf-8', page(entries, pollMs));
    }
    if (path === '/app.js') return send(response, 200, 'text/javascript; charset=utf-8', CLIENT_SCRIPT);
    if (path === '/style.css') return send(response, 200, 'text/css; charset=utf-8', PAGE_STYLE);
    const asset = /^\/assets\/([a-z-]+\.min\.js)$/.exec(path);
    if (asset && assets.has(asset[1])) return send(response, 200, 'text/javascript; charset=utf-8', assets.get(asset[1]) as Buffer, 'public, max-age=3600');
    if (path === '/api/studies') {
      return sendJson(response, 200, entries.map((e, id) => ({ id, directory: e.directory, name: nameOf(e) })));
    }
    if (path === '/api/compare/charts/pareto') {
      // Studies that cannot be read yet are left out of the comparison.
      const views = entries.flatMap((e) => {
        try {
          return [load(e)];
        } catch {
          return [];
        }
      });
      if (views.length === 0) throw new HttpError(503, 'no study can be read yet');
      return sendJson(response, 200, compareChart(views, { x: url.searchParams.get('x') ?? undefined, y: url.searchParams.get('y') ?? undefined }));
    }
    const match = /^\/api\/studies\/(0|[1-9][0-9]{0,5})\/([a-z]+)(?:\/([a-z]+))?$/.exec(path);
    const entry = match ? entries[Number(match[1])] : undefined;
    if (!match || !entry) throw new HttpError(404, 'not found');
    const view = load(entry);
    const [, , what, chart] = match;
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const budget = q('budget') === undefined ? undefined : Number(q('budget'));
    if (what === 'summary' && chart === undefined) {
      // The page polls this: unchanged studies answer 304 without a body.
      if (request.headers['if-none-match'] === `"${view.version}"`) {
        response.writeHead(304, { ETag: `"${view.version}"` });
        return void response.end();
      }
      return sendJson(response, 200, view, { ETag: `"${view.version}"` });
    }
    const parts: Record<string, () => unknown> = {
      trials: () => view.trials,
      fronts: () => view.fronts,
      hypervolume: () => view.hypervolume,
      curves: () => view.curves,
      importance: () => view.importance,
      choose: () => choose(entry, view, q('weights'), budget),
    };
    if (chart === undefined && parts[what]) return sendJson(response, 200, parts[what]());
    if (what === 'charts' && chart !== undefined) {
      const snapshot = entry.snapshot as StudySnapshot;
      const charts: Record<string, () => unknown> = {
        pareto: () => paretoChart(view, { x: q('x'), y: q('y'), budget }),
        hypervolume: () => hypervolumeChart(view, (q('over') ?? 'budgetSpent') as 'budgetSpent'),
        curves: () => curvesChart(view, q('objective')),
        parallel: () => parallelChart(view, { budget, colour: q('colour') }, (t) => snapshot.space.encode(t.config)),
        importance: () => importanceChart(view),
      };
      if (charts[chart]) return sendJson(response, 200, charts[chart]());
    }
    throw new HttpError(404, 'not found');
  }

  /** The study's view, re-read only when its files changed since the last request. */
  function load(entry: StudyEntry): StudyView {
    const stamp = (file: string) => {
      const path = join(entry.directory, file);
      if (!existsSync(path)) return '-';
      const s = statSync(path);
      return `${s.size}.${s.mtimeMs}`;
    };
    const key = [JOURNAL_FILE, DEFAULT_TRIAL_FILE, BASELINES_FILE].map(stamp).join('/');
    if (entry.key !== key || !entry.view) {
      try {
        entry.snapshot = readStudySnapshot(entry.directory);
      } catch (error) {
        throw new HttpError(503, (error as Error).message);
      }
      entry.view = studyView(entry.snapshot, Buffer.from(key).toString('base64url'), entry.view);
      entry.key = key;
    }
    return entry.view;
  }

  function choose(entry: StudyEntry, view: StudyView, weightsText: string | undefined, budget: number | undefined) {
    const front = budget === undefined ? view.fronts.at(-1) : view.fronts.find((f) => f.budget === budget);
    if (!front) throw new RangeError(budget === undefined ? 'no ok trial yet' : `no ok trial at budget ${budget}`);
    let weights: Record<string, number> | undefined;
    if (weightsText) {
      weights = {};
      for (const pair of weightsText.split(',')) {
        const [name, value] = pair.split(':');
        if (!view.objectives.some((o) => o.name === name)) throw new RangeError(`weights: unknown objective "${name}"`);
        weights[name] = Number(value);
      }
    }
    const choice = chooseModel(view.trials, view.objectives, front, weights);
    return { ...choice, command: choice.trial === undefined ? undefined : retrainCommand(entry.directory, [choice.trial]) };
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}

function nameOf(entry: StudyEntry): string {
  return entry.view ? entry.view.name : basename(entry.directory);
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': cache,
    'X-Content-Type-Options': 'nosniff',
    // vega compiles its expressions with Function(): 'unsafe-eval'; nothing is loaded from elsewhere.
    'Content-Security-Policy': "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
  response.end(body);
}

/** The page: every string from a journal or a path is escaped here; the script builds the rest with textContent. */
function page(entries: readonly StudyEntry[], pollMs: number): string {
  const options = entries.map((e, id) => `<option value="${id}">${escapeXml(nameOf(e))} (${escapeXml(e.directory)})</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>frnas dashboard</title>
<link rel="stylesheet" href="/style.css"><link rel="icon" href="data:,">
<script src="/assets/vega.min.js"></script><script src="/assets/vega-lite.min.js"></script><script src="/assets/vega-embed.min.js"></script>
</head><body data-poll-ms="${pollMs}">
<header><h1>frnas dashboard</h1>
<label>study <select id="study">${options}</select></label>
<span id="status" role="status"></span></header>
<main>
<section id="overview"><p><span id="trial-count">0</span> trials: <span id="counts"></span></p><p id="study-error" class="error" hidden></p></section>
<section class="row">
  <div class="panel"><h2>Pareto front</h2>
    <label>x <select id="obj-x"></select></label> <label>y <select id="obj-y"></select></label> <label>budget <select id="front-budget"></select></label>
    <div id="chart-pareto" class="chart"></div><p class="hint">Click a point for its configuration; double-click clears.</p></div>
  <div class="panel" id="detail-panel"><h2>Selected trial</h2><div id="detail"><p class="hint">No trial selected.</p></div></div>
</section>
<section class="row">
  <div class="panel"><h2>Hypervolume</h2><label>over <select id="hv-over"><option value="budgetSpent">budget spent</option><option value="trialSeconds">trial seconds</option></select></label><div id="chart-hypervolume" class="chart"></div></div>
  <div class="panel"><h2>Choose a model</h2><div id="choose"></div></div>
</section>
<section class="panel"><h2>Trials</h2><div id="filters"></div><div class="table-wrap"><table id="trials"><thead></thead><tbody></tbody></table></div></section>
<section class="row">
  <div class="panel"><h2>Each configuration over its rungs</h2><label>objective <select id="curve-objective"></select></label><div id="chart-curves" class="chart"></div></div>
  <div class="panel"><h2>Parameter importance</h2><div id="chart-importance" class="chart"></div><p class="hint">Random-forest permutation importance per objective (docs/dashboard.md).</p></div>
</section>
<section class="panel" id="compare-panel"${entries.length > 1 ? '' : ' hidden'}><h2>All studies side by side</h2><div id="chart-compare" class="chart"></div><p class="hint">Each study's front at its highest budget, on the Pareto plot's objectives.</p></section>
<section class="panel"><h2>Parallel coordinates</h2><label>colour <select id="parallel-colour"></select></label><div id="chart-parallel" class="chart"></div></section>
</main>
<script src="/app.js"></script>
</body></html>
`;
}
