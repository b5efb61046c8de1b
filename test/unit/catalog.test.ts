import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_LIST, METRICS } from '../../src/catalog';
import { recordToolCall } from '../../src/record/tool';
import { recordCacheEviction, recordCacheLookup, recordCacheOperation, recordCacheSizeRejection, setCacheSize } from '../../src/record/cache';
import { recordRouting } from '../../src/record/routing';
import { recordActionLog } from '../../src/record/action-log';
import { recordLlmCall } from '../../src/record/llm';
import { LlmStreamTimer } from '../../src/record/llm-stream';
import { recordAgentHandoff, recordAgentInvocation } from '../../src/record/agent';
import { recordMcpOperation, recordMcpSession } from '../../src/record/mcp';
import { recordPublish } from '../../src/record/publish';
import { recordDbOperation, setDbPoolState } from '../../src/record/db';
import { setBuildInfo, setHealth, setShuttingDown, trackRequest, trackSession } from '../../src/record/system';
import { collectScopeMetrics } from '../../src/store/producer';
import { runJob } from '../../src/jobs/scope';
import { setJobLogger } from '../../src/jobs/logger';
import { recordClusterCollection, recordEndpointRefused, recordKafkaDropped, recordKafkaFailure, recordKafkaSent } from '../../src/record/exporter';
import { prometheusMetricName } from '../../src/exporters/prometheus/naming';
import {
  recordDeadLetter, recordEventsDropped, recordEventsFailure, recordEventsPublished, recordEventsQueued,
  recordWriterBatch, recordWriterFailure, recordWriterLag,
} from '../../src/events/metrics';

describe('catalog shape', () => {
  it.each(METRIC_LIST.map((m) => [m.name, m]))('%s is well formed', (_name, m) => {
    expect(m.name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/);
    expect(m.description.length).toBeGreaterThan(10);
    const keys = m.attributes.map((a) => a.key);
    expect(new Set(keys).size).toBe(keys.length);
    if (m.kind === 'histogram') {
      expect(m.buckets!.length).toBeGreaterThan(3);
      expect([...m.buckets!].sort((a, b) => a - b)).toEqual(m.buckets);
    } else {
      expect(m.buckets).toBeUndefined();
    }
  });

  it('has unique OTel and Prometheus names', () => {
    const names = METRIC_LIST.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    const prom = METRIC_LIST.map((m) => prometheusMetricName(m.name, m.unit, m.kind === 'histogram' ? 'histogram' : m.kind === 'counter' ? 'counter' : 'gauge'));
    expect(new Set(prom).size).toBe(prom.length);
  });
});

describe('every catalog instrument is emitted with exactly its declared attribute keys', () => {
  beforeAll(async () => {
    setJobLogger({ info: () => {} });
    // A job whose directory cannot exist (its parent is a file): its line fails to write and is counted.
    const file = join(mkdtempSync(join(tmpdir(), 'agentmeter-')), 'a-file');
    writeFileSync(file, '');
    await runJob({ id: 'unwritable', name: 'report', dir: join(file, 'job') }, () => recordToolCall({ tool: 't', seconds: 0.1 }));
    await runJob({ id: 'failing', dir: join(file, 'job') }, () => Promise.reject(new TypeError('x'))).catch(() => undefined);
    const boom = Object.assign(new Error('x'), { code: 'E_TEST' });
    recordToolCall({ tool: 't', seconds: 0.1 });
    recordToolCall({ tool: 't', seconds: 0.1, error: boom, agent: 'a' });
    recordAgentInvocation({ agent: 'a', seconds: 2, provider: 'p', model: 'm', error: boom });
    recordAgentHandoff({ from: 'a', to: 'b' });
    const stream = new LlmStreamTimer({ provider: 'p', model: 'm' }, 0);
    stream.chunk(100);
    stream.chunk(120);
    recordCacheLookup({ cache: 'c', hit: true, seconds: 0.001 });
    recordCacheEviction({ cache: 'c', reason: 'ttl' });
    recordCacheSizeRejection({ cache: 'c' });
    recordCacheOperation({ cache: 'c', operation: 'set', seconds: 0.001 });
    setCacheSize({ cache: 'c', entries: 3, bytes: 300 });
    recordRouting({ strategy: 's', agent: 'a', seconds: 0.01, candidates: 3, confidence: 0.8, cacheHit: true });
    recordActionLog({ agent: 'a', action: 'send', seconds: 0.2, error: boom });
    recordLlmCall({ provider: 'p', model: 'm', seconds: 1, inputTokens: 10, outputTokens: 20 });
    recordLlmCall({ provider: 'p', model: 'm', seconds: 1, error: boom });
    // A priced model (agent.llm.cost) and an unpriced one (agent.llm.unpriced_calls), both for an agent.
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'a', seconds: 1, inputTokens: 10, outputTokens: 20 });
    recordLlmCall({ provider: 'p', model: 'm', agent: 'a', seconds: 1, inputTokens: 10, outputTokens: 20 });
    const mcp = { method: 'tools/call', seconds: 0.01, tool: 't', error: '-32603', statusCode: '-32603', transport: 'tcp', protocolName: 'http', protocolVersion: '2025-11-25' };
    recordMcpOperation({ side: 'server', ...mcp });
    recordMcpOperation({ side: 'client', ...mcp });
    recordMcpOperation({ side: 'server', method: 'prompts/get', prompt: 'p', seconds: 0.01 });
    recordMcpOperation({ side: 'client', method: 'prompts/get', prompt: 'p', seconds: 0.01 });
    for (const side of ['server', 'client'] as const) recordMcpSession({ side, seconds: 3, error: 'connection_closed', transport: 'tcp', protocolName: 'http', protocolVersion: '2025-11-25' });
    recordPublish({ topic: 'events', seconds: 0.005, bytes: 100 });
    recordPublish({ topic: 'events', seconds: 0.005, error: boom });
    recordDbOperation({ operation: 'SELECT', table: 'routes', seconds: 0.002 });
    recordDbOperation({ operation: 'SELECT', table: 'routes', seconds: 0.002, error: boom });
    setDbPoolState({ pool: 'main', idle: 2, used: 1, max: 10 });
    setHealth('degraded');
    setBuildInfo('1.2.3');
    trackSession();
    trackRequest().end();
    recordKafkaSent(1000, 0.004);
    recordKafkaFailure('LEADER_NOT_AVAILABLE');
    recordKafkaDropped('queue_full', 2);
    recordClusterCollection(3, 1);
    setShuttingDown(false);
    recordEndpointRefused('prometheus', 'busy');
    recordEventsPublished(10, 0.003);
    recordEventsFailure('LEADER_NOT_AVAILABLE');
    recordEventsDropped('queue_full', 1);
    recordEventsQueued(2);
    recordWriterBatch(900, 100, 0.05);
    recordWriterLag(42);
    recordDeadLetter('invalid_json');
    recordWriterFailure('57P01');
    recordToolCall({ tool: 't', seconds: -1 });
    recordToolCall({ tool: 't', seconds: 0 }); // fills no overflow yet
  });

  const selfOverflow = METRICS.attributeOverflow.name;
  it.each(METRIC_LIST.filter((m) => m.name !== selfOverflow).map((m) => [m.name, m]))('%s', (name, m) => {
    const data = collectScopeMetrics().metrics.find((d) => d.descriptor.name === name);
    expect(data, `${name} was not emitted`).toBeDefined();
    expect(data!.descriptor.unit).toBe(m.unit);
    const seen = new Set<string>();
    for (const p of data!.dataPoints) for (const k of Object.keys(p.attributes)) seen.add(k);
    expect([...seen].sort()).toEqual([...m.attributes, ...(m.derived ?? [])].map((a) => a.key).sort());
  });
});
