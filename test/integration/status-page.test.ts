// The status page, opened in headless Chromium (Debian's chromium driven by playwright-core),
// shows the demo's tools, caches and jobs with the same numbers as /metrics.json (the jobs also
// as `agentmeter jobs` reads their folders). The screenshot is saved to
// test-output/status-page.png for people to look at. The charts (history in 500 ms
// buckets through AGENTMETER_SUMMARY_HISTORY_BUCKET_MILLIS) draw /history.json's series, and
// the page keeps going while the server restarts; their screenshots go to test-output/ too (the
// ones in docs/images/ are copied from there by hand, so a test run leaves the tree clean).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../infra/child';
import { ensureChromium } from '../infra/chromium.mjs';
import { differencesFromReference, fetchHistory, fetchSummary } from '../infra/summary-contract';
import type { RecentJob } from '../../src/store/recent-jobs';

let demo: ChildProcess;
let browser: Browser;
let summaryUrl: string;
/** The folder the demo writes its jobs to, as it prints it. */
let jobsDir: string;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  summaryUrl = await startDemo('0');
  // Wait until the 40 requests are done and the numbers stop moving.
  let last = '';
  for (let i = 0; i < 60; i++) {
    const s = await fetchSummary(summaryUrl);
    const now = JSON.stringify([s.tool_metrics, s.cache_metrics]);
    if (now === last && now !== '[{},{}]') break;
    last = now;
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 600000);

const GRAFANA = 'http://grafana.example:3000/d/agentmeter';

/** Starts the demo with its summary server on `summaryPort`; resolves with the status page's URL. */
function startDemo(summaryPort: string): Promise<string> {
  demo = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--summary-port', summaryPort, '--requests', '40'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AGENTMETER_SUMMARY_HISTORY_BUCKET_MILLIS: '500', AGENTMETER_GRAFANA_URL: GRAFANA },
  });
  let out = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo printed no status page URL: ${out}`)), 15000);
    demo.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /status page at (http:\/\/127\.0\.0\.1:\d+)\/[^]*agentmeter jobs (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        jobsDir = m[2]!;
        resolve(m[1]!);
      }
    });
  });
}

afterAll(async () => {
  await browser?.close();
  if (demo !== undefined && demo.exitCode === null && demo.signalCode === null) {
    const exited = new Promise((r) => demo.once('exit', r));
    demo.kill('SIGINT');
    await exited;
  }
});

/** One job of /metrics.json's jobs.recent (its schema is checked against the JSON Schema file). */
type JobJson = RecentJob;

/** A job's row as the page writes it. */
function jobRow(j: JobJson): string[] {
  const cells = [j.duration_ms, j.llm_calls, j.llm_ms, j.failed_llm_calls, j.tool_calls, j.failed_tool_calls].map(String);
  return [j.id, j.name ?? '–', new Date(j.end_time * 1000).toISOString(), ...cells, j.failed ? 'failed' : 'ok'];
}

/** A percentage of /metrics.json as the page writes it. */
function pct(v: number | null): string {
  return v === null ? '–' : `${v.toFixed(2)} %`;
}

describe('status page in headless Chromium', () => {
  it('shows every tool, cache and job with the numbers of /metrics.json, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${summaryUrl}/`);
    await page.waitForSelector('body[data-updated]');
    const rows = async (id: string) =>
      page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    const tools = await rows('tools');
    const caches = await rows('caches');
    const body = await fetchSummary(summaryUrl);
    expect(differencesFromReference(body)).toEqual([]);
    const s = body as unknown as {
      timestamp: number;
      system_metrics: { start_time: number };
      tool_metrics: Record<string, { total_calls: number; failed_calls: number; success_rate: number | null; p50_latency_ms: number | null; p99_latency_ms: number | null }>;
      cache_metrics: Record<string, { hits: number; misses: number; total_requests: number; hit_rate: number | null }>;
      llm_cost: { total_usd: number; unpriced_calls: number; models: { provider: string; model: string; usd: number; unpriced_calls: number }[] };
      jobs: { finished: number; max_listed: number; recent: JobJson[] };
    };
    expect(tools.map((r) => r[0])).toEqual(Object.keys(s.tool_metrics));
    expect(tools.length).toBeGreaterThanOrEqual(3);
    for (const r of tools) {
      const t = s.tool_metrics[r[0]!]!;
      expect([r[1], r[2], r[3], r[5], r[7]]).toEqual([String(t.total_calls), String(t.failed_calls), pct(t.success_rate), String(t.p50_latency_ms), String(t.p99_latency_ms)]);
    }
    expect(caches.map((r) => r[0])).toEqual(['embeddings', 'tool_results']);
    for (const r of caches) {
      const c = s.cache_metrics[r[0]!]!;
      expect(r.slice(1, 5)).toEqual([String(c.hits), String(c.misses), String(c.total_requests), pct(c.hit_rate)]);
    }
    // The demo calls gpt-4o and gpt-4o-mini, both in the price table, always with token counts.
    const llm = await rows('llm-cost');
    expect(llm.map((r) => r[1]).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(llm).toEqual(s.llm_cost.models.map((m) => [m.provider, m.model, m.usd.toFixed(6), String(m.unpriced_calls)]));
    expect(await page.textContent('#llm-total')).toBe(`total ${s.llm_cost.total_usd.toFixed(6)} USD · 0 unpriced calls`);
    // Every 5th of the 40 requests ran as a job: one tool call and one LLM call each. Four
    // clients run at once, so jobs end out of turn: the list is by end time, newest first.
    const jobs = await rows('jobs');
    expect(s.jobs.finished).toBe(8);
    expect(s.jobs.recent.map((j) => [j.id, j.name, j.tool_calls, j.llm_calls]).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => [`request-00000${i + 1}`, 'demo-request', 1, 1]),
    );
    const ends = s.jobs.recent.map((j) => j.end_time);
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
    expect(jobs).toEqual(s.jobs.recent.map(jobRow));
    expect(await page.textContent('#jobs-total')).toBe('8 jobs finished since start');
    // The same jobs as `agentmeter jobs` reads them from their folders: tool calls, failures, LLM time.
    const report = JSON.parse(execFileSync(process.execPath, ['dist/cli/main.js', 'jobs', '--json', jobsDir], { cwd: ROOT, encoding: 'utf8' })) as {
      jobs: { job: string; llm_calls: number; llm_ms: number; tool_calls: number; failed_tool_calls: number }[];
    };
    expect(report.jobs.map((j) => [j.job, j.llm_calls, j.llm_ms, j.tool_calls, j.failed_tool_calls])).toEqual(
      s.jobs.recent.map((j) => [j.id, j.llm_calls, j.llm_ms, j.tool_calls, j.failed_tool_calls]).sort(),
    );
    // Unix seconds shown as ISO times.
    const system = await rows('system');
    expect(system[0]![3]).toBe(new Date(s.system_metrics.start_time * 1000).toISOString());
    expect(await page.textContent('#meta')).toMatch(/^recording · updated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output', 'status-page.png'), fullPage: true });
  });

  it('draws each chart with the values /history.json has at the same instants, links /metrics and Grafana, and saves screenshots', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${summaryUrl}/`);
    // Ten 500 ms buckets after load, so every chart has a line to draw.
    await page.waitForFunction(() => Number(document.body.getAttribute('data-history')) > 0);
    await new Promise((r) => setTimeout(r, 5000));
    await page.waitForFunction(() => Number(document.body.getAttribute('data-history')) > Date.now() / 1000 - 2.5);
    type Drawn = { labels: string[]; data: (number | null)[][] } | null;
    const drawn = await page.evaluate(() => {
      const charts = (window as unknown as { agentmeterCharts: Record<string, { u: { series: { label?: string }[]; data: (number | null)[][] } | null }> }).agentmeterCharts;
      const out: Record<string, Drawn> = {};
      for (const [id, c] of Object.entries(charts)) out[id] = c.u === null ? null : { labels: c.u.series.slice(1).map((s) => String(s.label)), data: c.u.data.map((d) => Array.from(d)) };
      return out;
    });
    const history = (await fetchHistory(summaryUrl)) as unknown as {
      bucket_seconds: number;
      timestamps: number[];
      tools: Record<string, { calls_per_second: (number | null)[]; p95_ms: (number | null)[] }>;
      caches: Record<string, { hit_rate: (number | null)[] }>;
      llm: { calls_per_second: (number | null)[]; tokens_per_second: (number | null)[] };
    };
    expect(history.bucket_seconds).toBe(0.5);
    // The demo records everything but a cluster: only the workers chart stays empty.
    expect(Object.keys(drawn).filter((id) => drawn[id] === null)).toEqual(['workers']);
    const expected: Record<string, [string, (number | null)[]][]> = {
      'tool-calls': Object.entries(history.tools).map(([n, t]) => [n, t.calls_per_second]),
      'tool-p95': Object.entries(history.tools).map(([n, t]) => [n, t.p95_ms]),
      'cache-hits': Object.entries(history.caches).map(([n, c]) => [n, c.hit_rate]),
      'llm-calls': [['LLM calls', history.llm.calls_per_second]],
      'llm-tokens': [['tokens', history.llm.tokens_per_second]],
    };
    for (const [id, series] of Object.entries(expected)) {
      const d = drawn[id]!;
      expect(d.labels).toEqual(series.map(([n]) => n));
      // Buckets never change once closed: every instant both have must carry the same values.
      const shared = d.data[0]!.filter((t) => history.timestamps.includes(t as number));
      expect(shared.length).toBeGreaterThanOrEqual(5);
      for (const t of shared) {
        const i = d.data[0]!.indexOf(t);
        const j = history.timestamps.indexOf(t as number);
        expect(d.data.slice(1).map((s) => s[i] ?? null)).toEqual(series.map(([, v]) => v[j] ?? null));
      }
    }
    expect(drawn['tool-calls']!.data.slice(1).some((s) => s.some((v) => v !== null && v > 0))).toBe(true);
    // The fallback table holds the same last values as text.
    const lastRow = await page.$$eval('#chart-tool-calls table.fallback tbody tr:last-child td', (tds) => tds.map((td) => td.textContent));
    expect(lastRow).toHaveLength(1 + Object.keys(history.tools).length);
    expect(await page.$$eval('nav a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([
      ['/metrics (JSON)', 'metrics'],
      ['/metrics.json', 'metrics.json'],
      ['/history.json', 'history.json'],
      ['Grafana', GRAFANA],
    ]);
    expect(await page.$$eval('figure.chart', (fs) => fs.map((f) => f.tabIndex))).toEqual(new Array(12).fill(0));
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output', 'status-page-charts.png'), fullPage: true });
    const dark = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'dark' });
    await dark.goto(`${summaryUrl}/`);
    await dark.waitForFunction(() => Number(document.body.getAttribute('data-history')) > 0);
    await dark.screenshot({ path: join(ROOT, 'test-output', 'status-page-dark.png'), fullPage: true });
    await dark.close();

    // The server restarts on the same port: the page shows the outage, then draws the new process's history.
    const port = new URL(summaryUrl).port;
    const exited = new Promise((r) => demo.once('exit', r));
    const firstJobsDir = jobsDir;
    expect(existsSync(firstJobsDir)).toBe(true);
    demo.kill('SIGINT');
    await exited;
    // A stopped demo leaves no job folders behind.
    expect(existsSync(firstJobsDir)).toBe(false);
    await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '').startsWith('cannot load'), undefined, { timeout: 10000 });
    expect(await startDemo(port)).toBe(summaryUrl);
    await page.waitForFunction(() => document.getElementById('error')?.textContent === '' && Number(document.body.getAttribute('data-history')) > Date.now() / 1000 - 2.5, undefined, { timeout: 20000 });
    expect(await page.evaluate(() => typeof (window as unknown as { agentmeterCharts: unknown }).agentmeterCharts)).toBe('object');
    await page.close();
  }, 120000);

  it('writes tool, cache and job names with markup as text, in the charts, their tables, the legend and the jobs table', async () => {
    // A small app whose tool, cache and job names are markup; recording through the public API.
    // Its one job, a known run: two tool calls (one failed), one LLM call of 0.25 s, then it throws.
    const MARKUP = '<img src=x onerror="document.title=1">';
    const jobDir = mkdtempSync(join(tmpdir(), 'agentmeter-markup-job-'));
    const app = spawn(
      process.execPath,
      [
        '-e',
        `const a = require('./dist/index.js');
        const h = a.start({ summary: true, summaryPort: 0, summaryHistoryBucketMillis: 200, metricsExporters: [] });
        a.setJobLogger({ info() {} });
        h.ready().then(() => a.runJob({ id: ${JSON.stringify(MARKUP)}, name: ${JSON.stringify(MARKUP)}, dir: process.env.JOB_DIR }, () => {
          a.recordToolCall({ tool: 'search', seconds: 0.01 });
          a.recordToolCall({ tool: 'search', seconds: 0.02, error: 'TimeoutError' });
          a.recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 0.25, inputTokens: 10, outputTokens: 5 });
          throw new Error('the job fails');
        })).catch(() => {}).then(() => {
          console.log('url ' + h.summaryUrl);
          setInterval(() => { a.recordToolCall({ tool: ${JSON.stringify(MARKUP)}, seconds: 0.01 }); a.recordCacheLookup({ cache: ${JSON.stringify(MARKUP)}, hit: true }); }, 20);
        });`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JOB_DIR: jobDir } },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`app printed no URL: ${out}`)), 15000);
        app.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /url (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${url}/`);
      await page.waitForFunction(() => document.querySelectorAll('#chart-tool-calls .u-legend .u-label').length > 2, undefined, { timeout: 15000 });
      const legend = await page.$$eval('#chart-tool-calls .u-legend .u-label', (ls) => ls.map((l) => l.textContent));
      expect(legend).toEqual(['Time', 'search', MARKUP]);
      const cacheHead = await page.$$eval('#chart-cache-hits table.fallback thead th', (ths) => ths.map((th) => th.textContent));
      expect(cacheHead).toEqual(['time', `${MARKUP} (%)`]);
      await page.waitForSelector('body[data-updated]');
      const jobs = await page.$$eval('#jobs tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => [td.textContent, td.className])));
      const [job] = ((await fetchSummary(url)) as unknown as { jobs: { recent: JobJson[] } }).jobs.recent;
      expect(job).toMatchObject({ id: MARKUP, name: MARKUP, llm_calls: 1, llm_ms: 250, failed_llm_calls: 0, tool_calls: 2, failed_tool_calls: 1, failed: true });
      expect(jobs).toEqual([jobRow(job!).map((text, i) => [text, i === 9 ? 'bad' : ''])]);
      expect(await page.textContent('#jobs-total')).toBe('1 job finished since start');
      const history = await fetchHistory(url);
      expect(Object.keys(history.tools as object)).toEqual(['search', MARKUP]);
      expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
      expect(await page.title()).toBe('agentmeter status');
      await page.close();
    } finally {
      app.kill('SIGINT');
      rmSync(jobDir, { recursive: true, force: true });
    }
  }, 60000);
});
