/**
 * agentmeter's AI SDK telemetry integration: what the `ai:telemetry` channel does not carry. Its
 * `languageModelCall` span of a streamed call ends when the stream opens, and with
 * `recordInputs` / `recordOutputs: false` it carries no results at all; the SDK still tells its
 * telemetry integrations the usage at each model call's end and each tool's outcome. So while
 * the `ai-sdk` instrumentation is on, this object sits in the SDK's global integration list
 * (`globalThis.AI_SDK_TELEMETRY_INTEGRATIONS`, which `registerTelemetry()` appends to and every
 * copy of `ai` reads: CommonJS, ESM and bundled alike). It only completes calls the channel
 * has seen start, so it records nothing on its own.
 */
import { callIdOf, field, firstChunkSeconds, resultsHidden, tokenCounts, toolCallId } from './mapping';
import { finishModelCall, type PendingCalls } from './model-calls';

/** Outcomes kept for tool calls whose channel span carries no result, until that span ends. */
const MAX_TOOL_OUTCOMES = 4096;

/** The integration callbacks, bound to the instrumentation's pending calls and tool outcomes. */
export interface AiSdkIntegration {
  onLanguageModelCallEnd(event: unknown): void;
  onToolExecutionEnd(event: unknown): void;
}

/**
 * Tool outcomes (failed or not) by tool call id, from the integration, for the channel's
 * `executeTool` spans that end without a result. The SDK reports the outcome inside the span,
 * so the span's end finds it here.
 */
export class ToolOutcomes {
  private readonly failed = new Map<string, boolean>();

  set(id: string, failed: boolean): void {
    if (this.failed.size >= MAX_TOOL_OUTCOMES) {
      const oldest = this.failed.keys().next().value;
      if (oldest !== undefined) this.failed.delete(oldest);
    }
    this.failed.set(id, failed);
  }

  /** The outcome of `id`, forgotten once read; undefined when none was reported. */
  take(id: string | undefined): boolean | undefined {
    if (id === undefined) return undefined;
    const failed = this.failed.get(id);
    this.failed.delete(id);
    return failed;
  }

  clear(): void {
    this.failed.clear();
  }
}

export function createIntegration(pending: PendingCalls, tools: ToolOutcomes): AiSdkIntegration {
  return {
    // The SDK awaits its integrations: these return nothing and never throw.
    onLanguageModelCallEnd(event: unknown): void {
      try {
        const callId = callIdOf(event);
        const call = callId === undefined ? undefined : pending.oldest(callId);
        if (call === undefined) return;
        finishModelCall(call, {
          tokens: tokenCounts(field(event, 'usage')),
          timeToFirstChunkSeconds: call.stream ? firstChunkSeconds(event) : undefined,
        });
      } catch {
        // Recording never breaks the app's model call.
      }
    },
    onToolExecutionEnd(event: unknown): void {
      try {
        // Only where the channel will lack the result: elsewhere it has the error itself.
        if (!resultsHidden(event)) return;
        const id = toolCallId(event);
        if (id !== undefined) tools.set(id, field(field(event, 'toolOutput'), 'type') === 'tool-error');
      } catch {
        // As above.
      }
    },
  };
}

interface IntegrationGlobal {
  AI_SDK_TELEMETRY_INTEGRATIONS?: unknown;
}

/** Adds `integration` to the SDK's global list (made if absent, as `registerTelemetry()` does). */
export function registerIntegration(integration: AiSdkIntegration): void {
  const global = globalThis as IntegrationGlobal;
  global.AI_SDK_TELEMETRY_INTEGRATIONS ??= [];
  const list = global.AI_SDK_TELEMETRY_INTEGRATIONS;
  if (Array.isArray(list) && !list.includes(integration)) list.push(integration);
}

/** Takes `integration` out of the SDK's global list again. */
export function unregisterIntegration(integration: AiSdkIntegration): void {
  const list = (globalThis as IntegrationGlobal).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (!Array.isArray(list)) return;
  const index = list.indexOf(integration);
  if (index !== -1) list.splice(index, 1);
}
