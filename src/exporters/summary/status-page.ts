/**
 * The status page served at `/`: one HTML document plus the bundled uPlot script and style
 * (served by the summary server, no CDN), which fetches `/metrics.json` and `/history.json` every
 * 2 seconds and renders charts of the last hour and tables. Values are inserted with textContent
 * only (uPlot's legend too), so tool, cache or job names can never inject markup; each chart has a
 * table of its last 30 buckets beside it for screen readers and keyboards.
 */
import { CHART_SCRIPT, CHART_STYLE } from './status-charts';
const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentmeter status</title>
<link rel="stylesheet" href="uplot.css">
<script src="uplot.js"></script>
<!--GRAFANA-->
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; background: #f7f8fa; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  #meta { color: #5b6474; }
  table { border-collapse: collapse; background: #fff; min-width: 60%; }
  th, td { padding: 6px 10px; border-bottom: 1px solid #e3e6eb; text-align: right; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  th { background: #eef1f5; font-weight: 600; }
  td.bad { color: #b3261e; font-weight: 600; }
  .empty { color: #5b6474; font-style: italic; }
  #error { color: #b3261e; }
  #llm-total, #jobs-total { color: #5b6474; margin-bottom: 6px; }
  #jobs th:nth-child(2), #jobs td:nth-child(2) { text-align: left; }
  #llm-cost th:nth-child(2), #llm-cost td:nth-child(2) { text-align: left; }
  nav a { margin-right: 12px; }
${CHART_STYLE}
</style>
</head>
<body>
<h1>agentmeter</h1>
<div id="meta">loading…</div>
<nav><a href="metrics">/metrics (JSON)</a><a href="metrics.json">/metrics.json</a><a href="history.json">/history.json</a><span id="grafana"></span></nav>
<div id="error"></div>
<h2>Last hour</h2>
<div id="charts"></div>
<h2>Tools</h2>
<table id="tools"><thead><tr><th>tool</th><th>calls</th><th>failed</th><th>success rate</th><th>avg ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>errors</th></tr></thead><tbody></tbody></table>
<h2>Caches</h2>
<table id="caches"><thead><tr><th>cache</th><th>hits</th><th>misses</th><th>requests</th><th>hit rate</th><th>evictions</th><th>size rejections</th></tr></thead><tbody></tbody></table>
<h2>LLM cost</h2>
<div id="llm-total"></div>
<table id="llm-cost"><thead><tr><th>provider</th><th>model</th><th>USD</th><th>unpriced calls</th></tr></thead><tbody></tbody></table>
<h2 id="jobs-heading">Recent jobs</h2>
<div id="jobs-total"></div>
<table id="jobs" aria-labelledby="jobs-heading" aria-describedby="jobs-total"><thead><tr><th scope="col">job</th><th scope="col">name</th><th scope="col">ended</th><th scope="col">duration ms</th><th scope="col">LLM calls</th><th scope="col">LLM ms</th><th scope="col">failed LLM calls</th><th scope="col">tool calls</th><th scope="col">failed tool calls</th><th scope="col">result</th></tr></thead><tbody></tbody></table>
<h2>Service</h2>
<table id="system"><thead><tr><th>active sessions</th><th>concurrent requests</th><th>total requests</th><th>started</th><th>uptime s</th></tr></thead><tbody></tbody></table>
<script>
(function () {
  // Rates arrive as percentages with two decimals; times as Unix seconds.
  var pct = function (v) { return v === null ? '–' : v.toFixed(2) + ' %'; };
  var time = function (seconds) { return new Date(seconds * 1000).toISOString(); };
  var num = function (v) { return v === null || v === undefined ? '–' : String(v); };
  // Cents hide what one call costs: six decimals show a millionth of a dollar.
  var usd = function (v) { return v.toFixed(6); };
  function row(tbody, cells, badIndex) {
    var tr = document.createElement('tr');
    cells.forEach(function (c, i) {
      var td = document.createElement('td');
      td.textContent = c;
      if (i === badIndex) td.className = 'bad';
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }
  function fill(id, entries, cols, toCells, bad, badIndex) {
    var tbody = document.querySelector('#' + id + ' tbody');
    tbody.textContent = '';
    if (entries.length === 0) {
      var tr = document.createElement('tr'), td = document.createElement('td');
      td.colSpan = cols; td.className = 'empty'; td.textContent = 'nothing recorded yet';
      tr.appendChild(td); tbody.appendChild(tr); return;
    }
    entries.forEach(function (e) { row(tbody, toCells(e[0], e[1]), bad && bad(e[1]) ? (badIndex === undefined ? 2 : badIndex) : -1); });
  }
  function render(s) {
    var meta = s.enabled ? 'recording' : 'disabled';
    // A node:cluster primary sums its workers' shares into every table.
    if (s.cluster) {
      meta += ' · cluster: primary + ' + s.cluster.workers + ' worker' + (s.cluster.workers === 1 ? '' : 's');
      var missing = s.cluster.workers - s.cluster.workers_answered;
      if (missing > 0) meta += ' (' + missing + ' did not answer in time: not counted in this view)';
    }
    document.getElementById('meta').textContent = meta + ' · updated ' + time(s.timestamp);
    fill('tools', Object.entries(s.tool_metrics), 10, function (name, t) {
      var errors = Object.entries(t.error_types).map(function (e) { return e[0] + ': ' + e[1]; }).join(', ');
      return [name, num(t.total_calls), num(t.failed_calls), pct(t.success_rate), num(t.avg_latency_ms), num(t.p50_latency_ms),
        num(t.p95_latency_ms), num(t.p99_latency_ms), num(t.max_latency_ms), errors || '–'];
    }, function (t) { return t.failed_calls > 0; });
    fill('caches', Object.entries(s.cache_metrics), 7, function (name, c) {
      return [name, num(c.hits), num(c.misses), num(c.total_requests), pct(c.hit_rate), num(c.evictions), num(c.size_rejections)];
    });
    // Spend since start; unpriced calls (no price for the model, or no token counts) are not in it.
    var llm = s.llm_cost || { total_usd: 0, unpriced_calls: 0, models: [] };
    document.getElementById('llm-total').textContent = 'total ' + usd(llm.total_usd) + ' USD · ' + llm.unpriced_calls + ' unpriced call' + (llm.unpriced_calls === 1 ? '' : 's');
    fill('llm-cost', llm.models.map(function (r) { return [r.provider, r]; }), 4, function (provider, r) {
      return [provider, r.model, usd(r.usd), num(r.unpriced_calls)];
    }, function (r) { return r.unpriced_calls > 0; }, 3);
    // runJob's jobs, the most recent first; ids and names are user text, set with textContent like every cell.
    var jobs = s.jobs || { finished: 0, max_listed: 0, recent: [] };
    document.getElementById('jobs-total').textContent = jobs.finished + ' job' + (jobs.finished === 1 ? '' : 's') + ' finished since start' +
      (jobs.finished > jobs.recent.length ? ' · the last ' + jobs.recent.length + ' listed' : '');
    fill('jobs', jobs.recent.map(function (j) { return [j.id, j]; }), 10, function (id, j) {
      return [id, j.name === null ? '–' : j.name, time(j.end_time), num(j.duration_ms), num(j.llm_calls), num(j.llm_ms), num(j.failed_llm_calls),
        num(j.tool_calls), num(j.failed_tool_calls), j.failed ? 'failed' : 'ok'];
    }, function (j) { return j.failed; }, 9);
    var m = s.system_metrics;
    fill('system', [['', m]], 5, function (_, v) {
      return [num(v.active_sessions), num(v.concurrent_requests), num(v.total_requests), time(v.start_time), num(v.uptime_seconds)];
    });
  }
  function refresh() {
    fetch('metrics.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById('error').textContent = '';
      render(s);
      document.body.setAttribute('data-updated', s.timestamp);
    }).catch(function (e) { document.getElementById('error').textContent = 'cannot load metrics.json: ' + e; });
  }
  refresh();
  setInterval(refresh, 2000);
})();
${CHART_SCRIPT}
</script>
</body>
</html>
`;

/** Options of the status page. */
export interface StatusPageOptions {
  /** Grafana URL to link to; default none. */
  grafanaUrl?: string;
}

/** The status page's HTML. */
export function statusPage(options: StatusPageOptions = {}): string {
  const url = options.grafanaUrl;
  // Only http(s) URLs, written as an escaped attribute the script reads: never markup.
  if (url === undefined || !/^https?:\/\//i.test(url)) return STATUS_PAGE;
  return STATUS_PAGE.replace('<!--GRAFANA-->', `<meta name="agentmeter-grafana" content="${escapeAttribute(url)}">`);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
