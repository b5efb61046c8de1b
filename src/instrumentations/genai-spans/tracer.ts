/**
 * The bridge's tracer provider: installed as the delegate of the API's global ProxyTracerProvider,
 * in front of whatever provider is there (the SDK's when traces are exported, the no-op one
 * otherwise). Every span is made by that provider, as before; spans of tracers that are not
 * covered are wrapped in a BridgeSpan, which records the conventions' metrics when it ends.
 *
 * Why not a SpanProcessor: with traces off there is no SDK TracerProvider to add one to, and
 * registering one would change what leaves the process (a sampler that records GenAI spans only
 * still gives every other span a new, unsampled context, which downstream services would obey).
 * Through the no-op provider, a span keeps its parent's context, exactly as without agentmeter.
 */
import { context as contextApi, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerOptions, type TracerProvider } from '@opentelemetry/api';
import { PACKAGE_NAME } from '../../version';
import { insideMeasuredOperation, isCoveredScope } from '../coverage';
import { BridgeSpan } from './span';
import type { WrappingTracerProvider } from '../../trace/registered';
import { isThenable } from '../wrap';

/** The API's ProxyTracerProvider, by shape (the app and agentmeter may load different API copies). */
export interface DelegatingProvider extends TracerProvider {
  getDelegate(): TracerProvider;
  setDelegate(delegate: TracerProvider): void;
}

export function isDelegatingProvider(provider: TracerProvider): provider is DelegatingProvider {
  const p = provider as Partial<DelegatingProvider>;
  return typeof p.getDelegate === 'function' && typeof p.setDelegate === 'function';
}

/**
 * Scopes never bridged: agentmeter's own spans (its MCP hook has recorded them) and the official
 * instrumentations (HTTP, databases, Kafka: no GenAI operations; OpenAI's records its own metrics).
 */
function neverBridged(name: string): boolean {
  return name === PACKAGE_NAME || name.startsWith('agentmeter/') || name.startsWith('@opentelemetry/instrumentation-');
}

export class BridgeTracerProvider implements WrappingTracerProvider {
  constructor(
    /** The global proxy this bridge is the delegate of. */
    private readonly proxy: DelegatingProvider,
    /** The provider that was the proxy's delegate before the bridge. */
    readonly inner: TracerProvider,
  ) {}

  /**
   * The provider spans are made by now: the one before the bridge, or one an SDK registered
   * after it (which replaced the bridge as the proxy's delegate; tracers handed out before keep
   * working through it).
   */
  current(): TracerProvider {
    const delegate = this.proxy.getDelegate();
    return delegate === this ? this.inner : delegate;
  }

  wrapped(): TracerProvider {
    return this.current();
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    if (neverBridged(name)) return this.inner.getTracer(name, version, options);
    return new BridgeTracer(this, name, version, options);
  }
}

class BridgeTracer implements Tracer {
  private provider: TracerProvider | undefined;
  private tracer: Tracer | undefined;

  constructor(
    private readonly bridge: BridgeTracerProvider,
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  private target(): Tracer {
    const provider = this.bridge.current();
    if (provider !== this.provider || this.tracer === undefined) {
      this.provider = provider;
      this.tracer = provider.getTracer(this.name, this.version, this.options);
    }
    return this.tracer;
  }

  startSpan(name: string, options?: SpanOptions, context?: Context): Span {
    const span = this.target().startSpan(name, options, context);
    // A span a direct hook has measured (its scope, or an operation it is timing) is left as is.
    if (isCoveredScope(this.name) || insideMeasuredOperation()) return span;
    return new BridgeSpan(span, name, options?.attributes, options?.startTime);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = (rest.length >= 2 ? rest[0] : undefined) as SpanOptions | undefined;
    const parent = (rest.length >= 3 ? rest[1] : undefined) as Context | undefined;
    const ctx = parent ?? contextApi.active();
    const span = this.startSpan(name, options, ctx);
    if (!(span instanceof BridgeSpan)) return contextApi.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
    span.awaitOutcome();
    let result: ReturnType<F>;
    try {
      result = contextApi.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
    } catch (err) {
      span.settle(err, true);
      throw err;
    }
    if (isThenable(result)) {
      // Watched on the side: the caller gets the very promise fn returned, its rejection unhandled or not as before.
      Promise.resolve(result).then(
        () => span.settle(undefined, false),
        (err: unknown) => span.settle(err, true),
      );
    } else {
      span.settle(undefined, false);
    }
    return result;
  }
}
