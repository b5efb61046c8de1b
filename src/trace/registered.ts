/**
 * Whether a real tracer provider is registered, seen through agentmeter's own GenAI span bridge:
 * the bridge in front of the API's no-op provider still means "no tracing" (no span is kept),
 * so the MCP spans and exemplar sampling stay off as before.
 */
import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';

/** What the API's tracer provider delegates to while no SDK has registered one: the no-op. */
const NO_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** A provider that stands in front of another one and makes its spans through it. */
export interface WrappingTracerProvider extends TracerProvider {
  /** The provider spans are made by. */
  wrapped(): TracerProvider;
}

function isWrapping(provider: TracerProvider): provider is WrappingTracerProvider {
  return typeof (provider as Partial<WrappingTracerProvider>).wrapped === 'function';
}

export function tracingRegistered(provider: TracerProvider = trace.getTracerProvider()): boolean {
  let delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  if (isWrapping(delegate)) delegate = delegate.wrapped();
  return delegate !== NO_TRACER_PROVIDER;
}
