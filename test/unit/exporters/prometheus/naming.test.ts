import { describe, expect, it } from 'vitest';
import { prometheusLabelName, prometheusMetricName } from '../../../../src/exporters/prometheus/naming';

describe('prometheusMetricName (Collector default: UnderscoreEscapingWithSuffixes)', () => {
  it.each([
    ['gen_ai.execute_tool.duration', 's', 'histogram', 'gen_ai_execute_tool_duration_seconds'],
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['gen_ai.client.token.usage', '{token}', 'histogram', 'gen_ai_client_token_usage'],
    ['agent.cache.requests', '{request}', 'counter', 'agent_cache_requests_total'],
    ['agent.cache.size', 'By', 'gauge', 'agent_cache_size_bytes'],
    ['agent.routing.confidence', '1', 'histogram', 'agent_routing_confidence'],
    ['nodejs.eventloop.utilization', '1', 'gauge', 'nodejs_eventloop_utilization_ratio'],
    ['system.network.io', 'By/s', 'counter', 'system_network_io_bytes_per_second_total'],
    ['requests.total', '{request}', 'counter', 'requests_total'],
    ['latency_seconds', 's', 'histogram', 'latency_seconds'],
    ['v8js.gc.duration', 's', 'histogram', 'v8js_gc_duration_seconds'],
    ['foo..bar-baz', 'ms', 'gauge', 'foo_bar_baz_milliseconds'],
    ['2xx.count', '', 'counter', '_2xx_count_total'],
    ['queue.depth', 'widgets', 'gauge', 'queue_depth_widgets'],
  ])('%s [%s, %s] → %s', (name, unit, type, expected) => {
    expect(prometheusMetricName(name, unit, type as 'counter' | 'gauge' | 'histogram')).toBe(expected);
  });
});

describe('prometheusLabelName', () => {
  it.each([
    ['gen_ai.tool.name', 'gen_ai_tool_name'],
    ['error.type', 'error_type'],
    ['http-method', 'http_method'],
    ['1st', 'key_1st'],
    ['_private', 'key_private'],
    ['__reserved', '__reserved'],
  ])('%s → %s', (key, expected) => {
    expect(prometheusLabelName(key)).toBe(expected);
  });
});
