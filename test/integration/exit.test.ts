// On SIGTERM the register entry point makes a final export, then the process ends by the
// signal exactly as it would have without agentmeter.
import { describe, expect, it } from 'vitest';
import { runNode } from '../infra/child';

describe('flush on exit', () => {
  it('prints the final console export when sent SIGTERM, then exits by SIGTERM', async () => {
    const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/console-exit.cjs'], {
      OTEL_METRICS_EXPORTER: 'console',
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
      AGENTMETER_INSTRUMENTATIONS: 'none',
    });
    await app.ready;
    expect(app.stdout()).not.toContain('final_flush_probe');
    app.child.kill('SIGTERM');
    const { code, signal } = await app.exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(app.stdout()).toContain("name: 'gen_ai.execute_tool.duration'");
    expect(app.stdout()).toContain("'gen_ai.tool.name': 'final_flush_probe'");
  });

  it('leaves the exit to the app when it handles SIGTERM itself', async () => {
    const app = runNode(
      ['--require', 'agentmeter/register', '-e', "process.on('SIGTERM', () => setTimeout(() => process.exit(7), 300)); console.log(JSON.stringify({ready:true})); setInterval(()=>{},1000)"],
      { OTEL_METRICS_EXPORTER: 'none', AGENTMETER_INSTRUMENTATIONS: 'none' },
    );
    await app.ready;
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 7, signal: null });
  });
});
