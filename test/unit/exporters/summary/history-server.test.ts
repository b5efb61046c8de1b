import { afterEach, describe, expect, it } from 'vitest';
import { startSummaryServer } from '../../../../src/exporters/summary/server';
import { statusPage } from '../../../../src/exporters/summary/status-page';
import { recordToolCall } from '../../../../src/record/tool';
import { resetStore } from '../../helpers';

afterEach(() => resetStore());

describe('summary server history and chart assets', () => {
  it('serves /history.json in buckets of the configured width, and uPlot from the installed package', async () => {
    const server = await startSummaryServer({ port: 0, historyBucketMillis: 100 });
    try {
      recordToolCall({ tool: 'search', seconds: 0.01 });
      await new Promise((r) => setTimeout(r, 350));
      const res = await fetch(`${server.url}/history.json`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const h = (await res.json()) as { bucket_seconds: number; max_buckets: number; timestamps: number[]; tools: Record<string, { calls_per_second: (number | null)[] }> };
      expect([h.bucket_seconds, h.max_buckets]).toEqual([0.1, 360]);
      expect(h.timestamps.length).toBeGreaterThanOrEqual(2);
      expect(Object.keys(h.tools)).toEqual(['search']);
      // The one call lands in exactly one bucket.
      expect(h.tools.search!.calls_per_second.filter((v) => v !== null && v > 0)).toHaveLength(1);
      const js = await fetch(`${server.url}/uplot.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toContain('uPlot');
      const css = await fetch(`${server.url}/uplot.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await css.text()).toContain('.u-legend');
    } finally {
      await server.close();
    }
  });

  it.each([
    [undefined, 0],
    ['javascript:alert(1)', 0],
    ['http://grafana.local:3000/d/x?a=1&b="2"', 1],
  ])('links Grafana only for an http(s) URL, escaped (%s)', (url, metas) => {
    const page = statusPage({ grafanaUrl: url });
    expect(page.split('<meta name="agentmeter-grafana"').length - 1).toBe(metas);
    if (metas === 1) expect(page).toContain('content="http://grafana.local:3000/d/x?a=1&amp;b=&quot;2&quot;"');
  });
});
