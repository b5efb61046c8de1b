// What the MCP instrumentation adds to a tool call: an McpServer and the SDK's Client in one
// process over the SDK's in-memory transport, for SDK 1.x and SDK 2.x (@modelcontextprotocol/server
// and /client), one `tools/call` at a time, in a process without
// the instrumentation and in one with it (server and client sides, tracing off), as `register`
// would set it up. Each call is timed in CPU time of the process, not wall time: the in-memory
// round trip is all on this thread, and CPU time is what other processes on a shared machine do
// not inflate. Runs alternate between the two. The SDK is not a dependency of agentmeter: it is
// installed once into the cache directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table } from './harness.mjs';

const SDK = ['@modelcontextprotocol/sdk@1.32.2', '@modelcontextprotocol/server@2.4.0', '@modelcontextprotocol/client@2.4.0', 'zod@4.6.7'];

function sdkDir() {
  const root = process.env.AGENTMETER_CACHE_DIR ?? join(homedir(), '.cache', 'agentmeter');
  const dir = join(root, 'bench-mcp', SDK.join('_').replaceAll('/', '+'));
  if (!existsSync(join(dir, 'node_modules', '@modelcontextprotocol', 'client', 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    console.error(`installing ${SDK.join(' ')} into ${dir}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, ...SDK], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
    });
  }
  return dir;
}

/** The SDK's server, client and in-memory transport pair, for 1.x (`v1`) or 2.x (`v2`), loaded with require. */
function loadSdk(require, sdk) {
  const { z } = require('zod');
  if (sdk === 'v1') {
    const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
    const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
    const { InMemoryTransport } = require('@modelcontextprotocol/sdk/inMemory.js');
    return { McpServer, Client, InMemoryTransport, inputSchema: { text: z.string() } };
  }
  const { McpServer, InMemoryTransport } = require('@modelcontextprotocol/server');
  const { Client } = require('@modelcontextprotocol/client');
  return { McpServer, Client, InMemoryTransport, inputSchema: z.object({ text: z.string() }) };
}

/** One measuring process: median CPU ns per tools/call over `batches` batches, after a warm-up. */
async function measure(instrumented, dir, sdk, { calls = 2000, batches = 7, warmup = 3000 } = {}) {
  if (instrumented) {
    // Built before the SDK is loaded, as `register` does: its require hook patches the SDK.
    const { McpInstrumentation } = await import('../dist/instrumentations/mcp/instrumentation.js');
    new McpInstrumentation();
  }
  const { McpServer, Client, InMemoryTransport, inputSchema } = loadSdk(createRequire(join(dir, 'package.json')), sdk);
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  // The client labels the tools the server listed to it (as an agent does before calling).
  await client.listTools();
  const args = { name: 'echo', arguments: { text: 'hi' } };
  for (let i = 0; i < warmup; i++) await client.callTool(args);
  const samples = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) await client.callTool(args);
    const { user, system } = process.cpuUsage(start);
    samples.push(((user + system) * 1000) / calls);
  }
  return samples.sort((a, c) => a - c)[Math.floor(samples.length / 2)];
}

/** Median CPU ns per call without and with the instrumentation, processes alternating. */
function compare(dir, script, sdk, runs) {
  const results = { off: [], on: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
      const out = execFileSync(process.execPath, [script, '--measure', mode, dir, sdk], { encoding: 'utf8' });
      results[mode].push(Number(out.trim()));
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { off: median(results.off), on: median(results.on) };
}

export async function runMcp({ runs = 5 } = {}) {
  const dir = sdkDir();
  const script = fileURLToPath(import.meta.url);
  const v1 = compare(dir, script, 'v1', runs);
  const v2 = compare(dir, script, 'v2', runs);
  const us = (ns) => fmt(ns / 1000, 2);
  const share = ({ off, on }) => `${us(on - off)} µs (${fmt(((on - off) / off) * 100)} %)`;
  const markdown = [
    table(['one tools/call, Client → McpServer → Client (in-memory transport)', 'SDK 1.32 CPU µs per call', 'SDK 2.4 CPU µs per call'], [
      ['without the instrumentation', us(v1.off), us(v2.off)],
      ['with it (mcp.server/client.operation.duration, gen_ai.execute_tool.duration; tracing off)', us(v1.on), us(v2.on)],
    ]),
    '',
    `The instrumentation adds ${share(v1)} per tool call on SDK 1.x and ${share(v2)} on SDK 2.x, both sides together (median of ${runs} processes each). Over stdio or HTTP the call itself costs more (JSON through a pipe or a socket), so the share is smaller.`,
  ].join('\n');
  return { markdown, offNs: v1.off, onNs: v1.on, v2OffNs: v2.off, v2OnNs: v2.on };
}

if (process.argv[2] === '--measure') {
  console.log(await measure(process.argv[3] === 'on', process.argv[4], process.argv[5]));
}
