// The MCP patches on a stand-in for the SDK's Protocol that stores and dispatches handlers the way
// @modelcontextprotocol/sdk 1.x does; the real SDK is exercised in test/integration/zero-code.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { patchProtocol, unpatchProtocol } from '../../../../src/instrumentations/mcp/protocol';
import { patchMcpServer, tracingOn } from '../../../../src/instrumentations/mcp/tools';
import { guard } from '../../../../src/store/registry';
import { histogramOf, metric, resetStore, valueOf } from '../../helpers';

type Handler = (request: unknown, extra: unknown) => unknown;

class StdioServerTransport {}
class StreamableHTTPServerTransport {}
class InMemoryTransport {}

/** Stores each handler in a closure keyed by method and calls it with the raw request, as Protocol does. */
class Protocol {
  _requestHandlers = new Map<string, Handler>();
  _notificationHandlers = new Map<string, (n: unknown) => unknown>();
  _transport: object | undefined = new StdioServerTransport();
  reply: (message: { method: string }) => unknown = () => ({});
  get transport(): object | undefined {
    return this._transport;
  }
  setRequestHandler(method: string, handler: Handler): void {
    this._requestHandlers.set(method, (request, extra) => Promise.resolve(handler(request, extra)));
  }
  setNotificationHandler(method: string, handler: (n: unknown) => unknown): void {
    this._notificationHandlers.set(method, (n) => Promise.resolve(handler(n)));
  }
  async request(message: { method: string }): Promise<unknown> {
    return this.reply(message);
  }
  async notification(_message: { method: string }): Promise<void> {}
  _onclose(): void {
    this._transport = undefined;
  }
  dispatch(method: string, params?: object, extra: object = {}): Promise<unknown> {
    return this._requestHandlers.get(method)!({ jsonrpc: '2.0', id: 7, method, params }, extra) as Promise<unknown>;
  }
}

/** The part of McpServer that runs a tool, and its tools/call handler turning throws into isError. */
class McpServer {
  constructor(readonly server: Protocol, tools: Record<string, () => unknown>) {
    server.setRequestHandler('tools/call', async (request, extra) => {
      try {
        return await this.executeToolHandler(tools[(request as { params: { name: string } }).params.name]!, undefined, extra);
      } catch (err) {
        return { content: [{ type: 'text', text: String(err) }], isError: true };
      }
    });
  }
  async executeToolHandler(tool: () => unknown, _args: unknown, _extra: unknown): Promise<unknown> {
    return tool();
  }
}

let enabled = true;
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const hooks = { enabled: () => enabled, tracer: () => trace.getTracer('test') };

beforeAll(() => {
  patchProtocol(Protocol.prototype, hooks);
  patchMcpServer(McpServer.prototype, hooks.enabled);
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  unpatchProtocol(Protocol.prototype);
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  enabled = true;
  resetStore();
  exporter.reset();
});

const SERVER = 'mcp.server.operation.duration';
const CLIENT = 'mcp.client.operation.duration';
const TOOL = 'gen_ai.execute_tool.duration';
const count = (name: string, attributes: Record<string, string>): number | undefined => histogramOf(name, attributes)?.count;
const pipe = { 'network.transport': 'pipe' };

describe('requests a server handles', () => {
  const toolCases: Array<[string, () => unknown, string | undefined]> = [
    ['a result', () => ({ content: [] }), undefined],
    ['isError: true', () => ({ content: [], isError: true }), 'tool_error'],
    ['an McpError (JSON-RPC code)', () => Promise.reject(Object.assign(new Error('bad'), { code: -32602 })), '-32602'],
    ['a thrown TypeError', () => {
      throw new TypeError('x');
    }, 'TypeError'],
    ['an error with a string code', () => Promise.reject(Object.assign(new Error('t'), { code: 'ETIMEDOUT' })), 'ETIMEDOUT'],
  ];
  it.each(toolCases)('tools/call ending in %s: both metrics carry error.type %s', async (_case, tool, type) => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/call', tool);
    // A handler may throw synchronously; the SDK dispatches inside a promise chain.
    await Promise.resolve().then(() => protocol.dispatch('tools/call', { name: 'search' })).catch(() => undefined);
    const error = type === undefined ? {} : { 'error.type': type };
    expect(count(SERVER, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search', ...error, ...pipe })).toBe(1);
    expect(count(TOOL, { 'gen_ai.tool.name': 'search', ...error })).toBe(1);
    expect(metric(SERVER)!.dataPoints).toHaveLength(1);
  });

  it('returns the handler’s result and rethrows its error unchanged', async () => {
    const protocol = new Protocol();
    const result = { content: [{ type: 'text', text: 'ok' }] };
    const boom = new RangeError('boom');
    protocol.setRequestHandler('tools/call', (request) => ((request as { params: { name: string } }).params.name === 'ok' ? result : Promise.reject(boom)));
    await expect(protocol.dispatch('tools/call', { name: 'ok' })).resolves.toBe(result);
    await expect(protocol.dispatch('tools/call', { name: 'bad' })).rejects.toBe(boom);
  });

  it('a McpServer tool that throws counts as the thrown error, one that returns isError as tool_error', async () => {
    const protocol = new Protocol();
    new McpServer(protocol, {
      explode: () => {
        throw new SyntaxError('no');
      },
      refuse: () => ({ content: [], isError: true }),
      lookup: () => ({ content: [] }),
    });
    for (const name of ['explode', 'explode', 'refuse', 'lookup']) {
      expect(await protocol.dispatch('tools/call', { name }, {})).toMatchObject({ content: expect.any(Array) });
    }
    expect(count(TOOL, { 'gen_ai.tool.name': 'explode', 'error.type': 'SyntaxError' })).toBe(2);
    expect(count(TOOL, { 'gen_ai.tool.name': 'refuse', 'error.type': 'tool_error' })).toBe(1);
    expect(count(TOOL, { 'gen_ai.tool.name': 'lookup' })).toBe(1);
    expect(count(SERVER, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'explode', 'error.type': 'SyntaxError', ...pipe })).toBe(2);
  });

  it('other methods carry no tool name and are not tool calls', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/list', () => ({ tools: [] }));
    protocol.setRequestHandler('resources/read', () => Promise.reject(Object.assign(new Error('gone'), { code: -32002 })));
    await protocol.dispatch('tools/list');
    await protocol.dispatch('resources/read', { uri: 'file:///x' }).catch(() => undefined);
    expect(count(SERVER, { 'mcp.method.name': 'tools/list', ...pipe })).toBe(1);
    expect(count(SERVER, { 'mcp.method.name': 'resources/read', 'error.type': '-32002', ...pipe })).toBe(1);
    expect(metric(TOOL)).toBeUndefined();
  });

  it('times from the handler’s start to its result', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/call', () => new Promise((resolve) => setTimeout(() => resolve({ content: [] }), 60)));
    await protocol.dispatch('tools/call', { name: 'slow' });
    const h = histogramOf(SERVER, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'slow', ...pipe })!;
    expect(h.sum).toBeGreaterThanOrEqual(0.055);
    expect(h.sum).toBeLessThan(1);
    // MCP conventions' buckets: the call lands in (0.05, 0.1].
    expect(h.buckets.boundaries).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
    expect(h.buckets.counts.slice(0, 5)).toEqual([0, 0, 0, 1, 0]);
  });

  it('wraps a replaced handler once, and handlers set while disabled run untimed', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('ping', () => ({}));
    protocol.setRequestHandler('ping', () => ({ again: true }));
    await protocol.dispatch('ping');
    expect(count(SERVER, { 'mcp.method.name': 'ping', ...pipe })).toBe(1);
    enabled = false;
    await protocol.dispatch('ping');
    expect(count(SERVER, { 'mcp.method.name': 'ping', ...pipe })).toBe(1);
  });

  it.each([
    [new StdioServerTransport(), 'pipe'],
    [new StreamableHTTPServerTransport(), 'tcp'],
    [new InMemoryTransport(), undefined],
  ])('network.transport from the transport’s class (%o → %s)', async (transport, kind) => {
    const protocol = new Protocol();
    protocol._transport = transport;
    protocol.setRequestHandler('ping', () => ({}));
    await protocol.dispatch('ping');
    expect(count(SERVER, { 'mcp.method.name': 'ping', ...(kind === undefined ? {} : { 'network.transport': kind }) })).toBe(1);
  });

  it('bounds tool names by the attribute cap, in both metrics', async () => {
    const cap = guard.cap;
    // Earlier tests in this file admitted a few names already: a cap of 1 admits no new one.
    guard.cap = 1;
    try {
      const protocol = new Protocol();
      protocol.setRequestHandler('tools/call', () => ({ content: [] }));
      for (let i = 0; i < 5; i++) await protocol.dispatch('tools/call', { name: `user-${i}@example.com` });
      const names = (m: string) => metric(m)!.dataPoints.map((p) => p.attributes['gen_ai.tool.name']);
      expect(names(SERVER)).toEqual(['_other']);
      expect(names(TOOL)).toEqual(['_other']);
      expect(count(TOOL, { 'gen_ai.tool.name': '_other' })).toBe(5);
      expect(count(SERVER, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': '_other', ...pipe })).toBe(5);
    } finally {
      guard.cap = cap;
    }
  });
});

describe('sessions and the protocol version', () => {
  it('a session opens on initialize and ends when the transport closes; its version labels every operation', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('initialize', () => ({ protocolVersion: '2025-11-25', capabilities: {} }));
    protocol.setNotificationHandler('notifications/initialized', () => undefined);
    await protocol.dispatch('initialize', { protocolVersion: '2025-11-25' });
    await protocol._notificationHandlers.get('notifications/initialized')!({ method: 'notifications/initialized' });
    const version = { 'mcp.protocol.version': '2025-11-25', ...pipe };
    expect(count(SERVER, { 'mcp.method.name': 'initialize', ...version })).toBe(1);
    expect(count(SERVER, { 'mcp.method.name': 'notifications/initialized', ...version })).toBe(1);
    expect(valueOf('agent.sessions.active')).toBe(1);
    expect(metric('mcp.server.session.duration')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 30));
    protocol._onclose();
    expect(valueOf('agent.sessions.active')).toBe(0);
    const session = histogramOf('mcp.server.session.duration', version)!;
    expect(session.count).toBe(1);
    expect(session.sum).toBeGreaterThanOrEqual(0.025);
    protocol._onclose();
    expect(histogramOf('mcp.server.session.duration', version)!.count).toBe(1);
  });

  it('a failed initialize opens no session', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('initialize', () => Promise.reject(Object.assign(new Error('v'), { code: -32602 })));
    await protocol.dispatch('initialize', {}).catch(() => undefined);
    expect(valueOf('agent.sessions.active')).toBeUndefined();
  });

  it('a stateless HTTP server, which sees no initialize, takes the version from the mcp-protocol-version header', async () => {
    const protocol = new Protocol();
    protocol._transport = new StreamableHTTPServerTransport();
    protocol.setRequestHandler('tools/list', () => ({ tools: [] }));
    await protocol.dispatch('tools/list', undefined, { requestInfo: { headers: { 'mcp-protocol-version': '2025-06-18' } } });
    expect(count(SERVER, { 'mcp.method.name': 'tools/list', 'network.transport': 'tcp', 'mcp.protocol.version': '2025-06-18' })).toBe(1);
  });
});

describe('requests and notifications a peer sends', () => {
  it('times them until the response, with the negotiated version, tool_error and JSON-RPC codes', async () => {
    const protocol = new Protocol();
    protocol.reply = (message) => {
      const name = (message as { params?: { name?: string } }).params?.name;
      if (message.method === 'initialize') return { protocolVersion: '2025-11-25' };
      if (name === 'refuse') return { content: [], isError: true };
      if (name === 'missing') throw Object.assign(new Error('no'), { code: -32602 });
      return { content: [] };
    };
    await protocol.request({ method: 'initialize', params: {} } as { method: string });
    await protocol.notification({ method: 'notifications/initialized' });
    for (const name of ['lookup', 'refuse', 'missing']) await protocol.request({ method: 'tools/call', params: { name } } as { method: string }).catch(() => undefined);
    const version = { 'mcp.protocol.version': '2025-11-25', ...pipe };
    expect(count(CLIENT, { 'mcp.method.name': 'initialize', ...version })).toBe(1);
    expect(count(CLIENT, { 'mcp.method.name': 'notifications/initialized', ...version })).toBe(1);
    expect(count(CLIENT, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'lookup', ...version })).toBe(1);
    expect(count(CLIENT, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'refuse', 'error.type': 'tool_error', ...version })).toBe(1);
    expect(count(CLIENT, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'missing', 'error.type': '-32602', ...version })).toBe(1);
    // The tool runs on the server: the client records no gen_ai.execute_tool.duration.
    expect(metric(TOOL)).toBeUndefined();
  });

  it('hands back the same result and the same rejection', async () => {
    const protocol = new Protocol();
    const result = { ok: true };
    const failure = new Error('closed');
    protocol.reply = (m) => (m.method === 'ping' ? result : Promise.reject(failure));
    await expect(protocol.request({ method: 'ping' })).resolves.toBe(result);
    await expect(protocol.request({ method: 'tools/list' })).rejects.toBe(failure);
    expect(count(CLIENT, { 'mcp.method.name': 'tools/list', 'error.type': 'Error', ...pipe })).toBe(1);
  });
});

describe('the execute_tool span', () => {
  it('is a SERVER span named after the tool, a child of the trace context in params._meta, with error.type on failure', async () => {
    const protocol = new Protocol();
    let active: string | undefined;
    protocol.setRequestHandler('tools/call', () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      return { content: [], isError: true };
    });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await protocol.dispatch('tools/call', { name: 'get_weather', _meta: { traceparent } }, { sessionId: 'sess-1' });
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('execute_tool get_weather');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(active).toBe(span!.spanContext().spanId);
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': '7',
      'network.transport': 'pipe',
      'mcp.session.id': 'sess-1',
      'error.type': 'tool_error',
    });
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('is not built while no TracerProvider is registered, which is looked up at most once a second', async () => {
    trace.disable();
    const tracer = vi.spyOn(hooks, 'tracer');
    try {
      expect(tracingOn(performance.now() + 2000)).toBe(false);
      const protocol = new Protocol();
      protocol.setRequestHandler('tools/call', () => ({ content: [] }));
      await protocol.dispatch('tools/call', { name: 'quiet' });
      expect(tracer).not.toHaveBeenCalled();
      expect(count(TOOL, { 'gen_ai.tool.name': 'quiet' })).toBe(1);
    } finally {
      tracer.mockRestore();
      trace.setGlobalTracerProvider(provider);
      expect(tracingOn(performance.now() + 4000)).toBe(true);
    }
  });
});
