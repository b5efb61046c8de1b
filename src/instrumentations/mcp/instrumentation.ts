/**
 * Zero-code metrics for `@modelcontextprotocol/sdk` 1.x servers and clients: every request and
 * notification a Server or Client handles or sends, tool calls (also as
 * `gen_ai.execute_tool.duration` and an `execute_tool` span), and server sessions. It patches
 * two of the SDK's internal files, in its ESM and CommonJS builds alike, since `Server`,
 * `Client` and `McpServer` all dispatch through `Protocol`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
  type InstrumentationModuleFile,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { patchProtocol, unpatchProtocol, type McpHooks } from './protocol';
import { patchMcpServer } from './tools';
import { unwrapMethod } from '../wrap';
import type { McpServerModule, ProtocolModule } from './sdk-types';

/** The SDK versions patched: `Protocol` has had this shape since 1.10; tested with 1.32. */
export const MCP_SDK_VERSIONS = ['>=1.10.0 <2'];

const PROTOCOL_FILE = 'shared/protocol';
const MCP_SERVER_FILE = 'server/mcp';

interface RequireHook {
  unhook(): void;
}
type RequireHookClass = new (
  modules: string[],
  options: { internals: boolean },
  onRequire: (exports: unknown, name: string, basedir?: string) => unknown,
) => RequireHook;

export class McpInstrumentation extends InstrumentationBase {
  private readonly hooks: McpHooks = {
    enabled: () => this.isEnabled(),
    tracer: () => this.tracer,
  };
  /** Set in init(), which the base constructor calls before field initialisers run. */
  declare private commonJsFiles: InstrumentationNodeModuleFile[];

  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-mcp', PACKAGE_VERSION, config);
    this.hookCommonJs();
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const esm = [this.protocolFile('esm', `${PROTOCOL_FILE}.js`), this.mcpServerFile('esm', `${MCP_SERVER_FILE}.js`)];
    // Named as require-in-the-middle names a module-internal file: no extension.
    this.commonJsFiles = [this.protocolFile('cjs', PROTOCOL_FILE), this.mcpServerFile('cjs', MCP_SERVER_FILE)];
    return new InstrumentationNodeModuleDefinition('@modelcontextprotocol/sdk', MCP_SDK_VERSIONS, undefined, undefined, [
      ...esm,
      ...this.commonJsFiles,
    ]);
  }

  /**
   * The base class finds CommonJS files through require-in-the-middle's shared hook, which skips
   * every file of a package whose main entry does not resolve, and the SDK's `"."` export names
   * a `dist/cjs/index.js` it does not ship. A hook that lists the two files by name finds them.
   * require-in-the-middle is the base class's own dependency, so it is loaded from there.
   */
  private hookCommonJs(): void {
    let Hook: RequireHookClass;
    try {
      const fromInstrumentation = createRequire(require.resolve('@opentelemetry/instrumentation'));
      ({ Hook } = fromInstrumentation('require-in-the-middle') as { Hook: RequireHookClass });
    } catch (err) {
      this._diag.warn('require-in-the-middle not found beside @opentelemetry/instrumentation: CommonJS MCP servers are not measured', err);
      return;
    }
    const byName = new Map(this.commonJsFiles.map((f) => [f.name, f]));
    new Hook([...byName.keys()], { internals: true }, (exports, name, basedir) => {
      const file = byName.get(name);
      if (file === undefined || basedir === undefined || !isSupportedVersion(basedir)) return exports;
      // Kept where the base class looks for it, so disable() and enable() unpatch and repatch it.
      (file as InstrumentationModuleFile).moduleExports = exports;
      return this.isEnabled() ? file.patch(exports) : exports;
    });
  }

  private protocolFile(build: 'cjs' | 'esm', file: string): InstrumentationNodeModuleFile {
    return new InstrumentationNodeModuleFile(
      `@modelcontextprotocol/sdk/dist/${build}/${file}`,
      MCP_SDK_VERSIONS,
      (exports: ProtocolModule) => {
        if (exports.Protocol?.prototype) patchProtocol(exports.Protocol.prototype, this.hooks);
        else this._diag.debug('@modelcontextprotocol/sdk: no Protocol export; MCP operations are not measured');
        return exports;
      },
      (exports?: ProtocolModule) => {
        if (exports?.Protocol?.prototype) unpatchProtocol(exports.Protocol.prototype);
      },
    );
  }

  private mcpServerFile(build: 'cjs' | 'esm', file: string): InstrumentationNodeModuleFile {
    return new InstrumentationNodeModuleFile(
      `@modelcontextprotocol/sdk/dist/${build}/${file}`,
      MCP_SDK_VERSIONS,
      (exports: McpServerModule) => {
        // Without it, a tool that throws counts as tool_error, as the SDK reports it.
        if (!exports.McpServer?.prototype || !patchMcpServer(exports.McpServer.prototype, this.hooks.enabled)) {
          this._diag.debug('@modelcontextprotocol/sdk: no McpServer.executeToolHandler; thrown tool errors count as tool_error');
        }
        return exports;
      },
      (exports?: McpServerModule) => {
        if (exports?.McpServer?.prototype) unwrapMethod(exports.McpServer.prototype, 'executeToolHandler');
      },
    );
  }
}

/** `>=1.10.0 <2`, read from the package.json at the SDK's root. */
function isSupportedVersion(basedir: string): boolean {
  try {
    const { version } = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown };
    const match = typeof version === 'string' ? /^1\.(\d+)\./.exec(version) : null;
    return match !== null && Number(match[1]) >= 10;
  } catch {
    return false;
  }
}
