// `register` alone gives an MCP server's and client's metrics. The real @modelcontextprotocol/sdk,
// installed from npm into a throwaway app with agentmeter as packed, runs fixtures that contain
// nothing of agentmeter; the SDK's own Client drives them over stdio and streamable HTTP, with
// --require (CommonJS) and --import (ESM). Counts are exact; the stdio server's stdout must be
// JSON-RPC and nothing else, even with OTEL_LOG_LEVEL=debug.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { freePort } from '../infra/process.mjs';
import { prometheus } from '../infra/prom';
import { samples, sum, tally, typeLines, type Sample } from '../infra/prom-text';
import { zeroCodeApp } from '../infra/zero-code-app';
import { jsonRpcLines } from '../infra/mcp-host';
import { assertSummarySchema } from '../infra/summary-contract';

let appDir: string;
let latestVersion: string;
beforeAll(async () => {
  appDir = (await zeroCodeApp()).dir;
  // The version the SDK's Client asks for and its Server accepts.
  latestVersion = (createRequire(join(appDir, 'package.json'))('@modelcontextprotocol/sdk/types.js') as { LATEST_PROTOCOL_VERSION: string }).LATEST_PROTOCOL_VERSION;
}, 600000);
afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let running: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

function start(args: string[], env: Record<string, string>): RunningChild {
  const child = runNode(args, env, 60000, appDir);
  running.push(child);
  return child;
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function promtool(text: string): string {
  const result = spawnSync(prometheus().promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return `${result.status} ${result.stdout}${result.stderr}`.trim();
}

const MCP_SERVER_PLAN = 'lookup:3,explode:2,refuse:1';
const OPS = ['mcp_method_name', 'gen_ai_tool_name', 'error_type'];

/** What the server counted, by method, tool and error.type, among series with this transport and version. */
function serverOps(list: Sample[], transport: string): Record<string, number> {
  return tally(list, 'mcp_server_operation_duration_seconds_count', OPS, { network_transport: transport, mcp_protocol_version: latestVersion });
}

function clientOps(list: Sample[], transport: string): Record<string, number> {
  return tally(list, 'mcp_client_operation_duration_seconds_count', OPS, { network_transport: transport, mcp_protocol_version: latestVersion });
}

/** The plan's calls as the McpServer sees them: a thrown TypeError, an isError result. */
const SERVER_SEES = {
  initialize: 1,
  'notifications/initialized': 1,
  'tools/list': 1,
  'tools/call lookup': 3,
  'tools/call explode TypeError': 2,
  'tools/call refuse tool_error': 1,
  ping: 1,
};
/** The same calls as the Client sees them: both failing tools come back as isError results. */
const CLIENT_SEES = { ...SERVER_SEES, 'tools/call explode tool_error': 2 } as Record<string, number>;
delete CLIENT_SEES['tools/call explode TypeError'];
const TOOL_CALLS = { lookup: 3, 'explode TypeError': 2, 'refuse tool_error': 1 };

interface StdioReport {
  results: Array<{ tool: string; isError?: boolean; error?: unknown }>;
  serverMetrics: string;
  serverSummary: { tool_metrics: Record<string, { total_calls: number; error_types: Record<string, number> }>; system_metrics: { active_sessions: number } };
  serverStdout: string;
  serverExit: { code: number | null; signal: string | null };
}

/** Runs the client driver, which spawns `server` over stdio and reports what it saw. */
async function overStdio(flag: string, client: string, server: string, plan: string) {
  const [clientPort, serverPort, summaryPort] = [await freePort(), await freePort(), await freePort()];
  const driver = start([flag, 'agentmeter/register', client], {
    MODE: 'stdio',
    SERVER: server,
    SERVER_NODE_ARGS: `${flag} agentmeter/register`,
    PLAN: plan,
    SERVER_PROMETHEUS_PORT: String(serverPort),
    SERVER_SUMMARY_PORT: String(summaryPort),
    OTEL_EXPORTER_PROMETHEUS_PORT: String(clientPort),
    AGENTMETER_SUMMARY_ENABLED: 'true',
    AGENTMETER_SUMMARY_PORT: '0',
    // Debug diagnostics from agentmeter and the OTel SDK, in both processes: none may reach stdout.
    OTEL_LOG_LEVEL: 'debug',
  });
  const report = (await driver.ready) as unknown as StdioReport;
  return { report, server: samples(report.serverMetrics), client: await scrape(clientPort), driver };
}

describe.each([
  ['--require', 'cjs'],
  ['--import', 'mjs'],
])('node %s agentmeter/register, McpServer with three tools', (flag, ext) => {
  it('stdio: exact counts per tool and error.type on both sides, and the server’s stdout is JSON-RPC only', async () => {
    const { report, server, client } = await overStdio(flag, `mcp-client.${ext}`, `mcp-server.${ext}`, MCP_SERVER_PLAN);
    expect(report.results.map((r) => `${r.tool}${r.isError ? ' isError' : ''}`)).toEqual(['lookup', 'lookup', 'lookup', 'explode isError', 'explode isError', 'refuse isError']);

    expect(serverOps(server, 'pipe')).toEqual(SERVER_SEES);
    expect(tally(server, 'mcp_server_operation_duration_seconds_count', OPS)).toEqual(SERVER_SEES);
    expect(tally(server, 'gen_ai_execute_tool_duration_seconds_count', ['gen_ai_tool_name', 'error_type'])).toEqual(TOOL_CALLS);
    expect(sum(server, 'agent_sessions_active')).toBe(1);
    expect(clientOps(samples(client), 'pipe')).toEqual(CLIENT_SEES);

    // Every byte the client received is a JSON-RPC message: one response per request, in order.
    const messages = jsonRpcLines(report.serverStdout);
    expect(messages.map((m) => m.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // The server ended when the client closed its stdin, as it would without agentmeter.
    expect(report.serverExit).toEqual({ code: 0, signal: null });
    // The summary page works for a stdio server too.
    assertSummarySchema(report.serverSummary);
    expect(report.serverSummary.tool_metrics.lookup!.total_calls).toBe(3);
    expect(report.serverSummary.tool_metrics.explode!.error_types).toEqual({ TypeError: 2 });
    expect(report.serverSummary.system_metrics.active_sessions).toBe(1);
    expect(promtool(report.serverMetrics)).toBe('0');
    expect(promtool(client)).toBe('0');
  });

  it('streamable HTTP: exact counts per tool and error.type on both sides, and the session’s duration once it ends', async () => {
    const serverPort = await freePort();
    const server = start([flag, 'agentmeter/register', `mcp-server.${ext}`, 'http'], { OTEL_EXPORTER_PROMETHEUS_PORT: String(serverPort) });
    const { port } = (await server.ready) as { port: number };
    const clientPort = await freePort();
    const driver = start([flag, 'agentmeter/register', `mcp-client.${ext}`], {
      MODE: 'http',
      SERVER: `http://127.0.0.1:${port}/mcp`,
      PLAN: MCP_SERVER_PLAN,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(clientPort),
    });
    await driver.ready;
    const serverPage = await scrape(serverPort);
    const serverSamples = samples(serverPage);
    expect(serverOps(serverSamples, 'tcp')).toEqual(SERVER_SEES);
    expect(tally(serverSamples, 'gen_ai_execute_tool_duration_seconds_count', ['gen_ai_tool_name', 'error_type'])).toEqual(TOOL_CALLS);
    // The client ended the session (DELETE): one session recorded, none open.
    expect(tally(serverSamples, 'mcp_server_session_duration_seconds_count', ['network_transport', 'mcp_protocol_version'])).toEqual({ [`tcp ${latestVersion}`]: 1 });
    expect(sum(serverSamples, 'agent_sessions_active')).toBe(0);
    const clientPage = await scrape(clientPort);
    expect(clientOps(samples(clientPage), 'tcp')).toEqual(CLIENT_SEES);
    expect(server.stderr()).toBe('');
    expect(promtool(serverPage)).toBe('0');
    expect(promtool(clientPage)).toBe('0');
  });
});

describe('node --require agentmeter/register, a low-level Server with its own tools/call handler', () => {
  it('counts its tool calls: a result, an McpError by its JSON-RPC code, an Error by its class; an unlisted name as _unknown', async () => {
    const { report, server, client } = await overStdio('--require', 'mcp-client.cjs', 'mcp-lowlevel.cjs', 'add:2,strict:1,nope:1');
    expect(report.results).toEqual([{ tool: 'add', isError: false }, { tool: 'add', isError: false }, { tool: 'strict', error: -32602 }, { tool: 'nope', error: -32603 }]);
    // `nope` is not in the server's tools/list answer: its name is the client's, not the server's.
    expect(tally(server, 'gen_ai_execute_tool_duration_seconds_count', ['gen_ai_tool_name', 'error_type'])).toEqual({ add: 2, 'strict -32602': 1, '_unknown Error': 1 });
    // -32602 (invalid params) is the caller's fault: a status code, not a server failure.
    const codes = ['mcp_method_name', 'gen_ai_tool_name', 'rpc_response_status_code', 'error_type'];
    expect(tally(server, 'mcp_server_operation_duration_seconds_count', codes, { network_transport: 'pipe' })).toMatchObject({ 'tools/call add': 2, 'tools/call strict -32602': 1, 'tools/call _unknown  Error': 1 });
    // The client sees what was sent: -32603 (internal error) for the plain Error.
    expect(tally(samples(client), 'mcp_client_operation_duration_seconds_count', codes, { network_transport: 'pipe' })).toMatchObject({ 'tools/call add': 2, 'tools/call strict -32602 -32602': 1, 'tools/call _unknown -32603 -32603': 1 });
    expect(jsonRpcLines(report.serverStdout).map((m) => m.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(typeLines(report.serverMetrics)['mcp_server_operation_duration_seconds']).toBe(1);
  });
});
