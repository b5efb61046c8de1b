/**
 * What start() says on stderr: an endpoint that cannot listen, and what a shutdown could not
 * deliver within its bound. Never stdout: an MCP stdio server speaks its protocol there.
 */
import type { UnflushedAtShutdown } from '../exporters/kafka/exporter';

/** Endpoints that cannot listen say so on stderr, whatever the mode: a silent endpoint looks like an app with no metrics. */
export const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);

/** An endpoint that could not listen: which one, `host:port` as a URL writes it, and why. */
export interface ListenFailure {
  endpoint: 'prometheus' | 'summary';
  address: string;
  err: unknown;
}

/**
 * What an app hears: its recording goes on and the variable names the fix. The demo, which stops
 * instead and takes its ports from flags, passes its own words to startReporting.
 */
export function appCannotListen({ endpoint, address, err }: ListenFailure): void {
  const [what, variable] = endpoint === 'prometheus' ? ['Prometheus endpoint', 'OTEL_EXPORTER_PROMETHEUS_PORT'] : ['summary server', 'AGENTMETER_SUMMARY_PORT'];
  stderrLine(
    `agentmeter: the ${what} cannot listen on ${address} ` +
      `(${err instanceof Error ? err.message : String(err)}); recording goes on, but nothing is served there: set ${variable} to a free port`,
  );
}

export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * What a shutdown could not deliver in its time, in one stderr line (none when all went out):
 * counts and error types only, never a queued value.
 */
export function reportUnflushed(boundMillis: number, metrics: UnflushedAtShutdown | undefined, events: { events: number; lastError: string | undefined }, sdkDone: boolean): void {
  // No failure yet means the attempt in hand got no answer in time (a broker that accepts and stays silent).
  const because = (lastError: string | undefined): string => (lastError === undefined ? ', still unanswered' : `, last error ${lastError}`);
  const lost: string[] = [];
  if (metrics !== undefined && metrics.messages > 0) lost.push(`${metrics.messages} metric message(s) to Kafka${because(metrics.lastError)}`);
  if (events.events > 0) lost.push(`${events.events} routing event(s) to Kafka${because(events.lastError)}`);
  if (!sdkDone) lost.push('the final metric export, still running');
  if (lost.length === 0) return;
  stderrLine(`agentmeter: shutdown: not delivered within ${boundMillis} ms (AGENTMETER_SHUTDOWN_TIMEOUT): ${lost.join('; ')}; dropped and counted`);
}
