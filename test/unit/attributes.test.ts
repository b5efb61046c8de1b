import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { errorType, CardinalityGuard, MAX_VALUE_LENGTH } from '../../src/attributes';
import { recordToolCall } from '../../src/record/tool';
import { recordCacheLookup, recordCacheEviction } from '../../src/record/cache';
import { recordLlmCall } from '../../src/record/llm';
import { recordRouting } from '../../src/record/routing';
import { setHealth } from '../../src/record/system';
import { guard } from '../../src/store/registry';
import { histogramOf, resetStore, valueOf, metric } from './helpers';

const TOOL = 'gen_ai.execute_tool.duration';
const DROPPED = 'agentmeter.dropped';

describe('cardinality cap', () => {
  beforeEach(resetStore);

  it('keeps the first 100 distinct tool names and turns the 101st into _other, counting it', () => {
    for (let i = 0; i < 100; i++) recordToolCall({ tool: `tool_${i}`, seconds: 0.1 });
    recordToolCall({ tool: 'tool_100', seconds: 0.1 });
    recordToolCall({ tool: 'tool_101', seconds: 0.1 });
    recordToolCall({ tool: 'tool_5', seconds: 0.1 });
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'tool_99' })!.count).toBe(1);
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'tool_5' })!.count).toBe(2);
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'tool_100' })).toBeUndefined();
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': '_other' })!.count).toBe(2);
    expect(valueOf('agentmeter.attribute.overflow', { 'agentmeter.metric.name': TOOL, 'agentmeter.attribute.key': 'gen_ai.tool.name' })).toBe(2);
    expect(metric(TOOL)!.dataPoints).toHaveLength(101);
  });

  it('applies a configured cap per instrument and key', () => {
    const g = new CardinalityGuard(2);
    const rule = { key: 'k' };
    expect([g.admit(rule, 'a', 'm1'), g.admit(rule, 'b', 'm1'), g.admit(rule, 'c', 'm1'), g.admit(rule, 'a', 'm1')]).toEqual(['a', 'b', '_other', 'a']);
    expect(g.admit({ key: 'other' }, 'c', 'm1')).toBe('c');
    expect(g.admit(rule, 'c', 'm2')).toBe('c');
    expect(g.admit(rule, 'z', 'self', false)).toBe('z');
    expect(g.overflow.get('m1')?.get('k')).toBe(1);
    expect(g.overflow.has('m2')).toBe(false);
  });

  it('never starves another instrument: after 100 tool error codes, LLM errors keep their error.type', () => {
    // The guard keeps what earlier tests admitted: 150 new codes overflow whatever it already holds.
    for (let i = 0; i < 150; i++) recordToolCall({ tool: 'tool_0', seconds: 0.1, error: `E_TOOL_${i}` });
    recordLlmCall({ provider: 'openai', model: 'gpt-x', seconds: 1, error: 'rate_limited' });
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'tool_0', 'error.type': '_other' })!.count).toBeGreaterThanOrEqual(50);
    const llm = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-x', 'error.type': 'rate_limited' };
    expect(histogramOf('gen_ai.client.operation.duration', llm)!.count).toBe(1);
  });

  it("never caps agentmeter's own instruments, whatever the configured cap", () => {
    const saved = guard.cap;
    guard.cap = 1;
    try {
      recordToolCall({ tool: 'a', seconds: Number.NaN });
      recordToolCall({ tool: 'a', seconds: -1 });
      expect(valueOf(DROPPED, { 'agentmeter.reason': 'not_a_number' })).toBe(1);
      expect(valueOf(DROPPED, { 'agentmeter.reason': 'negative' })).toBe(1);
    } finally {
      guard.cap = saved;
    }
  });
});

describe('bad input is counted, never thrown', () => {
  let warnings: string[];
  const logger: DiagLogger = {
    error: () => {},
    warn: (message: string) => warnings.push(message),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  beforeEach(() => {
    resetStore();
    warnings = [];
    diag.setLogger(logger, DiagLogLevel.WARN);
  });
  afterEach(() => diag.disable());

  it.each([
    ['NaN seconds', { tool: 't', seconds: Number.NaN }, 'not_a_number'],
    ['string seconds', { tool: 't', seconds: '0.5' }, 'not_a_number'],
    ['undefined seconds', { tool: 't' }, 'not_a_number'],
    ['Infinity seconds', { tool: 't', seconds: Infinity }, 'non_finite'],
    ['-Infinity seconds', { tool: 't', seconds: -Infinity }, 'non_finite'],
    ['negative seconds', { tool: 't', seconds: -0.1 }, 'negative'],
    ['missing tool', { seconds: 0.1 }, 'missing_name'],
    ['empty tool', { tool: '', seconds: 0.1 }, 'missing_name'],
    ['numeric tool', { tool: 7, seconds: 0.1 }, 'not_a_string'],
  ])('%s is dropped with reason %s', (_label, input, reason) => {
    const before = guard.dropped[reason as keyof typeof guard.dropped];
    expect(() => recordToolCall(input as never)).not.toThrow();
    expect(guard.dropped[reason as keyof typeof guard.dropped]).toBe(before + 1);
    expect(valueOf(DROPPED, { 'agentmeter.reason': reason })).toBe(before + 1);
    expect(metric(TOOL)).toBeUndefined();
  });

  it('shortens an over-long name to 128 characters and counts it', () => {
    const long = 'x'.repeat(500);
    const before = guard.dropped.name_too_long;
    recordCacheLookup({ cache: long, hit: true });
    recordCacheLookup({ cache: long, hit: true });
    const short = 'x'.repeat(MAX_VALUE_LENGTH);
    expect(valueOf('agent.cache.requests', { 'agent.cache.name': short, 'agent.cache.result': 'hit' })).toBe(2);
    expect(guard.dropped.name_too_long).toBe(before + 2);
  });

  it('maps an invalid enum value to _other and counts it', () => {
    const before = guard.dropped.invalid_enum;
    recordCacheEviction({ cache: 'c', reason: 'lru' as never });
    expect(valueOf('agent.cache.evictions', { 'agent.cache.name': 'c', 'agent.cache.eviction.reason': '_other' })).toBe(1);
    expect(guard.dropped.invalid_enum).toBe(before + 1);
    setHealth('sick' as never);
    expect(guard.dropped.invalid_enum).toBe(before + 2);
  });

  it('survives input objects whose getters throw', () => {
    const hostile = {
      get tool(): string {
        throw new Error('getter');
      },
      seconds: 1,
    };
    expect(() => recordToolCall(hostile)).not.toThrow();
    expect(() => recordCacheLookup(null as never)).not.toThrow();
    expect(() => recordLlmCall(undefined as never)).not.toThrow();
    expect(() => recordRouting({ strategy: 's', agent: 'a', seconds: 0.1, candidates: -1 })).not.toThrow();
  });

  const throwingGetter = Object.defineProperty({ seconds: 1 }, 'tool', {
    get() {
      throw new Error('secret-user-text');
    },
  });
  const proxy = new Proxy({}, {
    get() {
      throw new Error('secret-user-text');
    },
  });
  // [what, a call with that input, the drop reason it is counted under]
  const hostileCases: Array<[string, () => void, string]> = [
    ['a number for a name', () => recordToolCall({ tool: 42 as never, seconds: 0.1 }), 'not_a_string'],
    ['a symbol for a name', () => recordCacheLookup({ cache: Symbol('c') as never, hit: true }), 'not_a_string'],
    ['a BigInt for a name', () => recordRouting({ strategy: 10n as never, agent: 'a', seconds: 0.1 }), 'not_a_string'],
    ['a number for an enum', () => recordCacheEviction({ cache: 'c', reason: 42 as never }), 'not_a_string'],
    ['a BigInt for seconds', () => recordToolCall({ tool: 't', seconds: 1n as never }), 'not_a_number'],
    ['a symbol for seconds', () => recordLlmCall({ provider: 'p', model: 'm', seconds: Symbol('s') as never }), 'not_a_number'],
    ['a throwing getter', () => recordToolCall(throwingGetter as never), 'unreadable_input'],
    ['a Proxy that throws on every read', () => recordCacheLookup(proxy as never), 'unreadable_input'],
  ];
  it.each(hostileCases)('%s: never throws, counted under its reason, one warning per reason, no value in it', (_what, call, reason) => {
    const before = guard.dropped[reason as keyof typeof guard.dropped];
    expect(call).not.toThrow();
    expect(call).not.toThrow();
    expect(guard.dropped[reason as keyof typeof guard.dropped]).toBe(before + 2);
    expect(warnings.filter((w) => w.includes(`(${reason})`)).length).toBeLessThanOrEqual(1);
    for (const w of warnings) expect(w).not.toContain('secret-user-text');
  });

  it('names the field and the rule of an invalid enum value, never the value', () => {
    const fresh = new CardinalityGuard();
    fresh.admit({ key: 'agent.cache.eviction.reason', values: ['size', 'ttl'] }, 'Jane Doe 123-45-6789');
    expect(warnings).toEqual(['agentmeter: sample normalised (invalid_enum): agent.cache.eviction.reason is not one of size, ttl; counted in agentmeter.dropped, further ones are not reported']);
  });

  it('warns once per reason through diag', () => {
    const fresh = new CardinalityGuard();
    fresh.measurement(Number.NaN, 'a');
    fresh.measurement(Number.NaN, 'b');
    fresh.measurement(-1, 'c');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      'agentmeter: sample dropped (not_a_number): a=NaN; counted in agentmeter.dropped, further ones are not reported',
    );
    expect(warnings[1]).toBe(
      'agentmeter: sample dropped (negative): c=-1; counted in agentmeter.dropped, further ones are not reported',
    );
  });
});

describe('errorType', () => {
  it.each([
    ['', '_OTHER'],
    [null, '_OTHER'],
    [42, '_OTHER'],
    [new Error('x'), 'Error'],
    [Object.assign(new Error('x'), { code: 23505 }), 'Error'],
    [Object.create(null), '_OTHER'],
  ])('errorType(%s) is %s', (input, expected) => {
    expect(errorType(input)).toBe(expected);
  });
});

describe('disabled recording', () => {
  it('records nothing while disabled', async () => {
    const { state } = await import('../../src/store/registry');
    resetStore();
    state.enabled = false;
    try {
      recordToolCall({ tool: 'off', seconds: 1 });
    } finally {
      state.enabled = true;
    }
    expect(metric(TOOL)).toBeUndefined();
    vi.restoreAllMocks();
  });
});
