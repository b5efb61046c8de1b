/**
 * Zero-code metrics for the Vercel AI SDK 7 (`ai`): tool executions
 * (`gen_ai.execute_tool.duration`), model calls (`gen_ai.client.operation.duration`,
 * `gen_ai.client.token.usage`, `gen_ai.client.operation.time_to_first_chunk`) and runs
 * (`gen_ai.invoke_agent.duration`), from the SDK's own `ai:telemetry` tracing channel. Nothing
 * is patched: the SDK publishes to whoever subscribes, so enabling subscribes and disabling
 * unsubscribes (InstrumentationBase is kept for the shape every instrumentation has).
 */
import { InstrumentationBase, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { coverSpanScope, uncoverSpanScope } from '../coverage';
import { AiSdkChannel } from './channel';

/**
 * The tracer names of the AI SDK's own OpenTelemetry integrations (`@ai-sdk/otel`: `gen_ai` for
 * `OpenTelemetry`, `ai` for `LegacyOpenTelemetry`): their spans describe the runs, model calls
 * and tools this hook records, so the generic span bridge leaves them alone.
 */
export const AI_SDK_SPAN_SCOPES = ['gen_ai', 'ai'] as const;

// One subscriber per process: InstrumentationBase's constructor calls enable() before a
// subclass's fields exist, and two instances must not subscribe twice.
const subscriber = new AiSdkChannel();

/** `ai-sdk`: subscribes to the AI SDK's channel while enabled (one subscription per process). */
export class AiSdkInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-ai-sdk', PACKAGE_VERSION, config);
  }

  protected init(): [] {
    return [];
  }

  override enable(): void {
    super.enable();
    subscriber.start();
    for (const scope of AI_SDK_SPAN_SCOPES) coverSpanScope(scope);
  }

  override disable(): void {
    super.disable();
    subscriber.stop();
    for (const scope of AI_SDK_SPAN_SCOPES) uncoverSpanScope(scope);
  }
}
