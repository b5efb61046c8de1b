// `npm run demo` (dist/cli/main.js demo): serves the simulated agent's metrics, prints a live
// summary, and stops cleanly on Ctrl-C (SIGINT) with exit code 0.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';

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
});
