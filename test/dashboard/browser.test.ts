/// <reference lib="dom" />
// The dashboard in a real browser: Debian's chromium, driven by puppeteer-core, on a search that is still running.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'puppeteer-core';
import { startDashboard, type Dashboard } from '../../lib/dashboard/index.js';
import { report } from '../../lib/workflows/index.js';
import { JOURNAL_FILE } from '../../lib/search/storage/journal.js';
import { startWriter, writeSyntheticStudy } from '../results/synthetic-study.js';

const CHROMIUM_PATHS = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
const chromium = CHROMIUM_PATHS.find((p) => existsSync(p));
/** Screenshots land here (gitignored via test-artifacts/): the CI log names them. */
export const ARTIFACTS = join(tmpdir(), 'frnas-test-artifacts');

async function waitFor(page: Page, predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('dashboard: in headless Chromium', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let dashboard: Dashboard | undefined;
  let dir = '';
  let finished = '';
  let writer: ReturnType<typeof startWriter> | undefined;

  before(function () {
    if (!chromium) {
      console.log('    (skipped: no chromium found at /usr/bin/chromium; apt-get install -y chromium, or set CHROMIUM_PATH)');
      this.skip();
    }
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    if (writer) {
      writer.child.kill('SIGKILL');
      await writer.done;
    }
    for (const d of [dir, finished]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('follows a running search, shows a front point\'s configuration, switches objectives, without console errors', async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    dir = mkdtempSync(join(tmpdir(), 'frnas-browser-'));
    // Slow enough that the page sees several states before the search ends.
    writer = startWriter(dir, 3000, 150);
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, JOURNAL_FILE)) || statSync(join(dir, JOURNAL_FILE)).size === 0) {
      if (Date.now() > deadline) throw new Error('the search did not start');
      await sleep(50);
    }
    // The raw-pixel baseline frnas search keeps beside the journal, for the selected trial's comparison.
    writeFileSync(join(dir, 'baselines.json'), JSON.stringify({ settings: {}, baselines: [{ name: 'raw pixels', values: { error: 0.54, rank_disparity: 0.2 } }] }));
    // A second, finished study: the page compares the fronts of both.
    finished = mkdtempSync(join(tmpdir(), 'frnas-browser-finished-'));
    await writeSyntheticStudy(finished, { trials: 30, seed: 5 });
    dashboard = await startDashboard({ studies: [dir, finished], port: 0, pollMs: 500 });
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1300, height: 1700 });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.goto(dashboard.url, { waitUntil: 'load' });

    // The trial count grows while the search runs.
    const count = () => page.$eval('#trial-count', (e) => Number(e.textContent));
    await waitFor(page, async () => (await count()) > 0, 'the first trials');
    const first = await count();
    await waitFor(page, async () => (await count()) >= first + 5, 'the trial count to grow');

    // Wait for a front at some budget with a point to click.
    await waitFor(page, async () => (await page.$$('#chart-pareto svg path.mark-symbol, #chart-pareto svg .mark-symbol path')).length > 0, 'the Pareto plot');
    // Click the first front point: vega's click handler selects its trial.
    const clicked = await page.evaluate(() => {
      const marks = [...document.querySelectorAll('#chart-pareto svg .mark-symbol path')] as SVGPathElement[];
      // Front points are drawn in the front colour (#d62728).
      const front = marks.find((m) => (m.getAttribute('fill') ?? '').toLowerCase() === '#d62728') ?? marks[0];
      const box = front.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    await page.mouse.click(clicked.x, clicked.y);
    await waitFor(page, async () => (await page.$('#detail-title')) !== null, 'the selected trial');
    const detail = await page.$eval('#detail', (e) => e.textContent ?? '');
    expect(detail).to.match(/trial \d+/);
    expect(detail).to.include('config.x').and.include('config.label').and.include('group female').and.include('vs raw pixels');
    // Both studies' fronts side by side.
    await waitFor(page, async () => (await page.$$eval('#chart-compare .role-legend-label text', (ts) => ts.length)) === 2, 'the comparison of the two studies');

    // Switch the plotted objectives: the chart is redrawn with the new axis titles.
    await page.select('#obj-x', 'rank_disparity');
    await page.select('#obj-y', 'error');
    await waitFor(
      page,
      async () => (await page.$eval('#chart-pareto', (e) => [...e.querySelectorAll('.role-axis-title text')].map((t) => t.textContent).join('|'))) === 'rank_disparity|error',
      'the switched axes',
    );

    // A journal string with markup is shown as text, never run: pick a trial with the <img> label from the table.
    await page.select('#filter-parameter', 'label');
    await page.type('#filter-value', 'onerror');
    await waitFor(page, async () => (await page.$$('#trials tbody tr')).length > 0, 'a trial with the <img> label');
    await page.click('#trials tbody tr');
    await waitFor(page, async () => (await page.$eval('#detail', (e) => e.textContent ?? '')).includes('<img src=x onerror='), 'the label as text');
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).to.equal(undefined);
    expect(await page.$$('#detail img')).to.have.length(0);

    // Choose a model: the knee and its retrain command.
    await page.click('#choose-knee');
    await waitFor(page, async () => (await page.$('#choice-command')) !== null, 'the knee');
    expect(await page.$eval('#choice-command', (e) => e.textContent)).to.match(new RegExp(`^frnas retrain ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --trials \\d+$`));

    // The trials table sorts by a column and filters by status.
    const column = async (name: string): Promise<string[]> => {
      const index = await page.$$eval('#trials thead th', (ths, wanted) => ths.findIndex((th) => th.getAttribute('data-column') === wanted), name);
      return page.$$eval('#trials tbody tr', (rows, i) => rows.map((r) => r.children[i].textContent ?? ''), index);
    };
    await page.$eval('#filter-value', (e) => ((e as HTMLInputElement).value = ''));
    await page.select('#filter-parameter', '');
    await page.select('#filter-status', 'ok');
    await page.click('#trials thead th[data-column="error"]');
    const errors = (await column('error')).map(Number);
    expect(errors.length).to.be.greaterThan(5);
    expect(errors).to.deep.equal([...errors].sort((a, b) => a - b));
    expect(new Set(await column('status'))).to.deep.equal(new Set(['ok']));
    await page.select('#filter-status', 'failed');
    expect(new Set(await column('status'))).to.deep.equal(new Set(['failed']));
    expect(new Set(await column('failure reason'))).to.deep.equal(new Set(['diverged: loss is NaN']));
    await page.select('#filter-status', '');
    await page.select('#front-budget', (await page.$$eval('#front-budget option', (o) => o.map((x) => (x as HTMLOptionElement).value)))[0]);
    await page.select('#front-budget', (await page.$$eval('#front-budget option', (o) => o.map((x) => (x as HTMLOptionElement).value))).at(-1) as string);
    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`    screenshot: ${screenshot}`);
    expect(statSync(screenshot).size).to.be.greaterThan(10_000);
    expect(writer.child.exitCode, 'the search was still running').to.equal(null);
    expect(problems).to.deep.equal([]);
  });

  it('the static report of the running study draws the same Vega-Lite charts offline, without console errors', async function () {
    if (!browser) this.skip();
    const written = await report(dir);
    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    await page.goto(pathToFileURL(written.files.html).href, { waitUntil: 'load' });
    await waitFor(page, async () => (await page.$$('#vega-figures svg.marks')).length === 2, 'the two vega charts');
    expect(await page.$eval('#svg-figures', (e) => getComputedStyle(e).display)).to.equal('none');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(problems).to.deep.equal([]);
  });
});
