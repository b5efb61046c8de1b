// `register` alone gives the metrics of an MCP server and client on the SDK v2
// (@modelcontextprotocol/server, /client, /node from npm, installed into the throwaway app with
// agentmeter as packed): the twin of zero-code.test.ts. The v2 fixtures contain nothing of
// agentmeter; the v2 Client drives the v2 McpServer over stdio in every pairing of module type
// (its ESM or CommonJS build) and register flag, and over streamable HTTP. Counts are exact; the
// stdio server's stdout must be JSON-RPC and nothing else, even with OTEL_LOG_LEVEL=debug.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Children, clientOps, overStdio, requestIds, responseIds, serverOps, sessionOps, toolCalls, type ToolCall } from '../infra/mcp-host';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally } from '../infra/prom-text';
import { zeroCodeApp } from '../infra/zero-code-app';

let appDir: string;
let latestVersion: string;
beforeAll(async () => {
  appDir = (await zeroCodeApp()).dir;
  // The version v2's Client asks for (its default, the 2025-era initialize handshake).
  latestVersion = (createRequire(join(appDir, 'package.json'))('@modelcontextprotocol/client') as { LATEST_PROTOCOL_VERSION: string }).LATEST_PROTOCOL_VERSION;
}, 600000);
afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

const children = new Children(() => appDir);
afterEach(() => children.stopAll());

const PLAN: ToolCall[] = [
  ['lookup', { q: 'x' }, 3],
  ['explode', {}, 2],
  ['refuse', {}, 1],
];
/** The plan's calls as the McpServer sees them: a thrown TypeError, an isError result. */
const TOOL_CALLS = { lookup: 3, 'explode TypeError': 2, 'refuse tool_error': 1 };
const SERVER_SEES = sessionOps(TOOL_CALLS);
/** The same calls as the Client sees them: both failing tools come back as isError results. */
const CLIENT_SEES = sessionOps({ lookup: 3, 'explode tool_error': 2, 'refuse tool_error': 1 });
const RESULTS = ['lookup', 'lookup', 'lookup', 'explode isError', 'explode isError', 'refuse isError'];

const results = (report: { results: Array<{ tool: string; isError?: boolean }> }) => report.results.map((r) => `${r.tool}${r.isError ? ' isError' : ''}`);

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

const PAIRINGS = [
  ['--require', 'cjs'],
  ['--import', 'mjs'],
  ['--require', 'mjs'],
  ['--import', 'cjs'],
] as const;

describe.each(PAIRINGS)('node %s agentmeter/register, SDK v2 McpServer and Client (.%s) with three tools', (flag, ext) => {
  it('stdio: exact counts per tool and error.type on both sides, the server’s stdout is JSON-RPC only, and it exits 0 on close', async () => {
    const clientPort = await freePort();
    const { report, server } = await overStdio(children, {
      driver: [flag, 'agentmeter/register', `mcp-v2-client.${ext}`],
      command: [process.execPath, flag, 'agentmeter/register', `mcp-v2-server.${ext}`, 'stdio'],
      // Debug diagnostics from agentmeter and the OTel SDK, in both processes: none may reach stdout.
      env: { OTEL_LOG_LEVEL: 'debug' },
      calls: PLAN,
      driverEnv: { OTEL_EXPORTER_PROMETHEUS_PORT: String(clientPort), OTEL_LOG_LEVEL: 'debug' },
    });
    // The infrastructure, true today whatever is recorded: the calls returned, stdout is JSON-RPC
    // (one response per request, in order), the server ended when the client closed its stdin.
    expect(results(report)).toEqual(RESULTS);
    expect(responseIds(report)).toEqual(requestIds(PLAN));
    expect(report.serverExit).toEqual({ code: 0, signal: null });

    expect(serverOps(server, { network_transport: 'pipe', mcp_protocol_version: latestVersion })).toEqual(SERVER_SEES);
    expect(serverOps(server)).toEqual(SERVER_SEES);
    expect(toolCalls(server)).toEqual(TOOL_CALLS);
    expect(sum(server, 'agent_sessions_active')).toBe(1);
    expect(clientOps(samples(await scrape(clientPort)), { network_transport: 'pipe', mcp_protocol_version: latestVersion })).toEqual(CLIENT_SEES);
  });

  it('streamable HTTP (@modelcontextprotocol/node): exact counts on both sides, and the session’s duration once it ends', async () => {
    const serverPort = await freePort();
    const server = children.start([flag, 'agentmeter/register', `mcp-v2-server.${ext}`, 'http'], { OTEL_EXPORTER_PROMETHEUS_PORT: String(serverPort) });
    const { port } = (await server.ready) as { port: number };
    const clientPort = await freePort();
    const driver = children.start([flag, 'agentmeter/register', `mcp-v2-client.${ext}`], {
      MODE: 'http',
      SERVER: `http://127.0.0.1:${port}/mcp`,
      CALLS: JSON.stringify(PLAN),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(clientPort),
    });
    expect(results((await driver.ready) as { results: Array<{ tool: string; isError?: boolean }> })).toEqual(RESULTS);

    const serverSamples = samples(await scrape(serverPort));
    expect(serverOps(serverSamples, { network_transport: 'tcp', mcp_protocol_version: latestVersion })).toEqual(SERVER_SEES);
    expect(toolCalls(serverSamples)).toEqual(TOOL_CALLS);
    // The client ended the session (DELETE): one session recorded, none open.
    expect(tally(serverSamples, 'mcp_server_session_duration_seconds_count', ['network_transport', 'mcp_protocol_version'])).toEqual({ [`tcp ${latestVersion}`]: 1 });
    expect(sum(serverSamples, 'agent_sessions_active')).toBe(0);
    expect(clientOps(samples(await scrape(clientPort)), { network_transport: 'tcp', mcp_protocol_version: latestVersion })).toEqual(CLIENT_SEES);
    expect(server.stderr()).toBe('');
  });
});
