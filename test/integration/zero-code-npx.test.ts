// The launch exactly as an MCP host does it: a host config
//   {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"],
//    "env": {"NODE_OPTIONS": "--import agentmeter/register", "OTEL_EXPORTER_PROMETHEUS_PORT": "9464"}}
// spawned by the SDK v1's StdioClientTransport (ref-driver.cjs), which gives the child that env
// over its default one (PATH, HOME, ...). NODE_OPTIONS reaches every Node process of the launch:
// npm's own (npx, and `npm exec`) and the server's. The server's tools must be counted on the
// configured port, served by the server's process alone; npm's process must stay silent.
//
// Where agentmeter comes from: `--import agentmeter/register` resolves from the cwd, so a host
// that names the package starts in a project that has it installed (cwd = the app dir; npx then
// runs the app's own copy of the server). A host started anywhere else names it by absolute path
// (here the app's node_modules/agentmeter/register.mjs or .js), and npx downloads the server into
// its cache. Both are tested. The server's version is pinned (as careful host configs do) to the
// one the app installs, so its tools do not change under the test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';
import { Children, overStdio, requestIds, responseIds, serverOps, sessionOps, targetInfo, toolCalls, type ToolCall } from '../infra/mcp-host';
import { ZERO_CODE_DEPENDENCIES, zeroCodeApp } from '../infra/zero-code-app';

/**
 * This machine's way to the registry (a CA, a proxy), if the test's env has one: the host's env
 * on such a machine would carry it too, or npx could not download the server.
 */
const REGISTRY_ENV = Object.fromEntries(
  ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'npm_config_registry', 'npm_config_cafile']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => [k, process.env[k]!]),
);

const SERVER = `@modelcontextprotocol/server-memory@${ZERO_CODE_DEPENDENCIES['@modelcontextprotocol/server-memory']}`;

let appDir: string;
/** A dir with no node_modules: the cwd of a host started outside the project. */
let elsewhere: string;
beforeAll(async () => {
  appDir = (await zeroCodeApp()).dir;
  elsewhere = mkdtempSync(join(tmpdir(), 'agentmeter-host-'));
}, 600000);
afterAll(() => {
  for (const dir of [appDir, elsewhere]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const children = new Children(() => appDir);
afterEach(() => children.stopAll());

const CALLS: ToolCall[] = [
  ['create_entities', { entities: [{ name: 'host', entityType: 'process', observations: ['spawns npx'] }] }],
  ['read_graph', {}, 2],
];
const SEES = { create_entities: 1, read_graph: 2 };

const LAUNCHERS = [
  { launcher: 'npx', command: ['npx', '-y', SERVER], script: 'npx-cli.js' },
  { launcher: 'npm exec', command: ['npm', 'exec', '-y', '--', SERVER], script: 'npm-cli.js' },
];

const WHERE = [
  { where: 'in the app dir, agentmeter by package name', cwd: () => appDir, register: (file: string) => `agentmeter/${file.replace(/\.m?js$/, '')}` },
  { where: 'elsewhere, agentmeter by absolute path', cwd: () => elsewhere, register: (file: string) => join(appDir, 'node_modules/agentmeter', file) },
];

describe.each(LAUNCHERS)('$launcher -y @modelcontextprotocol/server-memory with NODE_OPTIONS', ({ command, script }) => {
  describe.each(WHERE)('host started $where', (place) => {
    it.each([
      ['--import', 'register.mjs'],
      ['--require', 'register.js'],
    ])('NODE_OPTIONS=%s: the server’s tools on the configured port, served by the server; npm silent', async (flag, file) => {
      const { report, server, driver } = await overStdio(children, {
        cwd: place.cwd(),
        driver: [join(appDir, 'ref-driver.cjs')],
        command,
        env: {
          ...REGISTRY_ENV,
          NODE_OPTIONS: `${flag} ${place.register(file)}`,
          MEMORY_FILE_PATH: join(mkdtempSync(join(tmpdir(), 'agentmeter-memory-')), 'memory.jsonl'),
        },
        calls: CALLS,
        // npx may download the server into the npm cache the first time.
        timeoutMillis: 300000,
      });
      // The infrastructure: the launch worked, stdout is JSON-RPC only, everything ended on close.
      expect(report.results).toEqual([{ tool: 'create_entities', isError: false }, { tool: 'read_graph', isError: false }, { tool: 'read_graph', isError: false }]);
      expect(responseIds(report)).toEqual(requestIds(CALLS));
      expect(report.serverExit).toEqual({ code: 0, signal: null });

      // The endpoint is the server's: its node process, not npm's (the process the host spawned).
      const info = targetInfo(server);
      expect(info['process_pid']).not.toBe(String(report.launcherPid));
      // argv[1]: its bin link (node_modules/.bin/mcp-server-memory), which npm runs.
      expect(info['process_command']).toMatch(/[\\/]mcp-server-memory$|server-memory[\\/]dist[\\/]index\.js$/);
      expect(info['process_command_args']).not.toContain(script);
      // npm said nothing of agentmeter and lost no port to it (the stderr of the whole launch).
      expect(driver.stderr()).not.toMatch(/EADDRINUSE|^agentmeter/m);

      expect(toolCalls(server)).toEqual(SEES);
      expect(serverOps(server, { network_transport: 'pipe' })).toEqual(sessionOps(SEES));
    }, 600000);
  });
});

/** The host configurations of docs/zero-code.md: each `<!-- host-config: NAME -->` and the JSON block after it. */
function documentedHostConfigs(): Array<{ name: string; server: { command: string; args: string[]; env: Record<string, string> } }> {
  const doc = readFileSync(join(ROOT, 'docs/zero-code.md'), 'utf8');
  const configs = [...doc.matchAll(/<!-- host-config: (\S+) -->\n```json\n([\s\S]*?)\n```/g)].map(([, name, json]) => {
    const parsed = JSON.parse(json!) as { mcpServers?: Record<string, unknown>; servers?: Record<string, unknown> };
    const server = (parsed.mcpServers ?? parsed.servers)!.memory as { command: string; args: string[]; env: Record<string, string> };
    return { name: name!, server };
  });
  return configs;
}

describe('the host configurations docs/zero-code.md shows, as written', () => {
  const configs = documentedHostConfigs();
  it('are the two shapes hosts use (mcpServers: Claude Desktop, Claude Code, Cursor; servers: VS Code)', () => {
    expect(configs.map((c) => c.name)).toEqual(['mcpServers', 'vscode']);
  });

  it.each(configs.map((c) => [c.name, c.server] as const))('%s: launched by a host started elsewhere, the server is measured on its port', async (_name, server) => {
    // The documented path to a separate agentmeter install, pointed at the app's instead.
    const env = Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, v.replace('/home/me/.agentmeter/node_modules/agentmeter/', `${join(appDir, 'node_modules/agentmeter')}/`)]));
    expect(env.NODE_OPTIONS).toMatch(/^--(import|require) \//);
    const { report, server: page } = await overStdio(children, {
      cwd: elsewhere,
      driver: [join(appDir, 'ref-driver.cjs')],
      command: [server.command, ...server.args],
      // The test adds its registry access and a memory file of its own (the default is inside the server's install).
      env: { ...env, ...REGISTRY_ENV, MEMORY_FILE_PATH: join(mkdtempSync(join(tmpdir(), 'agentmeter-memory-')), 'memory.jsonl') },
      calls: CALLS,
      timeoutMillis: 300000,
    });
    expect(report.results.map((r) => r.isError)).toEqual([false, false, false]);
    expect(responseIds(report)).toEqual(requestIds(CALLS));
    expect(targetInfo(page)['service_name']).toBe('mcp-memory');
    expect(targetInfo(page)['process_pid']).not.toBe(String(report.launcherPid));
    expect(toolCalls(page)).toEqual(SEES);
  }, 600000);
});

describe('npm --silent start, a project whose start script runs the server (NODE_OPTIONS from the host)', () => {
  it.each([
    ['--import', 'register.mjs'],
    ['--require', 'register.js'],
  ])('NODE_OPTIONS=%s: the script’s node process is measured, npm’s stays passive', async (flag, file) => {
    const project = mkdtempSync(join(tmpdir(), 'agentmeter-npm-start-'));
    const entry = join(appDir, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
    // --silent: without it npm prints the script's command line on stdout, the protocol channel.
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'host-project', private: true, scripts: { start: `node ${entry}` } }));
    const { report, server, driver } = await overStdio(children, {
      cwd: project,
      driver: [join(appDir, 'ref-driver.cjs')],
      command: ['npm', '--silent', 'start'],
      env: {
        NODE_OPTIONS: `${flag} ${join(appDir, 'node_modules/agentmeter', file)}`,
        MEMORY_FILE_PATH: join(project, 'memory.jsonl'),
      },
      calls: CALLS,
    });
    expect(responseIds(report)).toEqual(requestIds(CALLS));
    expect(report.serverExit).toEqual({ code: 0, signal: null });
    const info = targetInfo(server);
    expect(info['process_pid']).not.toBe(String(report.launcherPid));
    expect(info['process_command']).toBe(entry);
    expect(driver.stderr()).not.toMatch(/EADDRINUSE|^agentmeter/m);
    expect(toolCalls(server)).toEqual(SEES);
    rmSync(project, { recursive: true, force: true });
  }, 120000);
});
