import { beforeEach, describe, expect, it } from 'vitest';
import { recordCacheEviction, recordCacheLookup, recordCacheSizeRejection, setCacheSize } from '../../../src/record/cache';
import { recordRouting } from '../../../src/record/routing';
import { recordActionLog } from '../../../src/record/action-log';
import { recordLlmCall } from '../../../src/record/llm';
import { recordPublish } from '../../../src/record/publish';
import { recordDbOperation, setDbPoolState } from '../../../src/record/db';
import { setHealth, trackRequest, trackSession } from '../../../src/record/system';
import { histogramOf, resetStore, valueOf } from '../helpers';

beforeEach(resetStore);

describe('caches', () => {
  it('counts hits and misses on one counter and records lookup duration', () => {
    for (let i = 0; i < 7; i++) recordCacheLookup({ cache: 'emb', hit: true });
    for (let i = 0; i < 3; i++) recordCacheLookup({ cache: 'emb', hit: false, seconds: 0.002 });
    expect(valueOf('agent.cache.requests', { 'agent.cache.name': 'emb', 'agent.cache.result': 'hit' })).toBe(7);
    expect(valueOf('agent.cache.requests', { 'agent.cache.name': 'emb', 'agent.cache.result': 'miss' })).toBe(3);
    expect(histogramOf('agent.cache.operation.duration', { 'agent.cache.name': 'emb', 'agent.cache.operation': 'get' })!.count).toBe(3);
  });

  it('counts evictions by reason, size rejections, and sets size gauges', () => {
    recordCacheEviction({ cache: 'emb', count: 4 });
    recordCacheEviction({ cache: 'emb', reason: 'ttl' });
    recordCacheSizeRejection({ cache: 'emb' });
    setCacheSize({ cache: 'emb', entries: 10, bytes: 2048 });
    setCacheSize({ cache: 'emb', entries: 9 });
    expect(valueOf('agent.cache.evictions', { 'agent.cache.name': 'emb', 'agent.cache.eviction.reason': 'size' })).toBe(4);
    expect(valueOf('agent.cache.evictions', { 'agent.cache.name': 'emb', 'agent.cache.eviction.reason': 'ttl' })).toBe(1);
    expect(valueOf('agent.cache.size_rejections', { 'agent.cache.name': 'emb' })).toBe(1);
    expect(valueOf('agent.cache.entries', { 'agent.cache.name': 'emb' })).toBe(9);
    expect(valueOf('agent.cache.size', { 'agent.cache.name': 'emb' })).toBe(2048);
  });
});

describe('routing', () => {
  it('records duration, candidates, confidence and the decision counter', () => {
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.02, candidates: 4, confidence: 0.9 });
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.001, cacheHit: true });
    recordRouting({ strategy: 'semantic', agent: 'default', seconds: 0.07, outcome: 'fallback' });
    expect(histogramOf('agent.routing.duration', { 'agent.routing.strategy': 'semantic', 'agent.routing.outcome': 'success' })!.count).toBe(2);
    expect(histogramOf('agent.routing.duration', { 'agent.routing.strategy': 'semantic', 'agent.routing.outcome': 'fallback' })!.sum).toBe(0.07);
    expect(histogramOf('agent.routing.candidates', { 'agent.routing.strategy': 'semantic' })!.sum).toBe(4);
    expect(histogramOf('agent.routing.confidence', { 'agent.routing.strategy': 'semantic' })!.sum).toBe(0.9);
    const decision = (agent: string, hit: string, outcome: string) =>
      valueOf('agent.routing.decisions', {
        'agent.routing.strategy': 'semantic',
        'gen_ai.agent.name': agent,
        'agent.routing.cache_hit': hit,
        'agent.routing.outcome': outcome,
      });
    expect(decision('billing', 'false', 'success')).toBe(1);
    expect(decision('billing', 'true', 'success')).toBe(1);
    expect(decision('default', 'false', 'fallback')).toBe(1);
  });
});

describe('action log', () => {
  it('counts events by status and errors by type', () => {
    recordActionLog({ agent: 'mailer', action: 'send_email', seconds: 0.3 });
    recordActionLog({ agent: 'mailer', action: 'send_email', error: new TypeError('x') });
    recordActionLog({ agent: 'mailer', action: 'send_email', status: 'cancelled' });
    const events = (status: string) =>
      valueOf('agent.action_log.events', { 'gen_ai.agent.name': 'mailer', 'agent.action.type': 'send_email', 'agent.action.status': status });
    expect([events('success'), events('failure'), events('cancelled')]).toEqual([1, 1, 1]);
    expect(valueOf('agent.action_log.errors', { 'gen_ai.agent.name': 'mailer', 'error.type': 'TypeError' })).toBe(1);
    expect(histogramOf('agent.action_log.duration', { 'gen_ai.agent.name': 'mailer', 'agent.action.type': 'send_email' })!.count).toBe(1);
  });
});

describe('LLM calls', () => {
  it('records duration and input/output tokens separately', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1.5, inputTokens: 1200, outputTokens: 300 });
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 0.5, error: 'rate_limit' });
    const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };
    expect(histogramOf('gen_ai.client.operation.duration', base)!.sum).toBe(1.5);
    expect(histogramOf('gen_ai.client.operation.duration', { ...base, 'error.type': 'rate_limit' })!.count).toBe(1);
    expect(histogramOf('gen_ai.client.token.usage', { ...base, 'gen_ai.token.type': 'input' })!.sum).toBe(1200);
    expect(histogramOf('gen_ai.client.token.usage', { ...base, 'gen_ai.token.type': 'output' })!.sum).toBe(300);
  });
});

describe('publishing', () => {
  it('counts messages, failures and per-message sizes', () => {
    recordPublish({ topic: 'events', seconds: 0.004, messages: 4, bytes: 4000 });
    recordPublish({ topic: 'events', seconds: 0.1, error: new Error('down') });
    const base = { 'messaging.system': 'kafka', 'messaging.destination.name': 'events', 'messaging.operation.name': 'send' };
    expect(valueOf('messaging.client.sent.messages', base)).toBe(4);
    expect(valueOf('messaging.client.sent.messages', { ...base, 'error.type': 'Error' })).toBe(1);
    const size = histogramOf('agent.publish.message.size', { 'messaging.system': 'kafka', 'messaging.destination.name': 'events' })!;
    expect([size.count, size.sum]).toEqual([4, 4000]);
  });

  it.each([1e9, 1e15])('records a batch of %d messages in one step (exact count, sum and bucket)', (messages) => {
    recordPublish({ topic: 'bulk', seconds: 0.004, messages, bytes: messages * 2048 });
    const size = histogramOf('agent.publish.message.size', { 'messaging.system': 'kafka', 'messaging.destination.name': 'bulk' })!;
    expect([size.count, size.sum, size.min, size.max]).toEqual([messages, messages * 2048, 2048, 2048]);
    const bucket = size.buckets.boundaries.findIndex((b) => b >= 2048);
    expect(size.buckets.counts[bucket]).toBe(messages);
    expect(size.buckets.counts.reduce((a, b) => a + b, 0)).toBe(messages);
  });
});

describe('database', () => {
  it('records operations by table and pool state', () => {
    recordDbOperation({ operation: 'INSERT', table: 'routing_events', seconds: 0.003 });
    recordDbOperation({ operation: 'INSERT', table: 'routing_events', seconds: 0.01, error: Object.assign(new Error('dup'), { code: '23505' }) });
    setDbPoolState({ pool: 'main', idle: 3, used: 2, max: 10 });
    const base = { 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'db.collection.name': 'routing_events' };
    expect(histogramOf('db.client.operation.duration', base)!.count).toBe(1);
    expect(histogramOf('db.client.operation.duration', { ...base, 'error.type': '23505' })!.count).toBe(1);
    expect(valueOf('db.client.connection.count', { 'db.client.connection.pool.name': 'main', 'db.client.connection.state': 'idle' })).toBe(3);
    expect(valueOf('db.client.connection.count', { 'db.client.connection.pool.name': 'main', 'db.client.connection.state': 'used' })).toBe(2);
    expect(valueOf('db.client.connection.max', { 'db.client.connection.pool.name': 'main' })).toBe(10);
  });
});

describe('service', () => {
  it('tracks sessions and requests; end() is idempotent', () => {
    const s1 = trackSession();
    const s2 = trackSession();
    s1.end();
    s1.end();
    const r = trackRequest();
    expect(valueOf('agent.sessions.active')).toBe(1);
    expect(valueOf('agent.requests.active')).toBe(1);
    r.end();
    trackRequest().end();
    expect(valueOf('agent.requests.active')).toBe(0);
    expect(valueOf('agent.requests')).toBe(2);
    s2.end();
    expect(valueOf('agent.sessions.active')).toBe(0);
  });

  it('sets health as a state set', () => {
    setHealth('unhealthy');
    expect(['healthy', 'degraded', 'unhealthy'].map((s) => valueOf('agent.health.status', { 'agent.health.status': s }))).toEqual([0, 0, 1]);
  });

  it('reports uptime and start time', () => {
    const start = valueOf('agent.service.start_time')!;
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    expect(valueOf('agent.service.uptime')).toBeGreaterThan(0);
  });
});
