// The module definitions the MCP instrumentation hands to InstrumentationBase.
import { describe, expect, it } from 'vitest';
import { McpInstrumentation, MCP_SDK_VERSIONS } from '../../../../src/instrumentations/mcp/instrumentation';

describe('McpInstrumentation', () => {
  it('patches Protocol and McpServer in the ESM build (by file) and the CommonJS build (by require-in-the-middle name)', () => {
    const instrumentation = new McpInstrumentation({ enabled: false });
    const [definition] = instrumentation.getModuleDefinitions();
    expect(definition!.name).toBe('@modelcontextprotocol/sdk');
    expect(definition!.supportedVersions).toEqual(MCP_SDK_VERSIONS);
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
    for (const file of definition!.files) expect(file.patch({ other: 1 })).toEqual({ other: 1 });
  });
});
