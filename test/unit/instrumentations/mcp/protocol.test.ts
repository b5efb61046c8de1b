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
/** SDK 2.x's names. */
class WebStandardStreamableHTTPServerTransport {}
class WebSocketClientTransport {}
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
  async close(): Promise<void> {
    this._onclose();
  }
  dispatch(method: string, params?: object, extra: object = {}): Promise<unknown> {
    return this._requestHandlers.get(method)!({ jsonrpc: '2.0', id: 7, method, params }, extra) as Promise<unknown>;
  }
}

/** The part of McpServer that runs a tool, and its tools/call handler turning throws into isError. */
class McpServer {
  constructor(readonly server: Protocol, tools: Record<string, () => unknown>) {
    for (const name of Object.keys(tools)) this.registerTool(name);
    server.setRequestHandler('tools/call', async (request, extra) => {
      const tool = tools[(request as { params: { name: string } }).params.name];
      // As the SDK: an unknown name is answered before any tool runs.
      if (tool === undefined) return { content: [{ type: 'text', text: 'Tool not found' }], isError: true };
      try {
        return await this.executeToolHandler(tool, undefined, extra);
      } catch (err) {
        return { content: [{ type: 'text', text: String(err) }], isError: true };
      }
    });
  }
  async executeToolHandler(tool: () => unknown, _args: unknown, _extra: unknown): Promise<unknown> {
    return tool();
  }
  registerTool(_name: string): void {}
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
/** A tools/call series also carries gen_ai.operation.name (derived from the method). */
const call = { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool' };
/** A low-level server whose tools/list answer names `tools`: those names are its own (names.ts). */
async function listing(protocol: Protocol, tools: string[]): Promise<void> {
  protocol.setRequestHandler('tools/list', () => ({ tools: tools.map((name) => ({ name })) }));
  await protocol.dispatch('tools/list');
}

describe('requests a server handles', () => {
  // [case, tool, error.type and rpc.response.status_code of the MCP series, error.type of the tool series]
  const toolCases: Array<[string, () => unknown, Record<string, string>, string | undefined]> = [
    ['a result', () => ({ content: [] }), {}, undefined],
    ['isError: true', () => ({ content: [], isError: true }), { 'error.type': 'tool_error' }, 'tool_error'],
    // A code of a request the caller got wrong is a status code, not a server failure (MCP conventions).
    ['a JSON-RPC invalid-params error', () => Promise.reject(Object.assign(new Error('bad'), { code: -32602 })), { 'rpc.response.status_code': '-32602' }, '-32602'],
    ['a JSON-RPC internal error', () => Promise.reject(Object.assign(new Error('bad'), { code: -32603 })), { 'error.type': '-32603', 'rpc.response.status_code': '-32603' }, '-32603'],
    ['a thrown TypeError', () => {
      throw new TypeError('x');
    }, { 'error.type': 'TypeError' }, 'TypeError'],
    ['an error with a string code', () => Promise.reject(Object.assign(new Error('t'), { code: 'ETIMEDOUT' })), { 'error.type': 'ETIMEDOUT' }, 'ETIMEDOUT'],
  ];
  it.each(toolCases)('tools/call ending in %s', async (_case, tool, outcome, toolError) => {
    const protocol = new Protocol();
    await listing(protocol, ['search']);
    protocol.setRequestHandler('tools/call', tool);
    // A handler may throw synchronously; the SDK dispatches inside a promise chain.
    await Promise.resolve().then(() => protocol.dispatch('tools/call', { name: 'search' })).catch(() => undefined);
    expect(count(SERVER, { ...call, 'gen_ai.tool.name': 'search', ...outcome, ...pipe })).toBe(1);
    expect(count(TOOL, { 'gen_ai.tool.name': 'search', ...(toolError === undefined ? {} : { 'error.type': toolError }) })).toBe(1);
    expect(metric(SERVER)!.dataPoints).toHaveLength(2);
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
    expect(count(SERVER, { ...call, 'gen_ai.tool.name': 'explode', 'error.type': 'SyntaxError', ...pipe })).toBe(2);
  });

  it('other methods carry no tool name and are not tool calls', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/list', () => ({ tools: [] }));
    protocol.setRequestHandler('resources/read', () => Promise.reject(Object.assign(new Error('gone'), { code: -32002 })));
    await protocol.dispatch('tools/list');
    await protocol.dispatch('resources/read', { uri: 'file:///x' }).catch(() => undefined);
    expect(count(SERVER, { 'mcp.method.name': 'tools/list', ...pipe })).toBe(1);
    expect(count(SERVER, { 'mcp.method.name': 'resources/read', 'rpc.response.status_code': '-32002', ...pipe })).toBe(1);
    expect(metric(TOOL)).toBeUndefined();
  });

  it('times from the handler’s start to its result', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/call', () => new Promise((resolve) => setTimeout(() => resolve({ content: [] }), 60)));
    await protocol.dispatch('tools/call', { name: 'slow' });
    const h = histogramOf(SERVER, { ...call, 'gen_ai.tool.name': 'slow', ...pipe })!;
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
    [new StdioServerTransport(), { 'network.transport': 'pipe' }],
    [new StreamableHTTPServerTransport(), { 'network.transport': 'tcp', 'network.protocol.name': 'http' }],
    [new WebStandardStreamableHTTPServerTransport(), { 'network.transport': 'tcp', 'network.protocol.name': 'http' }],
    [new WebSocketClientTransport(), { 'network.transport': 'tcp', 'network.protocol.name': 'websocket' }],
    [new InMemoryTransport(), {}],
  ])('network.transport and network.protocol.name from the transport’s class (%o)', async (transport, connection) => {
    const protocol = new Protocol();
    protocol._transport = transport;
    protocol.setRequestHandler('ping', () => ({}));
    await protocol.dispatch('ping');
    expect(count(SERVER, { 'mcp.method.name': 'ping', ...connection })).toBe(1);
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
      expect(count(SERVER, { ...call, 'gen_ai.tool.name': '_other', ...pipe })).toBe(5);
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
    expect(count(SERVER, { 'mcp.method.name': 'tools/list', 'network.transport': 'tcp', 'network.protocol.name': 'http', 'mcp.protocol.version': '2025-06-18' })).toBe(1);
  });
});

describe('requests and notifications a peer sends', () => {
  it('times them until the response, with the negotiated version, tool_error and JSON-RPC codes', async () => {
    const protocol = new Protocol();
    protocol.reply = (message) => {
      const name = (message as { params?: { name?: string } }).params?.name;
      if (message.method === 'initialize') return { protocolVersion: '2025-11-25' };
      if (message.method === 'tools/list') return { tools: [{ name: 'lookup' }, { name: 'refuse' }] };
      if (name === 'refuse') return { content: [], isError: true };
      if (name === 'missing') throw Object.assign(new Error('no'), { code: -32602 });
      return { content: [] };
    };
    await protocol.request({ method: 'initialize', params: {} } as { method: string });
    await protocol.notification({ method: 'notifications/initialized' });
    await protocol.request({ method: 'tools/list' });
    for (const name of ['lookup', 'refuse', 'missing']) await protocol.request({ method: 'tools/call', params: { name } } as { method: string }).catch(() => undefined);
    const version = { 'mcp.protocol.version': '2025-11-25', ...pipe };
    expect(count(CLIENT, { 'mcp.method.name': 'initialize', ...version })).toBe(1);
    expect(count(CLIENT, { 'mcp.method.name': 'notifications/initialized', ...version })).toBe(1);
    expect(count(CLIENT, { ...call, 'gen_ai.tool.name': 'lookup', ...version })).toBe(1);
    expect(count(CLIENT, { ...call, 'gen_ai.tool.name': 'refuse', 'error.type': 'tool_error', ...version })).toBe(1);
    // Not in the server's list: `_unknown`; on the client every JSON-RPC code is an error.
    expect(count(CLIENT, { ...call, 'gen_ai.tool.name': '_unknown', 'error.type': '-32602', 'rpc.response.status_code': '-32602', ...version })).toBe(1);
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

describe('names come from the server, not from the peer', () => {
  it('100 calls to tools an McpServer does not have leave its real tools’ series intact', async () => {
    const protocol = new Protocol();
    new McpServer(protocol, { lookup: () => ({ content: [] }) });
    for (let i = 0; i < 100; i++) await protocol.dispatch('tools/call', { name: `bogus-${i}` }, {}).catch(() => undefined);
    await protocol.dispatch('tools/call', { name: 'lookup' }, {});
    // The stand-in McpServer answers an unknown name as the SDK does: with an isError result.
    expect(count(TOOL, { 'gen_ai.tool.name': '_unknown', 'error.type': 'tool_error' })).toBe(100);
    expect(count(TOOL, { 'gen_ai.tool.name': 'lookup' })).toBe(1);
    expect(count(SERVER, { ...call, 'gen_ai.tool.name': 'lookup', ...pipe })).toBe(1);
    expect(metric(TOOL)!.dataPoints.map((p) => p.attributes['gen_ai.tool.name'])).toEqual(['_unknown', 'lookup']);
  });

  it('an McpServer’s registry is read at call time (a tool renamed after registration keeps its name)', async () => {
    const protocol = new Protocol();
    const server = new McpServer(protocol, { lookup: () => ({ content: [] }) }) as McpServer & { _registeredTools: Record<string, unknown> };
    server._registeredTools = Object.assign(Object.create(null) as Record<string, unknown>, { renamed: {} });
    server.registerTool('lookup');
    await protocol.dispatch('tools/call', { name: 'renamed' }, {}).catch(() => undefined);
    expect(metric(TOOL)!.dataPoints.map((p) => p.attributes['gen_ai.tool.name'])).toEqual(['renamed']);
  });

  it.each(['__proto__', 'constructor', 'toString'])('a low-level server: %s is its own name only once it listed it or a call to it succeeded', async (name) => {
    const protocol = new Protocol();
    protocol.setRequestHandler('tools/call', (request) =>
      (request as { params: { name: string } }).params.name === name ? { content: [] } : Promise.reject(Object.assign(new Error('no such tool'), { code: -32602 })),
    );
    await protocol.dispatch('tools/call', { name: 'bogus' }).catch(() => undefined);
    await protocol.dispatch('tools/call', { name });
    expect(count(SERVER, { ...call, 'gen_ai.tool.name': '_unknown', 'rpc.response.status_code': '-32602', ...pipe })).toBe(1);
    expect(count(TOOL, { 'gen_ai.tool.name': '_unknown', 'error.type': '-32602' })).toBe(1);
    expect(count(TOOL, { 'gen_ai.tool.name': name })).toBe(1);
  });

  it('prompts/get carries gen_ai.prompt.name for prompts the server listed, `_unknown` for others', async () => {
    const protocol = new Protocol();
    protocol.setRequestHandler('prompts/list', () => ({ prompts: [{ name: 'summarise' }] }));
    protocol.setRequestHandler('prompts/get', (request) =>
      (request as { params: { name: string } }).params.name === 'summarise' ? { messages: [] } : Promise.reject(Object.assign(new Error('no'), { code: -32602 })),
    );
    await protocol.dispatch('prompts/list');
    await protocol.dispatch('prompts/get', { name: 'summarise' });
    await protocol.dispatch('prompts/get', { name: 'guess' }).catch(() => undefined);
    expect(count(SERVER, { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'summarise', ...pipe })).toBe(1);
    expect(count(SERVER, { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': '_unknown', 'rpc.response.status_code': '-32602', ...pipe })).toBe(1);
    expect(metric(TOOL)).toBeUndefined();
  });

  it('a client labels only the tools the server listed to it', async () => {
    const protocol = new Protocol();
    protocol.reply = (m) => (m.method === 'tools/list' ? { tools: [{ name: 'lookup' }] } : { content: [] });
    await protocol.request({ method: 'tools/call', params: { name: 'lookup' } } as { method: string });
    await protocol.request({ method: 'tools/list' });
    await protocol.request({ method: 'tools/call', params: { name: 'lookup' } } as { method: string });
    await protocol.request({ method: 'tools/call', params: { name: 'unlisted' } } as { method: string });
    expect(count(CLIENT, { ...call, 'gen_ai.tool.name': '_unknown', ...pipe })).toBe(2);
    expect(count(CLIENT, { ...call, 'gen_ai.tool.name': 'lookup', ...pipe })).toBe(1);
  });
});

describe('client sessions', () => {
  it('open when initialize is answered and end with the transport; an end nobody asked for is connection_closed', async () => {
    for (const asked of [true, false]) {
      const protocol = new Protocol();
      protocol.reply = () => ({ protocolVersion: '2025-11-25' });
      await protocol.request({ method: 'initialize', params: {} } as { method: string });
      if (asked) await protocol.close();
      else protocol._onclose();
    }
    const version = { 'mcp.protocol.version': '2025-11-25', ...pipe };
    expect(count('mcp.client.session.duration', version)).toBe(1);
    expect(count('mcp.client.session.duration', { ...version, 'error.type': 'connection_closed' })).toBe(1);
    // A client's session is not one this process serves.
    expect(valueOf('agent.sessions.active')).toBeUndefined();
  });
});
