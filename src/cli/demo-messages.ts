/**
 * What the demo says on its own account. The demo takes its ports from flags and exits when one
 * cannot listen, so it never repeats the app's "recording goes on ... set OTEL_EXPORTER_PROMETHEUS_PORT".
 */
import type { ListenFailure } from '../sdk/start';

/** Exit status when an endpoint of the demo cannot listen. */
export const EXIT_CANNOT_LISTEN = 1;
/** Exit status when agentmeter is turned off in the environment. */
export const EXIT_DISABLED = 1;

const FLAG_OF_ENDPOINT = { prometheus: ['Prometheus endpoint', '--port'], summary: ['status page', '--summary-port'] } as const;

/** The stderr line for an endpoint that cannot listen: what failed, that the demo stops, and the flag to change. */
export function cannotListenLine({ endpoint, address, err }: ListenFailure): string {
  const [what, flag] = FLAG_OF_ENDPOINT[endpoint];
  const why = err instanceof Error ? err.message : String(err);
  return `agentmeter demo: the ${what} cannot listen on ${address} (${why}); the demo exits: give ${flag} a free port, or ${flag} 0 to pick one`;
}

/** How the demo will end, said next to its first URL. */
export function stopHint(options: { durationMillis?: number; requests?: number }): string {
  const stop = options.durationMillis === undefined ? 'Ctrl-C to stop' : `stops after ${options.durationMillis / 1000} s, or on Ctrl-C`;
  return options.requests === undefined ? `(${stop})` : `(${options.requests} requests, then serving the numbers; ${stop})`;
}

/** The stderr line when the environment turns agentmeter off: there would be nothing to show. */
export const DISABLED_LINE =
  'agentmeter demo: metrics are off in this environment (OTEL_SDK_DISABLED=true or AGENTMETER_ENABLED=false), so nothing would be recorded or served; the demo exits: unset them to run it';
