// Tests that play an MCP host: test/fixtures/zero-code/ref-driver.cjs (alone with SDK v1, or under a
// v2 client fixture) launches a server over stdio as a host's config says ({command, args, env}),
// calls its tools with the SDK's real Client and reports what it saw; helpers to read that report.
import { delimiter, dirname } from 'node:path';
import { expect } from 'vitest';
import { runNode, type RunningChild } from './child';
import { freePort } from './process.mjs';
import { samples, tally, type Sample } from './prom-text';

/** `[tool, arguments, times]`: call `tool` `times` times (default once), in order. */
export type ToolCall = [name: string, args: Record<string, unknown>, times?: number];

export interface DriverReport {
  tools: string[];
  results: Array<{ tool: string; isError?: boolean; error?: unknown }>;
}

export interface StdioReport extends DriverReport {
  /** The server's /metrics, read just before the client closed the session. */
  serverMetrics: string;
  /** Every byte the server wrote to stdout, base64. */
  serverStdout: string;
  serverExit: { code: number | null; signal: string | null };
  /** The pid of the process the host spawned: the server, or the npx/npm that starts it. */
  launcherPid: number;
}

/** PATH with the Node running the tests first, so `node`, `npx` and `npm` are its own. */
export const TEST_NODE_PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;

/** The child processes one test file starts in its app dir; `stopAll` them after each test. */
export class Children {
  private running: RunningChild[] = [];
  constructor(private readonly cwd: () => string) {}

  start(args: string[], env: Record<string, string>, timeoutMillis = 60000, cwd = this.cwd()): RunningChild {
    const child = runNode(args, env, timeoutMillis, cwd);
    this.running.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((r) => r.stop()));
    this.running = [];
  }
}

export interface StdioLaunch {
  /** The driver's Node arguments: `['ref-driver.cjs']`, or `[flag, 'agentmeter/register', 'mcp-v2-client.mjs']`. */
  driver: string[];
  /** The server's command line as a host config has it: `[command, ...args]`. */
  command: string[];
  /** The server's env as a host config has it (the SDK adds PATH, HOME, USER, ...); its Prometheus port is added. */
  env?: Record<string, string>;
  calls: ToolCall[];
  /** More env for the driver process itself. */
  driverEnv?: Record<string, string>;
  /** How long the driver may take to report, in ms; default 60000. */
  timeoutMillis?: number;
  /** The host's working dir, which the server inherits; default the test file's app dir. */
  cwd?: string;
}

/** Runs the driver, which launches the server over stdio with its Prometheus endpoint on a free port. */
export async function overStdio(children: Children, launch: StdioLaunch): Promise<{ report: StdioReport; server: Sample[]; port: number; driver: RunningChild }> {
  const port = await freePort();
  const driver = children.start(
    launch.driver,
    {
      PATH: TEST_NODE_PATH,
      MODE: 'stdio',
      SERVER_COMMAND: JSON.stringify(launch.command),
      SERVER_ENV: JSON.stringify({ ...launch.env, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
      SERVER_PROMETHEUS_PORT: String(port),
      CALLS: JSON.stringify(launch.calls),
      ...launch.driverEnv,
    },
    launch.timeoutMillis,
    launch.cwd,
  );
  const report = (await driver.ready) as unknown as StdioReport;
  return { report, server: samples(report.serverMetrics), port, driver };
}

interface JsonRpcMessage {
  jsonrpc: string;
  id?: unknown;
  method?: string;
}

/** Every line the client read from the server's stdout, parsed; fails on anything but JSON-RPC 2.0. */
export function jsonRpcLines(base64: string): JsonRpcMessage[] {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const message = JSON.parse(line) as JsonRpcMessage;
      expect(message.jsonrpc, line).toBe('2.0');
      return message;
    });
}

/** The ids of the responses among the server's stdout lines (requests and notifications have a method). */
export function responseIds(report: StdioReport): unknown[] {
  return jsonRpcLines(report.serverStdout)
    .filter((m) => m.method === undefined)
    .map((m) => m.id);
}

/** The ids the driver's requests get: initialize, tools/list, each call, ping (the SDK counts from 0). */
export function requestIds(calls: ToolCall[]): number[] {
  const n = 3 + calls.reduce((a, [, , times = 1]) => a + times, 0);
  return Array.from({ length: n }, (_, i) => i);
}

export const OPS = ['mcp_method_name', 'gen_ai_tool_name', 'error_type'];

/** What the server counted, by method, tool and error.type, among the series that match `where`. */
export function serverOps(list: Sample[], where: Record<string, string> = {}): Record<string, number> {
  return tally(list, 'mcp_server_operation_duration_seconds_count', OPS, where);
}

export function clientOps(list: Sample[], where: Record<string, string> = {}): Record<string, number> {
  return tally(list, 'mcp_client_operation_duration_seconds_count', OPS, where);
}

/** The server's tool calls by tool and error.type (`gen_ai.execute_tool.duration`). */
export function toolCalls(list: Sample[]): Record<string, number> {
  return tally(list, 'gen_ai_execute_tool_duration_seconds_count', ['gen_ai_tool_name', 'error_type']);
}

/**
 * The operations of one driver session whose tool calls were `tools` ("<tool> <error.type>": n):
 * its handshake, one tools/list, the calls, one ping.
 */
export function sessionOps(tools: Record<string, number>): Record<string, number> {
  const calls = Object.fromEntries(Object.entries(tools).map(([k, n]) => [`tools/call ${k}`, n]));
  return { initialize: 1, 'notifications/initialized': 1, 'tools/list': 1, ...calls, ping: 1 };
}

/** The label values of the page's `target_info` line: who serves this endpoint. */
export function targetInfo(list: Sample[]): Record<string, string> {
  const info = list.filter((s) => s.name === 'target_info');
  expect(info).toHaveLength(1);
  return info[0]!.labels;
}
