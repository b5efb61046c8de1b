// The Grafana substitution the integration test relies on behaves like Grafana's.
import { describe, expect, it } from 'vitest';
import { interpolate, intervalMillis, rateIntervalMillis, roundInterval, type GrafanaContext } from '../../../grafana/src/interpolate';

const ctx = (over: Partial<GrafanaContext> = {}): GrafanaContext => ({
  rangeSeconds: 3600,
  scrapeIntervalSeconds: 15,
  maxDataPoints: 1000,
  variables: { job: ['api'], tool: 'All', model: ['gpt-4o', 'o1.mini'], collector_job: ['otel-collector'] },
  allValues: { tool: '.*', model: '.*' },
  ...over,
});

describe('Grafana interval variables', () => {
  it.each([
    [3.6, 10], [100, 100], [1000, 1000], [3000, 2000], [3600, 5000], [14000, 15000], [60000, 60000], [100000, 120000],
  ])('roundInterval(%d ms) = %d ms', (raw, rounded) => {
    expect(roundInterval(raw)).toBe(rounded);
  });

  it('$__interval is range / max data points, rounded, never below the scrape interval', () => {
    expect(intervalMillis(ctx())).toBe(15000); // 3.6 s → 5 s, raised to 15 s
    expect(intervalMillis(ctx({ rangeSeconds: 86400 }))).toBe(60000); // 86.4 s → 1 m
  });

  it('$__rate_interval is max($__interval + scrape interval, 4 × scrape interval)', () => {
    expect(rateIntervalMillis(ctx())).toBe(60000);
    expect(rateIntervalMillis(ctx({ rangeSeconds: 86400 }))).toBe(75000);
    expect(rateIntervalMillis(ctx({ rangeSeconds: 300, scrapeIntervalSeconds: 1 }))).toBe(4000);
  });
});

describe('interpolate', () => {
  it('substitutes intervals, the range, single values, All and several values as a regex', () => {
    expect(interpolate('sum(rate(x{job=~"$job", tool=~"$tool", m=~"${model}"}[$__rate_interval])) + increase(y[$__range]) + z[$__interval]', ctx())).toBe(
      'sum(rate(x{job=~"api", tool=~".*", m=~"(gpt-4o|o1\\.mini)"}[60s])) + increase(y[3600s]) + z[15s]',
    );
    expect(interpolate('up{job=~"$job|$collector_job"}', ctx())).toBe('up{job=~"api|otel-collector"}');
  });

  it('refuses a variable it was not given', () => {
    expect(() => interpolate('x{a=~"$agent"}', ctx())).toThrow('$agent');
  });
});
