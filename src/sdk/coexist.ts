/**
 * Sharing the process with another OpenTelemetry SDK (an app's own NodeSDK, or
 * `@opentelemetry/auto-instrumentations-node/register`). The API's globals go to whoever
 * registers first; a second `NodeSDK.start()` cannot take them (registration fails quietly) and
 * binds its instrumentations to the first SDK's MeterProvider. Two copies of one instrumentation
 * do not add up either: a later shimmer patch (http, pg, kafkajs) unwraps the earlier one, so the
 * other SDK silently loses it, and diagnostics-channel ones (undici, runtime) record every event
 * twice. So agentmeter never starts a second copy of an instrumentation another SDK runs.
 */

/** Where the API keeps its globals, shared by every copy of `@opentelemetry/api` 1.x. */
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/** What agentmeter knows, at start, about another SDK in the process. */
export type OtherSdk =
  /** An SDK registered these providers before agentmeter started. */
  | { kind: 'registered'; providers: Array<'MeterProvider' | 'TracerProvider'> }
  /** auto-instrumentations-node's register hook is preloaded and has not run yet. */
  | { kind: 'preloaded-after' };

/** The API globals an SDK registered so far (`metrics`, `trace`, `logs`, `context`, `propagation`). */
export function registeredGlobals(registry: unknown = (globalThis as Record<symbol, unknown>)[API_GLOBALS]): Set<string> {
  if (typeof registry !== 'object' || registry === null) return new Set();
  // `diag` is anyone's logger, not an SDK's.
  return new Set(Object.keys(registry).filter((key) => key !== 'version' && key !== 'diag'));
}

const AUTO_REGISTER = /(^|[\\/])@opentelemetry[\\/]auto-instrumentations-node[\\/](.*[\\/])?register(\.[cm]?js)?$/;

/** The modules preloaded with --require/-r/--import, from NODE_OPTIONS and the command line. */
export function preloadedModules(execArgv: readonly string[], nodeOptions = ''): string[] {
  const args = [...(nodeOptions.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^(["'])(.*)\1$/, '$2')), ...execArgv];
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const match = /^(--require|-r|--import)(?:=(.*))?$/.exec(args[i]!);
    if (!match) continue;
    const value = match[2] ?? args[++i];
    if (value !== undefined) modules.push(value);
  }
  return modules;
}

/** Looks for another SDK: registered globals first, then a preloaded auto-instrumentations hook. */
export function detectOtherSdk(
  globals: Set<string> = registeredGlobals(),
  preloads: readonly string[] = preloadedModules(process.execArgv, process.env.NODE_OPTIONS),
): OtherSdk | undefined {
  const providers: Array<'MeterProvider' | 'TracerProvider'> = [];
  if (globals.has('metrics')) providers.push('MeterProvider');
  if (globals.has('trace')) providers.push('TracerProvider');
  if (providers.length > 0) return { kind: 'registered', providers };
  // Preloaded but nothing registered yet: it has not run, so it runs after agentmeter, and its
  // NodeSDK.start() will bind its instrumentations to the MeterProvider agentmeter registers.
  if (preloads.some((m) => AUTO_REGISTER.test(m))) return { kind: 'preloaded-after' };
  return undefined;
}

/** The one line agentmeter prints (register) or logs (start) about the other SDK. */
export function otherSdkNotice(other: OtherSdk): string {
  if (other.kind === 'registered') {
    return (
      `agentmeter: another OpenTelemetry SDK registered the global ${other.providers.join(' and ')} first; ` +
      'agentmeter leaves the globals and instrumentations to it and serves only its own metrics ' +
      "(add createMetricProducer() to that SDK's metric readers to export them there too)"
    );
  }
  return (
    'agentmeter: @opentelemetry/auto-instrumentations-node/register runs after agentmeter; ' +
    "agentmeter starts no instrumentations, traces or logs of its own and serves that SDK's instrumentation " +
    "metrics from its MeterProvider (that SDK's own metric exporter gets none)"
  );
}
