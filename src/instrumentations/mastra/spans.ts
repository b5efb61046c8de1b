/**
 * Mastra's tracing spans, as its observability exporters receive them, turned into agentmeter's
 * records:
 *
 * | span type | record |
 * | --- | --- |
 * | `agent_run` | `recordAgentInvocation` (the agent's name; provider and model of its generations) |
 * | `tool_call`, `mcp_tool_call` | `recordToolCall` (the tool, the agent it ran for) |
 * | `model_inference` | `recordLlmCall`: one provider call, with its usage and time to first chunk |
 * | `model_step`, `model_generation` | `recordLlmCall` only when no span under it recorded one (a Mastra without inference spans, or one that excludes them) |
 * | `workflow_run` | `recordWorkflow` |
 *
 * A generation spans every step of the agent's loop, tool executions included: recording it as
 * one LLM call would count one call where the provider served several, each as long as the
 * whole loop. A model call that fails ends its spans without the error, with finish reason
 * `error`; the agent run above it carries the error, so the call is recorded when the run ends,
 * with the run's error type. Durations come from the spans' own start and end times. Client-side and
 * provider-executed tools (`client_tool_call`, `provider_tool_call`) are not the app's tool
 * executions and are not recorded.
 */
import { errorType } from '../../attributes';
import { recordAgentInvocation, recordWorkflow } from '../../record/agent';
import { recordLlmCall, type LlmCall } from '../../record/llm';
import { recordToolCall } from '../../record/tool';
import { recordingFailed } from '../../record/guarded';
import { RunMap } from '../run-map';
import { providerName, spanSeconds, tokenCounts } from './attributes';

/** The fields of Mastra's exported span read here. */
export interface ExportedSpan {
  id?: unknown;
  parentSpanId?: unknown;
  type?: unknown;
  entityType?: unknown;
  entityId?: unknown;
  entityName?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  attributes?: unknown;
  errorInfo?: unknown;
  isEvent?: unknown;
}

export interface TracingEvent {
  type?: unknown;
  exportedSpan?: ExportedSpan;
}

/** State kept between a span's start and end: what its children and its end need. */
interface SpanState {
  type: string;
  parent: string | undefined;
  /** The agent of an agent-entity span (its model and step spans), for the tools under it. */
  agent: string | undefined;
  /** Generation spans: the requested provider and model. */
  provider: string | undefined;
  model: string | undefined;
  /** A span under this one has recorded the LLM call(s). */
  measured: boolean;
  /** Agent runs: model calls that failed in them, recorded with the run's error when it ends. */
  failedCalls: LlmCall[] | undefined;
}

/** Failed model calls kept per agent run until it ends (a run that retries for ever is cut off). */
const MAX_FAILED_CALLS = 32;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function attributes(span: ExportedSpan): Record<string, unknown> {
  return typeof span.attributes === 'object' && span.attributes !== null ? (span.attributes as Record<string, unknown>) : {};
}

/** The span's failure, for `error.type`: its error's name, else a failed status. */
function failure(span: ExportedSpan): unknown {
  if (typeof span.errorInfo === 'object' && span.errorInfo !== null) return errorType(span.errorInfo);
  const { status, success } = attributes(span);
  if (success === false) return 'tool_error';
  // A workflow that failed, was stopped by a processor's tripwire, or was cancelled.
  return status === 'failed' || status === 'tripwire' || status === 'canceled' ? status : undefined;
}

const TRACKED = new Set(['agent_run', 'model_generation', 'model_step', 'model_inference']);

export class MastraSpanRecorder {
  /** Open spans by span id, bounded: a span that never ends is evicted and counted. */
  readonly spans: RunMap<SpanState>;

  constructor(capacity?: number) {
    this.spans = new RunMap<SpanState>('the Mastra instrumentation', capacity);
  }

  /** One tracing event from Mastra's observability bus; never throws. */
  onEvent(event: TracingEvent): void {
    try {
      const span = event.exportedSpan;
      if (span === undefined || span === null || span.isEvent === true) return;
      if (event.type === 'span_started') this.started(span);
      else if (event.type === 'span_ended') this.ended(span);
    } catch (err) {
      recordingFailed('Mastra tracing event', err);
    }
  }

  private started(span: ExportedSpan): void {
    const id = text(span.id);
    const type = text(span.type);
    if (id === undefined || type === undefined || !TRACKED.has(type)) return;
    const parent = text(span.parentSpanId);
    const attrs = attributes(span);
    const agent = span.entityType === 'agent' ? (text(span.entityName) ?? text(span.entityId)) : undefined;
    const state: SpanState = { type, parent, agent, provider: undefined, model: undefined, measured: false, failedCalls: undefined };
    if (type === 'model_generation') {
      state.provider = providerName(attrs.provider);
      state.model = text(attrs.model) ?? '';
      const run = this.spans.get(parent ?? '');
      if (run?.type === 'agent_run') {
        // One provider and model for the whole run, or none.
        run.provider = run.provider === undefined || run.provider === state.provider ? state.provider : '';
        run.model = run.model === undefined || run.model === state.model ? state.model : '';
      }
    }
    this.spans.set(id, state);
  }

  private ended(span: ExportedSpan): void {
    const type = text(span.type);
    const id = text(span.id) ?? '';
    switch (type) {
      case 'agent_run': {
        const run = this.spans.take(id);
        const error = failure(span);
        for (const call of run?.failedCalls ?? []) recordLlmCall({ ...call, error: error ?? '_OTHER' });
        recordAgentInvocation({
          agent: text(span.entityName) ?? text(span.entityId) ?? run?.agent ?? 'agent',
          seconds: spanSeconds(span),
          provider: run?.provider === '' ? undefined : run?.provider,
          model: run?.model === '' ? undefined : run?.model,
          error,
        });
        return;
      }
      case 'tool_call':
      case 'mcp_tool_call':
        recordToolCall({
          tool: text(span.entityName) ?? text(span.entityId) ?? 'tool',
          seconds: spanSeconds(span),
          error: failure(span),
          agent: this.spans.get(text(span.parentSpanId) ?? '')?.agent,
        });
        return;
      case 'model_inference':
        this.spans.take(id);
        this.recordModelCall(span, undefined);
        return;
      case 'model_step':
      case 'model_generation': {
        const state = this.spans.take(id);
        if (state !== undefined && !state.measured) this.recordModelCall(span, type === 'model_step' ? this.spans.get(state.parent ?? '') : state);
        return;
      }
      case 'workflow_run':
        recordWorkflow({ workflow: text(span.entityName) ?? text(span.entityId), seconds: spanSeconds(span), error: failure(span) });
        return;
      default:
    }
  }

  /** One LLM call from a span with usage; `generation` supplies provider and model a step lacks. */
  private recordModelCall(span: ExportedSpan, generation: SpanState | undefined): void {
    const attrs = attributes(span);
    const error = failure(span);
    const startMillis = span.startTime instanceof Date ? span.startTime.getTime() : undefined;
    const firstChunk = attrs.completionStartTime instanceof Date && startMillis !== undefined ? (attrs.completionStartTime.getTime() - startMillis) / 1000 : undefined;
    const call: LlmCall = {
      provider: text(attrs.provider) !== undefined ? providerName(attrs.provider) : (generation?.provider ?? '_OTHER'),
      model: text(attrs.model) ?? generation?.model ?? '',
      seconds: spanSeconds(span),
      ...(error === undefined ? tokenCounts(attrs.usage) : {}),
      timeToFirstChunkSeconds: firstChunk !== undefined && firstChunk >= 0 ? firstChunk : undefined,
      error,
    };
    // The step and generation above this call are measured through it; a failed call waits for its agent run.
    let run: SpanState | undefined;
    for (let parent = text(span.parentSpanId), depth = 0; parent !== undefined && depth < 8; depth++) {
      const state = this.spans.get(parent);
      if (state === undefined) break;
      state.measured = true;
      if (state.type === 'agent_run') run = state;
      parent = state.parent;
    }
    if (error !== undefined || attrs.finishReason !== 'error') return recordLlmCall(call);
    if (run === undefined) return recordLlmCall({ ...call, error: '_OTHER' });
    run.failedCalls ??= [];
    if (run.failedCalls.length < MAX_FAILED_CALLS) run.failedCalls.push(call);
  }
}
