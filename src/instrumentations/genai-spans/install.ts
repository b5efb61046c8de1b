/** Puts the bridge in front of the global tracer provider, and takes it out again. */
import { existsSync } from 'node:fs';
import { diag, trace, type TracerProvider } from '@opentelemetry/api';
import { BridgeTracerProvider, isDelegatingProvider, type DelegatingProvider } from './tracer';

interface TraceApi {
  getTracerProvider(): TracerProvider;
}

/**
 * The API's ESM build, beside the CommonJS one agentmeter runs on. The two builds hold separate
 * proxies until a provider is registered (then both read the registered one): with traces off,
 * an ESM app's tracers ask the ESM build's proxy, so the bridge goes in front of both.
 */
function esmTraceApi(): TraceApi | undefined {
  try {
    // The package exports no package.json; its two builds are dist/index.cjs and dist/index.mjs.
    const cjsEntry = require.resolve('@opentelemetry/api');
    const esmEntry = cjsEntry.replace(/\.cjs$/, '.mjs');
    if (esmEntry === cjsEntry || !existsSync(esmEntry)) return undefined;
    // require(esm), supported from Node 22.12 (silently for a module in node_modules).
    return (require(esmEntry) as { trace?: TraceApi }).trace;
  } catch {
    return undefined;
  }
}

function proxies(): DelegatingProvider[] {
  const found = new Set<TracerProvider>([trace.getTracerProvider()]);
  const esm = esmTraceApi();
  if (esm !== undefined) found.add(esm.getTracerProvider());
  return [...found].filter(isDelegatingProvider);
}

let wanted = false;

/** Puts the bridge in front of one API copy's proxy (idempotent). */
function bridge(proxy: DelegatingProvider): void {
  const current = proxy.getDelegate();
  if (!(current instanceof BridgeTracerProvider)) proxy.setDelegate(new BridgeTracerProvider(proxy, current));
}

/**
 * Another copy of the API was loaded (a framework's own, nested under it, or the other build of
 * the app's): while nothing is registered it has its own proxy, which the bridge must front too.
 */
export function apiLoaded(api: { trace?: TraceApi } | undefined): void {
  const provider = api?.trace?.getTracerProvider();
  if (wanted && provider !== undefined && isDelegatingProvider(provider)) bridge(provider);
}

/**
 * Installs the bridge (idempotent). Call it after the SDK registered its tracer provider, if it
 * does, and before the app makes spans: a tracer that made a span before keeps its provider.
 */
export function installSpanBridge(): boolean {
  const targets = proxies();
  if (targets.length === 0) {
    diag.debug('agentmeter: the global tracer provider is not the API proxy; GenAI spans are not turned into metrics');
    return false;
  }
  wanted = true;
  for (const proxy of targets) bridge(proxy);
  return true;
}

/** Restores the provider that was there before the bridge, where the bridge is still the delegate. */
export function uninstallSpanBridge(): void {
  wanted = false;
  for (const proxy of proxies()) {
    const current = proxy.getDelegate();
    if (current instanceof BridgeTracerProvider) proxy.setDelegate(current.inner);
  }
}
