// The module definitions the MCP instrumentation hands to InstrumentationBase.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { McpInstrumentation } from '../../../../src/instrumentations/mcp/instrumentation';

describe('McpInstrumentation', () => {
  it('patches Protocol and McpServer in the ESM build (by file) and the CommonJS build (by require-in-the-middle name)', () => {
    const instrumentation = new McpInstrumentation({ enabled: false });
    const [definition] = instrumentation.getModuleDefinitions();
    expect(definition!.name).toBe('@modelcontextprotocol/sdk');
    // Every version is hooked, so an unsupported one is named on stderr rather than skipped.
    expect(definition!.supportedVersions).toEqual(['*']);
    expect(definition!.files.map((f) => f.name)).toEqual([
      '@modelcontextprotocol/sdk/dist/esm/shared/protocol.js',
      '@modelcontextprotocol/sdk/dist/esm/server/mcp.js',
      '@modelcontextprotocol/sdk/dist/cjs/shared/protocol',
      '@modelcontextprotocol/sdk/dist/cjs/server/mcp',
    ]);
    expect(instrumentation.instrumentationName).toBe('agentmeter/instrumentation-mcp');
  });

  it('leaves exports without a Protocol or McpServer as they are', () => {
    const [definition] = new McpInstrumentation({ enabled: false }).getModuleDefinitions();
    for (const file of definition!.files) expect(file.patch({ other: 1 }, '1.32.2')).toEqual({ other: 1 });
  });
});

describe('McpInstrumentation on SDK 2.x and unknown versions', () => {
  let written: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    written = [];
  });
  const captureStderr = () =>
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

  it('hooks the main entry of @modelcontextprotocol/server and /client, whatever their version', () => {
    const definitions = new McpInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(definitions.map((d) => [d.name, d.supportedVersions, d.files.length])).toEqual([
      ['@modelcontextprotocol/sdk', ['*'], 4],
      ['@modelcontextprotocol/server', ['*'], 0],
      ['@modelcontextprotocol/client', ['*'], 0],
    ]);
  });

  it('patches a 2.x Protocol and McpServer from the exports', () => {
    class Protocol {
      setRequestHandler(): void {}
      request(): void {}
    }
    class McpServer {
      registerTool(): void {}
      async executeToolHandler(): Promise<void> {}
    }
    const originals = [Protocol.prototype.setRequestHandler, McpServer.prototype.registerTool, McpServer.prototype.executeToolHandler];
    const [, server] = new McpInstrumentation({ enabled: false }).getModuleDefinitions();
    server!.patch!({ Protocol, McpServer }, '2.4.0');
    expect([Protocol.prototype.setRequestHandler, McpServer.prototype.registerTool, McpServer.prototype.executeToolHandler].map((f, i) => f === originals[i])).toEqual([false, false, false]);
    server!.unpatch!({ Protocol, McpServer }, '2.4.0');
    expect([Protocol.prototype.setRequestHandler, McpServer.prototype.registerTool, McpServer.prototype.executeToolHandler].map((f, i) => f === originals[i])).toEqual([true, true, true]);
  });

  it.each([
    ['@modelcontextprotocol/server', 1, '3.0.0', 'agentmeter: @modelcontextprotocol/server 3.0.0 is not supported by the MCP instrumentation (supported: >=2.0.0 <3); its operations are not measured\n'],
    ['@modelcontextprotocol/client', 2, '1.99.0', 'agentmeter: @modelcontextprotocol/client 1.99.0 is not supported by the MCP instrumentation (supported: >=2.0.0 <3); its operations are not measured\n'],
  ])('names %s %s on stderr once, and leaves it alone', (_name, index, version, line) => {
    captureStderr();
    const definition = new McpInstrumentation({ enabled: false }).getModuleDefinitions()[index as number]!;
    class Protocol {
      setRequestHandler(): void {}
      request(): void {}
    }
    const original = Protocol.prototype.setRequestHandler;
    definition.patch!({ Protocol }, version);
    definition.patch!({ Protocol }, version);
    expect(written).toEqual([line]);
    expect(Protocol.prototype.setRequestHandler).toBe(original);
  });

  it('names a 2.x package whose Protocol has another shape', () => {
    captureStderr();
    const [, server] = new McpInstrumentation({ enabled: false }).getModuleDefinitions();
    server!.patch!({ Protocol: class {} }, '2.77.0');
    expect(written).toEqual(['agentmeter: @modelcontextprotocol/server 2.77.0 exports no Protocol of the known shape; its MCP operations are not measured\n']);
  });

  it('names an SDK 1.x older than 1.10', () => {
    captureStderr();
    const [v1] = new McpInstrumentation({ enabled: false }).getModuleDefinitions();
    v1!.files[0]!.patch({ Protocol: class {} }, '1.9.4');
    expect(written).toEqual(['agentmeter: @modelcontextprotocol/sdk 1.9.4 is not supported by the MCP instrumentation (supported: >=1.10.0 <2); its operations are not measured\n']);
  });
});
