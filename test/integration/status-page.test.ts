// The status page, opened in headless Chromium (Debian's chromium driven by playwright-core),
// shows the demo's tools and caches with the same numbers as /metrics.json. The screenshot is
// saved to test-output/status-page.png for people to look at.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../infra/child';
import { ensureChromium } from '../infra/chromium.mjs';
import { differencesFromReference, fetchSummary } from '../infra/summary-contract';

let demo: ChildProcess;
let browser: Browser;
let summaryUrl: string;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  demo = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--summary-port', '0', '--requests', '40'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  summaryUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo printed no status page URL: ${out}`)), 15000);
    demo.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /status page at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
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

afterAll(async () => {
  await browser?.close();
  demo?.kill('SIGINT');
});

/** A percentage of /metrics.json as the page writes it. */
function pct(v: number | null): string {
  return v === null ? '–' : `${v.toFixed(2)} %`;
}

describe('status page in headless Chromium', () => {
  it('shows every tool and cache with the numbers of /metrics.json, and saves a screenshot', async () => {
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
    // Unix seconds shown as ISO times.
    const system = await rows('system');
    expect(system[0]![3]).toBe(new Date(s.system_metrics.start_time * 1000).toISOString());
    expect(await page.textContent('#meta')).toMatch(/^recording · updated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output', 'status-page.png'), fullPage: true });
  });
});
