/** `agentmeter demo`: options and help here; the workload loads only when the demo runs. */
import { Command } from 'commander';
import { nonNegativeInteger, port } from './parse';

/** `agentmeter demo`. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run a simulated agent (tools, caches, routing, LLM calls, HTTP) and serve its metrics')
    .option('--port <n>', 'Prometheus endpoint port (0 picks a free one)', port, 9464)
    .option('--summary-port <n>', 'status page and JSON summary port (0 picks a free one)', port, 9109)
    .option('--seconds <n>', 'stop after this many seconds (default: run until Ctrl-C)', nonNegativeInteger)
    .option('--requests <n>', 'handle this many simulated requests, then keep serving the numbers', nonNegativeInteger)
    .option('--fault-burst', 'inject a fault burst: a failing, slow tool, flushed caches, slow routing, LLM rate limits, publish and HTTP errors, an exhausted DB pool, unhealthy status, invalid samples, cardinality overflow, job write errors')
    .option('--fault-after <s>', 'seconds of healthy traffic before the burst', nonNegativeInteger, 0)
    .option('--fault-seconds <s>', 'length of the burst in seconds', nonNegativeInteger, 600)
    .addHelpText('after', '\nThe endpoints bind to 127.0.0.1. Example: agentmeter demo --seconds 30 --port 0\nWith --fault-burst the alerts of grafana/rules/ fire (docs/alerts.md).')
    .action(async (opts: { port: number; summaryPort: number; seconds?: number; requests?: number; faultBurst?: boolean; faultAfter: number; faultSeconds: number }) => {
      // Loaded lazily so `agentmeter --help` does not pay for the SDK.
      const { runDemo } = await import('./demo-workload.js');
      await runDemo({
        port: opts.port,
        summaryPort: opts.summaryPort,
        requests: opts.requests,
        durationMillis: opts.seconds === undefined ? undefined : opts.seconds * 1000,
        faultBurst: opts.faultBurst === true,
        faultAfterMillis: opts.faultAfter * 1000,
        faultMillis: opts.faultSeconds * 1000,
      });
    });
}
