// The summary's reader of the app's HTTP server requests: the count of every
// http.server.request.duration series in the MeterProvider it is on, nothing else.
import { describe, expect, it } from 'vitest';
import { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { HTTP_SERVER_REQUEST_DURATION, HttpRequestsReader } from '../../../../src/exporters/summary/http-requests';

describe('HttpRequestsReader', () => {
  it('adds up the server request counts of every route, method and status, and only those', async () => {
    const reader = new HttpRequestsReader();
    // A delta exporter on the same provider must not reset what the summary reads.
    const delta = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 60000 });
    const provider = new MeterProvider({ readers: [reader, delta] });
    const meter = provider.getMeter('@opentelemetry/instrumentation-http');
    const server = meter.createHistogram(HTTP_SERVER_REQUEST_DURATION, { unit: 's' });
    const client = meter.createHistogram('http.client.request.duration', { unit: 's' });
    server.record(0.01, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 });
    server.record(0.02, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 });
    server.record(0.5, { 'http.request.method': 'POST', 'http.response.status_code': 500 });
    client.record(0.1, { 'http.request.method': 'GET' });
    expect(await reader.serverRequests()).toBe(3);
    await delta.forceFlush();
    server.record(0.01, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 });
    // Cumulative: asking again neither resets nor double counts.
    expect(await reader.serverRequests()).toBe(4);
    expect(await reader.serverRequests()).toBe(4);
    await provider.shutdown();
  });

  it('answers 0, never throws, when it is on no MeterProvider', async () => {
    expect(await new HttpRequestsReader().serverRequests()).toBe(0);
  });
});
