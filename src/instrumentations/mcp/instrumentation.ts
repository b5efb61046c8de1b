/**
 * Zero-code metrics for MCP servers and clients: every request and notification a Server or
 * Client handles or sends, tool calls (also as `gen_ai.execute_tool.duration` and an
 * `execute_tool` span), and sessions. `Server`, `Client` and `McpServer` all dispatch through
 * `Protocol`, whose prototype is patched:
 * - SDK 1.x (`@modelcontextprotocol/sdk`): two of its files, in its ESM and CommonJS builds;
 * - SDK 2.x (`@modelcontextprotocol/server`, `@modelcontextprotocol/client`): each package
 *   bundles its own `Protocol` into hashed chunks, and exports it (and `McpServer`) from its
 *   main entry, which is what is hooked.
 * A version or shape not known here gets one stderr line naming the package and version.
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
import { noticeOnce } from '../notice';
import { REGISTRATION_METHODS } from './tools';
import type { McpServerModule, ProtocolModule } from './sdk-types';

/** Every file or package is hooked whatever its version, so an unsupported one is named, not skipped in silence. */
const ANY_VERSION = ['*'];

function unsupported(name: string, version: string | undefined, supported: readonly string[]): void {
  noticeOnce(
    `mcp:${name}@${version}`,
    `agentmeter: ${name} ${version ?? '(unknown version)'} is not supported by the MCP instrumentation (supported: ${supported.join(' ')}); its operations are not measured`,
  );
}

/** The SDK versions patched: `Protocol` has had this shape since 1.10; tested with 1.32. */
export const MCP_SDK_VERSIONS = ['>=1.10.0 <2'];
/** The v2 packages' versions patched; tested with 2.4. */
export const MCP_V2_VERSIONS = ['>=2.0.0 <3'];
/** The v2 packages, each with its own bundled `Protocol`. */
export const MCP_V2_PACKAGES = ['@modelcontextprotocol/server', '@modelcontextprotocol/client'] as const;

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

  protected init(): InstrumentationNodeModuleDefinition[] {
    const esm = [this.protocolFile('esm', `${PROTOCOL_FILE}.js`), this.mcpServerFile('esm', `${MCP_SERVER_FILE}.js`)];
    // Named as require-in-the-middle names a module-internal file: no extension.
    this.commonJsFiles = [this.protocolFile('cjs', PROTOCOL_FILE), this.mcpServerFile('cjs', MCP_SERVER_FILE)];
    const v1 = new InstrumentationNodeModuleDefinition('@modelcontextprotocol/sdk', ANY_VERSION, undefined, undefined, [...esm, ...this.commonJsFiles]);
    return [v1, ...MCP_V2_PACKAGES.map((name) => this.v2Package(name))];
  }

  /** A v2 package's main entry: its `Protocol`, and the server package's `McpServer`. */
  private v2Package(name: string): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      name,
      ANY_VERSION,
      (exports: ProtocolModule & McpServerModule, version?: string) => {
        if (version === undefined || !/^2\./.test(version)) {
          unsupported(name, version, MCP_V2_VERSIONS);
          return exports;
        }
        this.patchModule(name, version, exports);
        return exports;
      },
      (exports?: ProtocolModule & McpServerModule) => this.unpatchModule(exports),
    );
  }

  /** Patches `Protocol` and, where exported, `McpServer`; a missing `Protocol` is named on stderr. */
  private patchModule(name: string, version: string | undefined, exports: ProtocolModule & McpServerModule): void {
    const prototype = exports.Protocol?.prototype as Record<string, unknown> | undefined;
    if (prototype === undefined || typeof prototype.setRequestHandler !== 'function' || typeof prototype.request !== 'function') {
      noticeOnce(`mcp-shape:${name}@${version}`, `agentmeter: ${name} ${version ?? ''} exports no Protocol of the known shape; its MCP operations are not measured`);
      return;
    }
    patchProtocol(prototype, this.hooks);
    // Without it, a tool that throws counts as tool_error, as the SDK reports it.
    if (exports.McpServer?.prototype && !patchMcpServer(exports.McpServer.prototype, this.hooks.enabled)) {
      this._diag.debug(`${name}: no McpServer.executeToolHandler; thrown tool errors count as tool_error`);
    }
  }

  private unpatchModule(exports?: ProtocolModule & McpServerModule): void {
    if (exports?.Protocol?.prototype) unpatchProtocol(exports.Protocol.prototype);
    if (exports?.McpServer?.prototype) unpatchMcpServer(exports.McpServer.prototype);
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
      if (file === undefined || basedir === undefined) return exports;
      const version = packageVersion(basedir);
      // Kept where the base class looks for it, so disable() and enable() unpatch and repatch it.
      (file as InstrumentationModuleFile).moduleExports = exports;
      return this.isEnabled() ? file.patch(exports, version) : exports;
    });
  }

  private protocolFile(build: 'cjs' | 'esm', file: string): InstrumentationNodeModuleFile {
    return this.v1File(build, file, (exports, version) => {
      if (exports.Protocol?.prototype) this.patchModule('@modelcontextprotocol/sdk', version, { Protocol: exports.Protocol });
      else this._diag.debug('@modelcontextprotocol/sdk: no Protocol export; MCP operations are not measured');
    });
  }

  private mcpServerFile(build: 'cjs' | 'esm', file: string): InstrumentationNodeModuleFile {
    return this.v1File(build, file, (exports) => {
      // Without it, a tool that throws counts as tool_error, as the SDK reports it.
      if (!exports.McpServer?.prototype || !patchMcpServer(exports.McpServer.prototype, this.hooks.enabled)) {
        this._diag.debug('@modelcontextprotocol/sdk: no McpServer.executeToolHandler; thrown tool errors count as tool_error');
      }
    });
  }

  /** A file of the 1.x SDK, patched when its version is supported (else named on stderr). */
  private v1File(build: 'cjs' | 'esm', file: string, patch: (exports: ProtocolModule & McpServerModule, version: string | undefined) => void): InstrumentationNodeModuleFile {
    return new InstrumentationNodeModuleFile(
      `@modelcontextprotocol/sdk/dist/${build}/${file}`,
      ANY_VERSION,
      (exports: ProtocolModule & McpServerModule, version?: string) => {
        if (isSupportedV1(version)) patch(exports, version);
        else unsupported('@modelcontextprotocol/sdk', version, MCP_SDK_VERSIONS);
        return exports;
      },
      (exports?: ProtocolModule & McpServerModule) => this.unpatchModule(exports),
    );
  }
}

function unpatchMcpServer(prototype: object): void {
  for (const method of ['executeToolHandler', ...Object.keys(REGISTRATION_METHODS)]) unwrapMethod(prototype, method);
}

/** The version in the package.json at a package's root. */
function packageVersion(basedir: string): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** `>=1.10.0 <2`. */
function isSupportedV1(version: string | undefined): boolean {
  const match = version === undefined ? null : /^1\.(\d+)\./.exec(version);
  return match !== null && Number(match[1]) >= 10;
}
