// Which page format and encoding a scraper gets for its Accept and Accept-Encoding headers.
import { describe, expect, it } from 'vitest';
import { acceptsGzip, negotiateFormat } from '../../../../src/exporters/prometheus/negotiate';

// What Prometheus 2.42 sends by default (scrape_config without scrape_protocols).
const PROMETHEUS_2_42 = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('negotiateFormat (RFC 9110 Accept)', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain', 'text'],
    ['text/plain;version=0.0.4', 'text'],
    ['application/json', 'text'],
    ['garbage;;;,/', 'text'],
    [PROMETHEUS_2_42, 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['Application/OpenMetrics-Text;Version="1.0.0"', 'openmetrics'],
    ['application/openmetrics-text;version=0.0.1', 'text'],
    ['application/openmetrics-text;version=2.0.0', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['application/openmetrics-text;version=1.0.0;q=0,*/*', 'text'],
    ['application/openmetrics-text;q=0.5,text/plain;q=0.5', 'text'],
    ['application/openmetrics-text;q=0.5,text/plain;q=0.4', 'openmetrics'],
    ['application/*,text/plain;q=0.9', 'openmetrics'],
    ['application/*;q=0.5,text/*;q=0.6', 'text'],
    ['text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0;q=0.6', 'openmetrics'],
    // The most specific range decides: version=1.0.0;q=0 overrides the bare type's q=1.
    ['application/openmetrics-text;version=1.0.0;q=0,application/openmetrics-text', 'text'],
    ['application/openmetrics-text;q=abc', 'text'],
    ['application/openmetrics-text;q=1.5', 'text'],
    ['text/plain;q=0,application/openmetrics-text;q=0.001', 'openmetrics'],
  ])('Accept %j → %s', (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });
});

describe('acceptsGzip (RFC 9110 Accept-Encoding)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['identity', false],
    ['gzip', true],
    ['GZIP', true],
    ['x-gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['*', true],
    ['*;q=0', false],
    ['*, gzip;q=0', false],
    ['deflate', false],
    ['gzip;q=0.5, identity;q=1', false],
    ['gzip;q=1, identity;q=0.5', true],
  ])('Accept-Encoding %j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
