// The dashboard page's style and script, served as /style.css and /app.js (no inline script: the page's CSP forbids it).
// The script builds every element from journal data with textContent, never innerHTML, so no string from a study is
// ever parsed as HTML; charts come from the server as Vega-Lite specs (lib/results/charts.ts) rendered by vega-embed.

export const PAGE_STYLE = `
[hidden]{display:none !important}
body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#243447;color:#fff}
header h1{font-size:1.2em;margin:0}
main{padding:1em 1.2em}
.row{display:flex;flex-wrap:wrap;gap:1em}
.panel{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin-bottom:1em;flex:1 1 480px;min-width:0}
h2{font-size:1.05em;margin:.2em 0 .5em}
.chart{min-height:120px;overflow-x:auto}
.hint{color:#777;font-size:.85em}
.error{color:#b00020}
table{border-collapse:collapse;font-size:.85em}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;white-space:pre-wrap}
th{background:#f0f0f0;cursor:pointer;user-select:none}
.table-wrap{max-height:420px;overflow:auto}
#detail dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
#detail dt{font-weight:600}
#detail dd{margin:0;white-space:pre-wrap}
code.command{display:block;background:#f3f3f3;padding:.4em;margin:.4em 0;white-space:pre-wrap;word-break:break-all}
#filters label{margin-right:1em}
`;

export const CLIENT_SCRIPT = String.raw`'use strict';
(function () {
  const pollMs = Number(document.body.dataset.pollMs) || 2000;
  const $ = (id) => document.getElementById(id);
  const state = { study: 0, view: null, etag: null, selected: null, sort: { column: 'trial', descending: false }, chosen: new Set() };
  const fmt = (v) => (typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(5))) : v === null || v === undefined ? '' : String(v));

  function el(tag, text, attributes) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attributes || {})) node.setAttribute(k, v);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function setOptions(select, values, labels) {
    const before = select.value;
    clear(select);
    values.forEach((v, i) => select.appendChild(el('option', labels ? labels[i] : v, { value: String(v) })));
    if (values.map(String).includes(before)) select.value = before;
  }
  function studyUrl(part, params) {
    const query = new URLSearchParams(params || {}).toString();
    return '/api/studies/' + state.study + '/' + part + (query ? '?' + query : '');
  }
  async function getJson(url) {
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  const views = {};
  async function draw(name, params, containerId, onView) {
    try {
      const spec = await getJson(studyUrl('charts/' + name, params));
      if (views[containerId]) views[containerId].finalize();
      const result = await vegaEmbed('#' + containerId, spec, { actions: false, renderer: 'svg' });
      views[containerId] = result.view;
      if (onView) onView(result.view);
    } catch (error) {
      clear($(containerId)).appendChild(el('p', error.message, { class: 'error' }));
    }
  }

  function drawPareto() {
    const params = { x: $('obj-x').value, y: $('obj-y').value };
    if ($('front-budget').value) params.budget = $('front-budget').value;
    return draw('pareto', params, 'chart-pareto', (view) => {
      view.addEventListener('click', (event, item) => {
        if (item && item.datum && typeof item.datum.trial === 'number') select(item.datum.trial);
      });
    });
  }
  const drawHypervolume = () => draw('hypervolume', { over: $('hv-over').value }, 'chart-hypervolume');
  const drawCurves = () => draw('curves', { objective: $('curve-objective').value }, 'chart-curves');
  const drawParallel = () => draw('parallel', { colour: $('parallel-colour').value, budget: $('front-budget').value }, 'chart-parallel');
  const drawImportance = () => draw('importance', {}, 'chart-importance');
  // Every study's front together (only with several studies): drawn from /api/compare, not one study's URL.
  async function drawCompare() {
    if ($('compare-panel').hidden) return;
    try {
      const query = new URLSearchParams({ x: $('obj-x').value, y: $('obj-y').value }).toString();
      const spec = await getJson('/api/compare/charts/pareto?' + query);
      if (views['chart-compare']) views['chart-compare'].finalize();
      views['chart-compare'] = (await vegaEmbed('#chart-compare', spec, { actions: false, renderer: 'svg' })).view;
    } catch (error) {
      clear($('chart-compare')).appendChild(el('p', error.message, { class: 'error' }));
    }
  }

  function select(trialId) {
    state.selected = trialId;
    renderDetail();
  }

  function renderDetail() {
    const box = clear($('detail'));
    const v = state.view;
    const t = v && state.selected !== null ? v.trials[state.selected] : undefined;
    if (!t) { box.appendChild(el('p', 'No trial selected.', { class: 'hint' })); return; }
    box.appendChild(el('h3', 'trial ' + t.id, { id: 'detail-title' }));
    const dl = el('dl');
    const row = (k, value) => { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', value)); };
    row('status', t.status + (t.error ? ': ' + t.error : ''));
    row('budget', fmt(t.budget) + (t.parentTrialId !== undefined ? ' (promoted from trial ' + t.parentTrialId + ')' : ''));
    row('configuration id', t.configId);
    for (const [k, value] of Object.entries(t.config)) row('config.' + k, fmt(value));
    const intervals = (t.attributes && t.attributes.intervals && t.attributes.intervals.metrics) || {};
    const camel = (n) => n.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    for (const o of v.objectives) {
      const i = intervals[o.name] || intervals[camel(o.name)];
      row(o.name, fmt(t.values[o.name]) + (i ? ' [' + fmt(i.lower) + ', ' + fmt(i.upper) + ']' : ''));
    }
    row('cost', fmt(t.cost.seconds) + ' s, ' + fmt(t.cost.budget) + ' budget units');
    const groups = (t.attributes && t.attributes.perGroup) || {};
    for (const [g, figures] of Object.entries(groups)) {
      row('group ' + g, 'accuracy ' + fmt(figures.accuracy) + (figures.meanRank !== undefined ? ', mean rank ' + fmt(figures.meanRank) : ''));
    }
    const references = [];
    if (v.default && v.default.status === 'ok') references.push({ name: 'default configuration (budget ' + fmt(v.default.budget) + ')', values: v.default.values });
    for (const b of v.baselines) references.push({ name: b.name, values: b.values });
    for (const r of references) {
      row('vs ' + r.name, v.objectives.map((o) => {
        const d = t.values[o.name] - r.values[o.name];
        return o.name + ' ' + (Number.isFinite(d) ? (d >= 0 ? '+' : '') + fmt(d) : 'n/a');
      }).join(', '));
    }
    box.appendChild(dl);
    const add = el('button', state.chosen.has(t.id) ? 'remove from retrain selection' : 'add to retrain selection', { id: 'choose-toggle' });
    add.addEventListener('click', () => {
      if (state.chosen.has(t.id)) state.chosen.delete(t.id); else state.chosen.add(t.id);
      renderDetail();
      renderChosen();
    });
    box.appendChild(add);
  }

  function renderOverview() {
    const v = state.view;
    $('trial-count').textContent = String(v.counts.total);
    $('counts').textContent = v.counts.ok + ' ok, ' + v.counts.failed + ' failed, ' + v.counts.timeout + ' timed out, ' + v.counts.running +
      ' running; budget spent ' + fmt(v.budgetSpent) + '; ' + v.scheduler + ' / ' + v.proposer + '; ' + v.directory;
  }

  function renderControls() {
    const v = state.view;
    const names = v.objectives.map((o) => o.name);
    const first = !$('obj-x').options.length;
    setOptions($('obj-x'), names);
    setOptions($('obj-y'), names);
    if (first && names.length > 1) $('obj-y').value = names[1];
    setOptions($('curve-objective'), names);
    setOptions($('parallel-colour'), names);
    const budgets = v.fronts.map((f) => f.budget);
    const wasTop = !$('front-budget').value || $('front-budget').value === $('front-budget').dataset.top;
    setOptions($('front-budget'), budgets);
    const top = budgets.length ? String(budgets[budgets.length - 1]) : '';
    if (wasTop) $('front-budget').value = top;
    $('front-budget').dataset.top = top;
  }

  // Trials table: sortable by any column, filtered by status, budget and one parameter's value.
  function columns(v) {
    return ['trial', 'status', 'budget', 'parent'].concat(v.objectives.map((o) => o.name), ['seconds', 'cost'], v.parameters.map((p) => 'config.' + p), ['failure reason']);
  }
  function cell(t, c) {
    if (c === 'trial') return t.id;
    if (c === 'parent') return t.parentTrialId;
    if (c === 'seconds') return t.status === 'running' ? undefined : t.cost.seconds;
    if (c === 'cost') return t.status === 'running' ? undefined : t.cost.budget;
    if (c === 'failure reason') return t.error;
    if (c === 'status' || c === 'budget') return t[c];
    if (c.startsWith('config.')) return t.config[c.slice(7)];
    return t.values[c];
  }
  function renderFilters() {
    const v = state.view;
    const box = $('filters');
    if (!box.firstChild) {
      const status = el('select', null, { id: 'filter-status' });
      const budget = el('select', null, { id: 'filter-budget' });
      const parameter = el('select', null, { id: 'filter-parameter' });
      const value = el('input', null, { id: 'filter-value', placeholder: 'value contains' });
      for (const [label, node] of [['status', status], ['budget', budget], ['parameter', parameter], ['', value]]) {
        const l = el('label', label ? label + ' ' : '');
        l.appendChild(node);
        box.appendChild(l);
        node.addEventListener(node === value ? 'input' : 'change', renderTable);
      }
    }
    setOptions($('filter-status'), ['', 'ok', 'failed', 'timeout', 'running'], ['all', 'ok', 'failed', 'timeout', 'running']);
    const budgets = [...new Set(v.trials.map((t) => t.budget))].sort((a, b) => a - b);
    setOptions($('filter-budget'), [''].concat(budgets), ['all'].concat(budgets.map(String)));
    setOptions($('filter-parameter'), [''].concat(v.parameters), ['(none)'].concat(v.parameters));
  }
  function renderTable() {
    const v = state.view;
    const cols = columns(v);
    const head = clear($('trials').tHead);
    const tr = el('tr');
    for (const c of cols) {
      const th = el('th', c + (state.sort.column === c ? (state.sort.descending ? ' ▼' : ' ▲') : ''), { 'data-column': c });
      th.addEventListener('click', () => {
        state.sort = { column: c, descending: state.sort.column === c ? !state.sort.descending : false };
        renderTable();
      });
      tr.appendChild(th);
    }
    head.appendChild(tr);
    const status = $('filter-status').value;
    const budget = $('filter-budget').value;
    const parameter = $('filter-parameter').value;
    const needle = $('filter-value').value.toLowerCase();
    const rows = v.trials.filter((t) => (!status || t.status === status || (status === 'running' && t.status === 'pending')) &&
      (!budget || String(t.budget) === budget) &&
      (!parameter || !needle || String(t.config[parameter] === undefined ? '' : t.config[parameter]).toLowerCase().includes(needle)));
    const { column, descending } = state.sort;
    rows.sort((a, b) => {
      const x = cell(a, column), y = cell(b, column);
      const missing = (x === undefined) - (y === undefined);
      if (missing) return missing;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (descending ? -order : order) || a.id - b.id;
    });
    const body = clear($('trials').tBodies[0]);
    for (const t of rows) {
      const row = el('tr', null, { 'data-trial': String(t.id) });
      for (const c of cols) row.appendChild(el('td', fmt(cell(t, c))));
      row.addEventListener('click', () => select(t.id));
      body.appendChild(row);
    }
  }

  // Choose a model: the knee of the front, or weights over the objectives; the retrain command for the choice.
  function renderChoose() {
    const v = state.view;
    const box = $('choose');
    if (!box.firstChild) {
      box.appendChild(el('p', 'Knee point: the front member closest to the ideal point, each objective scaled to [0, 1] over the front. Weights: lowest weighted sum of the scaled objectives.', { class: 'hint' }));
      box.appendChild(el('div', null, { id: 'weights' }));
      const go = el('button', 'choose with weights', { id: 'choose-weights' });
      go.addEventListener('click', () => choose(true));
      const knee = el('button', 'knee point', { id: 'choose-knee' });
      knee.addEventListener('click', () => choose(false));
      box.appendChild(knee);
      box.appendChild(go);
      box.appendChild(el('div', null, { id: 'choice' }));
      box.appendChild(el('h3', 'Retrain selection'));
      box.appendChild(el('div', null, { id: 'chosen' }));
      const weights = $('weights');
      for (const o of v.objectives) {
        const l = el('label', o.name + ' ');
        l.appendChild(el('input', null, { type: 'number', min: '0', step: '0.1', value: '1', 'data-objective': o.name, style: 'width:4em' }));
        weights.appendChild(l);
      }
    }
    renderChosen();
  }
  async function choose(withWeights) {
    const params = {};
    if ($('front-budget').value) params.budget = $('front-budget').value;
    if (withWeights) params.weights = [...document.querySelectorAll('#weights input')].map((i) => i.dataset.objective + ':' + i.value).join(',');
    const out = clear($('choice'));
    try {
      const choice = await getJson(studyUrl('choose', params));
      if (choice.trial === undefined) { out.appendChild(el('p', 'The front is empty.')); return; }
      out.appendChild(el('p', (choice.method === 'knee' ? 'Knee point' : 'Best weighted') + ' at budget ' + choice.budget + ': trial ' + choice.trial));
      out.appendChild(el('code', choice.command, { class: 'command', id: 'choice-command' }));
      state.chosen.add(choice.trial);
      select(choice.trial);
      renderChosen();
    } catch (error) {
      out.appendChild(el('p', error.message, { class: 'error' }));
    }
  }
  function renderChosen() {
    const box = $('chosen');
    if (!box) return;
    clear(box);
    const ids = [...state.chosen].sort((a, b) => a - b);
    if (!ids.length) { box.appendChild(el('p', 'Add trials from the selected-trial panel, or choose one above.', { class: 'hint' })); return; }
    const dir = state.view.directory;
    const quoted = /^[A-Za-z0-9_./:=@%+-]+$/.test(dir) ? dir : "'" + dir.replace(/'/g, "'\\''") + "'";
    box.appendChild(el('code', 'frnas retrain ' + quoted + ' --trials ' + ids.join(','), { class: 'command', id: 'retrain-command' }));
  }

  async function refresh(force) {
    try {
      const headers = state.etag && !force ? { 'If-None-Match': state.etag } : {};
      const response = await fetch(studyUrl('summary'), { headers });
      if (response.status === 304) { $('status').textContent = 'up to date ' + new Date().toLocaleTimeString(); return; }
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || response.statusText);
      state.view = body;
      state.etag = response.headers.get('ETag');
      $('study-error').hidden = true;
      renderOverview();
      renderControls();
      renderFilters();
      renderTable();
      renderChoose();
      renderDetail();
      await Promise.all([drawPareto(), drawHypervolume(), drawCurves(), drawParallel(), drawImportance(), drawCompare()]);
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.version = body.version;
    } catch (error) {
      $('study-error').hidden = false;
      $('study-error').textContent = error.message;
    }
  }

  $('study').addEventListener('change', () => {
    state.study = Number($('study').value);
    state.etag = null;
    state.selected = null;
    state.chosen = new Set();
    for (const id of ['obj-x', 'obj-y', 'front-budget', 'curve-objective', 'parallel-colour']) clear($(id));
    clear($('filters'));
    clear($('choose'));
    refresh(true);
  });
  $('obj-x').addEventListener('change', () => { drawPareto(); drawCompare(); });
  $('obj-y').addEventListener('change', () => { drawPareto(); drawCompare(); });
  $('front-budget').addEventListener('change', () => { drawPareto(); drawParallel(); });
  $('hv-over').addEventListener('change', drawHypervolume);
  $('curve-objective').addEventListener('change', drawCurves);
  $('parallel-colour').addEventListener('change', drawParallel);

  let busy = false;
  async function tick() {
    if (!busy) { busy = true; try { await refresh(false); } finally { busy = false; } }
    setTimeout(tick, pollMs);
  }
  tick();
})();
`;
