// `register` on servers agentmeter has never seen: the reference MCP servers from npm
// (@modelcontextprotocol/server-everything, -memory, -filesystem; ESM, on the SDK v1), unmodified,
// started from their bin entries with `node --require|--import agentmeter/register`, and driven
// over stdio by the SDK v1's real Client (ref-driver.cjs) through some of their real tools; and a
// hostile client that calls 100 tools the server does not have, which must not push the real
// tools' series out. Counts are exact; the server's stdout must be JSON-RPC only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Children, overStdio, requestIds, responseIds, serverOps, sessionOps, toolCalls, type ToolCall } from '../infra/mcp-host';
import { freePort, waitFor } from '../infra/process.mjs';
import { samples, tally } from '../infra/prom-text';
import { zeroCodeApp } from '../infra/zero-code-app';

let appDir: string;
/** Scratch space of the servers (the memory file, the filesystem server's allowed dir). */
let scratch: string;
beforeAll(async () => {
  appDir = (await zeroCodeApp()).dir;
  scratch = mkdtempSync(join(tmpdir(), 'agentmeter-ref-'));
  writeFileSync(join(scratch, 'notes.txt'), 'hello\n');
}, 600000);
afterAll(() => {
  for (const dir of [appDir, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const children = new Children(() => appDir);
afterEach(() => children.stopAll());

const bin = (name: string) => join(appDir, 'node_modules/@modelcontextprotocol', name, 'dist/index.js');

interface ReferenceServer {
  /** The package's name after `@modelcontextprotocol/`. */
  name: string;
  args: () => string[];
  env: () => Record<string, string>;
  calls: () => ToolCall[];
  /** What the server counts for those calls: "<tool> <error.type>": n. */
  sees: Record<string, number>;
}

const SERVERS: ReferenceServer[] = [
  {
    name: 'server-everything',
    args: () => ['stdio'],
    env: () => ({}),
    calls: () => [
      ['echo', { message: 'hi' }, 2],
      ['get-sum', { a: 1, b: 2 }],
      // Arguments its schema rejects: McpServer answers with an isError result.
      ['get-sum', { a: 'one', b: 2 }],
    ],
    sees: { echo: 2, 'get-sum': 1, 'get-sum tool_error': 1 },
  },
  {
    name: 'server-memory',
    args: () => [],
    // Per run, not beside its dist/ in the shared cached install (its default).
    env: () => ({ MEMORY_FILE_PATH: join(mkdtempSync(join(scratch, 'memory-')), 'memory.jsonl') }),
    calls: () => [
      ['create_entities', { entities: [{ name: 'agentmeter', entityType: 'package', observations: ['measures MCP servers'] }] }],
      ['add_observations', { observations: [{ entityName: 'agentmeter', contents: ['zero code'] }] }],
      // The tool throws an Error for an entity that does not exist.
      ['add_observations', { observations: [{ entityName: 'nobody', contents: ['x'] }] }],
      ['read_graph', {}, 2],
    ],
    sees: { create_entities: 1, add_observations: 1, 'add_observations Error': 1, read_graph: 2 },
  },
  {
    name: 'server-filesystem',
    // Its allowed directories come from its arguments (the v1 Client offers no roots).
    args: () => [scratch],
    env: () => ({}),
    calls: () => [
      ['list_directory', { path: scratch }],
      ['read_text_file', { path: join(scratch, 'notes.txt') }, 2],
      // Outside the allowed directory: the tool throws an Error ("Access denied").
      ['read_text_file', { path: join(appDir, 'package.json') }],
    ],
    sees: { list_directory: 1, read_text_file: 2, 'read_text_file Error': 1 },
  },
];

/** How many of the calls in `sees` failed (those with an error.type after the tool name). */
const failed = (sees: Record<string, number>) => Object.entries(sees).reduce((a, [key, n]) => a + (key.includes(' ') ? n : 0), 0);

describe.each(['--require', '--import'])('node %s agentmeter/register <reference server>, SDK v1 Client over stdio', (flag) => {
  it.each(SERVERS)('$name: exact counts per tool and error.type, stdout JSON-RPC only, exit 0 on close', async (ref) => {
    const calls = ref.calls();
    const { report, server } = await overStdio(children, {
      driver: ['ref-driver.cjs'],
      command: [process.execPath, flag, 'agentmeter/register', bin(ref.name), ...ref.args()],
      env: ref.env(),
      calls,
    });
    // The infrastructure, true with or without agentmeter: the calls returned as the server
    // meant, stdout is one response per request in order, the server ended when stdin closed.
    expect(report.results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(report.results.filter((r) => r.isError).length).toBe(failed(ref.sees));
    expect(responseIds(report)).toEqual(requestIds(calls));
    expect(report.serverExit).toEqual({ code: 0, signal: null });

    expect(toolCalls(server)).toEqual(ref.sees);
    expect(serverOps(server, { network_transport: 'pipe' })).toEqual(sessionOps(ref.sees));
  });
});

/** Calls of 100 tool names the server does not have, each once. */
const BOGUS: ToolCall[] = Array.from({ length: 100 }, (_, i) => [`no_such_tool_${i}`, {}]);

describe.each(['--require', '--import'])('node %s agentmeter/register server-memory, a hostile client', (flag) => {
  it('100 unknown tool names first: the real tools keep their own series, the unknown ones are all `_unknown`', async () => {
    const calls: ToolCall[] = [...BOGUS, ['read_graph', {}, 2], ['search_nodes', { query: 'x' }]];
    const { report, server } = await overStdio(children, {
      driver: ['ref-driver.cjs'],
      command: [process.execPath, flag, 'agentmeter/register', bin('server-memory')],
      env: { MEMORY_FILE_PATH: join(mkdtempSync(join(scratch, 'memory-')), 'memory.jsonl') },
      calls,
    });
    // McpServer (SDK v1) answers an unknown tool with an isError result ("Tool ... not found").
    expect(report.results.filter((r) => r.isError).length).toBe(100);
    expect(responseIds(report)).toEqual(requestIds(calls));

    const sees = { read_graph: 2, search_nodes: 1, '_unknown tool_error': 100 };
    expect(toolCalls(server)).toEqual(sees);
    expect(serverOps(server)).toEqual(sessionOps(sees));
  });
});

describe.each(['--require', '--import'])('node %s agentmeter/register server-everything streamableHttp', (flag) => {
  it('exact counts per tool and error.type over streamable HTTP, one session once the client ends it', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    // It logs to stdout and stderr and prints no ready line: wait until it answers.
    const server = children.start([flag, 'agentmeter/register', bin('server-everything'), 'streamableHttp'], {
      PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    });
    const url = `http://127.0.0.1:${port}/mcp`;
    await waitFor('server-everything streamableHttp', async () => (await fetch(url, { headers: { connection: 'close' } })).status > 0, { timeoutMillis: 30000 });
    const calls = SERVERS[0]!.calls();
    const driver = children.start(['ref-driver.cjs'], { MODE: 'http', SERVER: url, CALLS: JSON.stringify(calls) });
    const report = (await driver.ready) as { results: Array<{ isError?: boolean; error?: unknown }> };
    expect(report.results.filter((r) => r.error !== undefined)).toEqual([]);

    const page = samples(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    const sees = SERVERS[0]!.sees;
    expect(toolCalls(page)).toEqual(sees);
    expect(serverOps(page, { network_transport: 'tcp' })).toEqual(sessionOps(sees));
    expect(tally(page, 'mcp_server_session_duration_seconds_count', ['network_transport'])).toEqual({ tcp: 1 });
  });
});
