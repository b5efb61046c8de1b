// What the MCP instrumentation adds to a tool call: an McpServer and the SDK's Client in one
// process over the SDK's in-memory transport, one `tools/call` at a time, in a process without
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

const SDK = ['@modelcontextprotocol/sdk@1.32.2', 'zod@4.6.7'];

function sdkDir() {
  const root = process.env.AGENTMETER_CACHE_DIR ?? join(homedir(), '.cache', 'agentmeter');
  const dir = join(root, 'bench-mcp', SDK.join('_').replaceAll('/', '+'));
  if (!existsSync(join(dir, 'node_modules', '@modelcontextprotocol', 'sdk', 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    console.error(`installing ${SDK.join(' ')} into ${dir}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, ...SDK], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
    });
  }
  return dir;
}

/** One measuring process: median CPU ns per tools/call over `batches` batches, after a warm-up. */
async function measure(instrumented, dir, { calls = 2000, batches = 7, warmup = 3000 } = {}) {
  if (instrumented) {
    // Built before the SDK is loaded, as `register` does: its require hook patches the SDK.
    const { McpInstrumentation } = await import('../dist/instrumentations/mcp/instrumentation.js');
    new McpInstrumentation();
  }
  const require = createRequire(join(dir, 'package.json'));
  const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
  const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
  const { InMemoryTransport } = require('@modelcontextprotocol/sdk/inMemory.js');
  const { z } = require('zod');
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
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

export async function runMcp({ runs = 5 } = {}) {
  const dir = sdkDir();
  const script = fileURLToPath(import.meta.url);
  const results = { off: [], on: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
      const out = execFileSync(process.execPath, [script, '--measure', mode, dir], { encoding: 'utf8' });
      results[mode].push(Number(out.trim()));
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const off = median(results.off);
  const on = median(results.on);
  const added = on - off;
  const markdown = [
    table(['one tools/call, Client → McpServer → Client (in-memory transport)', 'CPU µs per call'], [
      ['without the instrumentation', fmt(off / 1000, 2)],
      ['with it (mcp.server/client.operation.duration, gen_ai.execute_tool.duration; tracing off)', fmt(on / 1000, 2)],
    ]),
    '',
    `The instrumentation adds ${fmt(added / 1000, 2)} µs per tool call (${fmt((added / off) * 100)} %), both sides together (median of ${runs} processes each). Over stdio or HTTP the call itself costs more (JSON through a pipe or a socket), so the share is smaller.`,
  ].join('\n');
  return { markdown, offNs: off, onNs: on };
}

if (process.argv[2] === '--measure') {
  console.log(await measure(process.argv[3] === 'on', process.argv[4]));
}
