/** Puts the bridge in front of the global tracer provider, and takes it out again. */
import { diag, trace } from '@opentelemetry/api';
import { BridgeTracerProvider, isDelegatingProvider } from './tracer';

/**
 * Installs the bridge (idempotent). Call it after the SDK registered its tracer provider, if it
 * does, and before the app makes spans: a tracer that made a span before keeps its provider.
 */
export function installSpanBridge(): boolean {
  const proxy = trace.getTracerProvider();
  if (!isDelegatingProvider(proxy)) {
    diag.debug('agentmeter: the global tracer provider is not the API proxy; GenAI spans are not turned into metrics');
    return false;
  }
  const current = proxy.getDelegate();
  if (current instanceof BridgeTracerProvider) return true;
  proxy.setDelegate(new BridgeTracerProvider(proxy, current));
  return true;
}

/** Restores the provider that was there before the bridge, if the bridge is still the delegate. */
export function uninstallSpanBridge(): void {
  const proxy = trace.getTracerProvider();
  if (!isDelegatingProvider(proxy)) return;
  const current = proxy.getDelegate();
  if (current instanceof BridgeTracerProvider) proxy.setDelegate(current.inner);
}
