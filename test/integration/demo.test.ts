// `npm run demo` (dist/cli/main.js demo): serves the simulated agent's metrics, prints a live
// summary, and stops cleanly on Ctrl-C (SIGINT) with exit code 0; with a port taken it says so,
// names its own flag and exits 1.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';
import { runCli, type CliRun } from '../infra/cli';
import { freePort } from '../infra/process.mjs';

function demo(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['demo', ...args], env, 20000);
}

/** A port some other process holds on 127.0.0.1. */
async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

function inUse(what: string, port: number, flag: string): string {
  return `agentmeter demo: the ${what} cannot listen on 127.0.0.1:${port} (listen EADDRINUSE: address already in use 127.0.0.1:${port}); the demo exits: give ${flag} a free port, or ${flag} 0 to pick one\n`;
}

describe('agentmeter demo', () => {
  it('serves tool, cache, routing and LLM series and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${err}`)), 15000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1500));
    const text = await (await fetch(url)).text();
    for (const series of [
      'gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="web_search"',
      'agent_cache_requests_total{agent_cache_name="embeddings",agent_cache_result="hit"',
      'agent_routing_decisions_total{agent_routing_strategy="semantic"',
      'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_token_type="input"',
      'agent_sessions_active{',
    ]) {
      expect(text).toContain(series);
    }
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('agentmeter demo: stopped');
    expect(err).toBe('');
  });

  it('with its --port taken: one line naming --port, exit 1, nothing on stdout', async () => {
    const taken = await takenPort();
    try {
      expect(await demo(['--port', String(taken.port), '--summary-port', '0', '--seconds', '5'])).toEqual({ status: 1, stdout: '', stderr: inUse('Prometheus endpoint', taken.port, '--port') });
    } finally {
      taken.server.close();
    }
  });

  it('with both ports taken: one line per endpoint, each naming its flag, exit 1', async () => {
    const metrics = await takenPort();
    const summary = await takenPort();
    try {
      const run = await demo(['--port', String(metrics.port), '--summary-port', String(summary.port), '--seconds', '5']);
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
      expect(run.stderr.split(/(?<=\n)/).sort()).toEqual([inUse('Prometheus endpoint', metrics.port, '--port'), inUse('status page', summary.port, '--summary-port')].sort());
    } finally {
      metrics.server.close();
      summary.server.close();
    }
  });

  it.each([['AGENTMETER_ENABLED', 'false'], ['OTEL_SDK_DISABLED', 'true']])('with %s=%s: one line saying why and that the demo exits, exit 1', async (name, value) => {
    const port = await freePort();
    const run = await demo(['--port', String(port), '--summary-port', '0', '--seconds', '5'], { [name]: value });
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: 'agentmeter demo: metrics are off in this environment (OTEL_SDK_DISABLED=true or AGENTMETER_ENABLED=false), so nothing would be recorded or served; the demo exits: unset them to run it\n',
    });
  });
});
