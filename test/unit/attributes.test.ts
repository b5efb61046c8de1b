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
    expect(valueOf('agentmeter.attribute.overflow', { 'agentmeter.attribute.key': 'gen_ai.tool.name' })).toBe(2);
    expect(metric(TOOL)!.dataPoints).toHaveLength(101);
  });

  it('applies a configured cap per key, not per instrument', () => {
    const g = new CardinalityGuard(2);
    const rule = { key: 'k' };
    expect([g.admit(rule, 'a'), g.admit(rule, 'b'), g.admit(rule, 'c'), g.admit(rule, 'a')]).toEqual(['a', 'b', '_other', 'a']);
    expect(g.admit({ key: 'other' }, 'c')).toBe('c');
    expect(g.overflowByKey.get('k')).toBe(1);
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
    ['numeric tool', { tool: 7, seconds: 0.1 }, 'missing_name'],
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
