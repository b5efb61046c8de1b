/**
 * The status page's charts: one uPlot chart per view of `/history.json`, each with a table of
 * its last 30 buckets (the accessible fallback) and reachable by keyboard (a focusable figure).
 * Kept apart from status-page.ts, which holds the tables, so each stays short. Series labels go
 * through uPlot's legend, which writes them with textContent.
 */
export const CHART_STYLE = `
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
  figure.chart { margin: 0; padding: 8px; background: #fff; border: 1px solid #e3e6eb; }
  figure.chart:focus { outline: 2px solid #3566d6; }
  figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
  figure.chart details { margin-top: 4px; }
  figure.chart .none { color: #5b6474; font-style: italic; height: 40px; }
  @media (prefers-color-scheme: dark) {
    body { color: #e2e6ee; background: #14171d; }
    #meta, .empty, #llm-total, #jobs-total, figure.chart .none { color: #9aa3b2; }
    table, figure.chart { background: #1d2129; border-color: #343a46; }
    th { background: #262b35; }
    th, td { border-bottom-color: #343a46; }
    a { color: #8fb4ff; }
    td.bad, #error { color: #ff8a80; }
    .u-legend { color: #e2e6ee; }
  }`;

export const CHART_SCRIPT = `
(function () {
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var ink = dark ? '#c9d1dc' : '#1d2330', grid = dark ? '#343a46' : '#e3e6eb';
  var COLORS = ['#3566d6', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8590c', '#0b7285', '#c2255c', '#5c940d', '#1864ab', '#862e9c'];
  var grafana = document.querySelector('meta[name="agentmeter-grafana"]');
  if (grafana) {
    var a = document.createElement('a');
    a.href = grafana.getAttribute('content'); a.textContent = 'Grafana'; a.rel = 'noopener';
    document.getElementById('grafana').appendChild(a);
  }
  function byName(dict, field) { return Object.keys(dict).map(function (n) { return [n, dict[n][field]]; }); }
  // Each view: id, title, unit, and its series as [label, values] pairs from /history.json.
  var VIEWS = [
    ['tool-calls', 'Tool calls', 'calls/s', function (h) { return byName(h.tools, 'calls_per_second'); }],
    ['tool-errors', 'Tool error rate', '%', function (h) { return byName(h.tools, 'error_rate'); }],
    ['tool-p50', 'Tool latency p50', 'ms', function (h) { return byName(h.tools, 'p50_ms'); }],
    ['tool-p95', 'Tool latency p95', 'ms', function (h) { return byName(h.tools, 'p95_ms'); }],
    ['cache-hits', 'Cache hit rate', '%', function (h) { return byName(h.caches, 'hit_rate'); }],
    ['routing', 'Routing decisions within 100 ms', '%', function (h) { return [['within target', h.routing.within_target_percent]]; }],
    ['llm-calls', 'LLM calls', 'calls/s', function (h) { return [['LLM calls', h.llm.calls_per_second]]; }],
    ['llm-p95', 'LLM latency p95', 'ms', function (h) { return [['p95', h.llm.p95_ms]]; }],
    ['llm-tokens', 'LLM tokens', 'tokens/s', function (h) { return [['tokens', h.llm.tokens_per_second]]; }],
    ['llm-cost', 'LLM cost', 'USD/s', function (h) { return [['cost', h.llm.cost_usd_per_second]]; }],
    ['health', 'Health (0 healthy, 1 degraded, 2 unhealthy)', 'status', function (h) { return [['health', h.health]]; }],
    ['workers', 'Cluster workers', 'workers', function (h) { return [['workers', h.cluster_workers]]; }]
  ];
  var root = document.getElementById('charts');
  var charts = {};
  window.agentmeterCharts = charts;
  VIEWS.forEach(function (v) {
    var fig = document.createElement('figure');
    fig.className = 'chart'; fig.id = 'chart-' + v[0]; fig.tabIndex = 0;
    var cap = document.createElement('figcaption'); cap.textContent = v[1] + ' (' + v[2] + ')';
    var plot = document.createElement('div'); plot.className = 'plot';
    var details = document.createElement('details');
    var summary = document.createElement('summary'); summary.textContent = 'table of the last 30 buckets';
    var table = document.createElement('table'); table.className = 'fallback';
    table.appendChild(document.createElement('thead')); table.appendChild(document.createElement('tbody'));
    details.appendChild(summary); details.appendChild(table);
    fig.appendChild(cap); fig.appendChild(plot); fig.appendChild(details);
    fig.setAttribute('aria-label', v[1] + ' chart; the table below lists its values');
    root.appendChild(fig);
    charts[v[0]] = { plot: plot, table: table, key: null, u: null, unit: v[2] };
  });
  function cell(tr, tag, text) { var c = document.createElement(tag); c.textContent = text; tr.appendChild(c); }
  function fillTable(c, times, series) {
    var head = c.table.tHead, body = c.table.tBodies[0];
    head.textContent = ''; body.textContent = '';
    var tr = document.createElement('tr'); cell(tr, 'th', 'time');
    series.forEach(function (s) { cell(tr, 'th', s[0] + ' (' + c.unit + ')'); });
    head.appendChild(tr);
    for (var i = Math.max(0, times.length - 30); i < times.length; i++) {
      var row = document.createElement('tr'); cell(row, 'td', new Date(times[i] * 1000).toISOString());
      series.forEach(function (s) { var v = s[1][i]; cell(row, 'td', v === null || v === undefined ? '–' : String(v)); });
      body.appendChild(row);
    }
  }
  function draw(c, times, series) {
    var has = series.length > 0 && series.some(function (s) { return s[1].some(function (v) { return v !== null; }); });
    var key = has ? JSON.stringify(series.map(function (s) { return s[0]; })) : '';
    var data = [times].concat(series.map(function (s) { return s[1]; }));
    if (key !== c.key) {
      if (c.u) { c.u.destroy(); c.u = null; }
      c.plot.textContent = '';
      c.key = key;
      if (!has) { var none = document.createElement('div'); none.className = 'none'; none.textContent = 'nothing recorded yet'; c.plot.appendChild(none); return; }
      var width = Math.max(300, c.plot.clientWidth || 400);
      c.u = new uPlot({
        width: width, height: 180,
        series: [{}].concat(series.map(function (s, i) { return { label: s[0], stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }; })),
        axes: [{ stroke: ink, grid: { stroke: grid } }, { stroke: ink, grid: { stroke: grid }, size: 60 }],
        scales: { x: { time: true } }
      }, data, c.plot);
    } else if (c.u) c.u.setData(data);
  }
  function refresh() {
    fetch('history.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (h) {
      VIEWS.forEach(function (v) { var c = charts[v[0]], series = v[3](h); draw(c, h.timestamps, series); fillTable(c, h.timestamps, series); });
      document.body.setAttribute('data-history', String(h.timestamps.length ? h.timestamps[h.timestamps.length - 1] : 0));
    }).catch(function (e) { document.getElementById('error').textContent = 'cannot load history.json: ' + e; });
  }
  if (typeof uPlot === 'undefined') { root.textContent = 'the chart library (uplot.js) did not load'; return; }
  refresh();
  setInterval(refresh, 2000);
})();
`;
