/**
 * agentmeter's trace processor for the OpenAI Agents SDK, added beside the app's own: agent
 * spans become agent invocations, function spans tool calls (with the agent they ran for),
 * handoff spans handoffs, traces workflows, and generation and response spans LLM calls when no
 * provider-SDK hook measured them (models.ts). Spans are timed on `performance.now()` from this
 * processor's onSpanStart to its onSpanEnd; it sits first among the processors, so the SDK calls
 * both synchronously from `span.start()` and `span.end()`.
 */
import { diag } from '@opentelemetry/api';
import { recordAgentHandoff, recordAgentInvocation, recordWorkflow } from '../../record/agent';
import { recordLlmCall } from '../../record/llm';
import { recordToolCall } from '../../record/tool';
import { currentModelFrame } from './models';
import { adapterModelCall, agentErrorType, agentOf, isoSeconds, modelErrorType, openaiModelCall, spanType, text, toolErrorType } from './spans';
import type { AgentsSpan, AgentsTrace, TracingProcessor } from './sdk-types';

/** A span between its start and its end. */
interface OpenSpan {
  startedAt: number;
  parentId: string | undefined;
  /** The agent, for agent and turn spans: what a tool call below them ran for. */
  agent: string | undefined;
}

/**
 * Spans and traces held at once. A run paused for a human approval keeps its agent span open,
 * perhaps for ever (its state is serialized and resumed elsewhere): the oldest entries give way.
 */
export const MAX_OPEN = 10_000;
/** Parent hops from a tool call up to its agent (function → turn → agent; a few spare). */
const MAX_DEPTH = 16;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_OPEN && !map.has(key)) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
}

function id(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export class AgentsMetricsProcessor implements TracingProcessor {
  private readonly spans = new Map<string, OpenSpan>();
  private readonly traces = new Map<string, number>();

  constructor(private readonly enabled: () => boolean) {}

  /** Spans and traces open now (for tests of the bound). */
  get openCount(): number {
    return this.spans.size + this.traces.size;
  }

  async onTraceStart(trace: AgentsTrace): Promise<void> {
    try {
      const traceId = id(trace?.traceId);
      if (traceId !== undefined && this.enabled()) remember(this.traces, traceId, performance.now());
    } catch (err) {
      diag.debug('agentmeter: an Agents SDK trace could not be read', err);
    }
  }

  async onTraceEnd(trace: AgentsTrace): Promise<void> {
    const endedAt = performance.now();
    try {
      const traceId = id(trace?.traceId);
      const startedAt = traceId === undefined ? undefined : this.traces.get(traceId);
      if (traceId === undefined || startedAt === undefined) return;
      this.traces.delete(traceId);
      if (this.enabled()) recordWorkflow({ workflow: text(trace, 'name'), seconds: (endedAt - startedAt) / 1000 });
    } catch (err) {
      diag.debug('agentmeter: an Agents SDK trace could not be recorded', err);
    }
  }

  async onSpanStart(span: AgentsSpan): Promise<void> {
    const startedAt = performance.now();
    try {
      const spanId = id(span?.spanId);
      if (spanId === undefined || !this.enabled()) return;
      remember(this.spans, spanId, { startedAt, parentId: id(span.parentId), agent: agentOf(span.spanData) });
    } catch (err) {
      diag.debug('agentmeter: an Agents SDK span could not be read', err);
    }
  }

  async onSpanEnd(span: AgentsSpan): Promise<void> {
    const endedAt = performance.now();
    let spanId: string | undefined;
    try {
      spanId = id(span?.spanId);
      const open = spanId === undefined ? undefined : this.spans.get(spanId);
      if (!this.enabled()) return;
      const seconds = open === undefined ? isoSeconds(span.startedAt, span.endedAt) : (endedAt - open.startedAt) / 1000;
      if (seconds !== undefined) this.record(span, seconds, open?.parentId ?? id(span.parentId));
    } catch (err) {
      // Recording never throws into the SDK's tracing (it would log it as the app's error).
      diag.debug('agentmeter: an Agents SDK span could not be recorded', err);
    } finally {
      // Deleted after recording: a tool call's parents are looked up while they are still open.
      if (spanId !== undefined) this.spans.delete(spanId);
    }
  }

  async shutdown(): Promise<void> {
    // Nothing buffered: every span is recorded as it ends. The SDK also calls this on the old
    // processors when the app replaces them, after which this one is put back (instrumentation.ts).
  }

  async forceFlush(): Promise<void> {}

  private record(span: AgentsSpan, seconds: number, parentId: string | undefined): void {
    const data = span.spanData;
    switch (spanType(data)) {
      case 'agent': {
        const agent = text(data, 'name');
        if (agent !== undefined) recordAgentInvocation({ agent, seconds, error: agentErrorType(span.error) });
        return;
      }
      case 'function': {
        const tool = text(data, 'name');
        if (tool !== undefined) recordToolCall({ tool, seconds, agent: this.agentAbove(parentId), error: toolErrorType(span.error) });
        return;
      }
      case 'handoff': {
        const from = text(data, 'from_agent');
        const to = text(data, 'to_agent');
        // A handoff whose target could not be resolved did not happen.
        if (from !== undefined && to !== undefined) recordAgentHandoff({ from, to });
        return;
      }
      case 'generation':
      case 'response':
        this.recordModelCall(span, seconds);
        return;
      default:
    }
  }

  /** The agent a span runs under: the nearest open agent or turn span above it. */
  private agentAbove(parentId: string | undefined): string | undefined {
    let current = parentId;
    for (let depth = 0; current !== undefined && depth < MAX_DEPTH; depth++) {
      const open = this.spans.get(current);
      if (open === undefined) return undefined;
      if (open.agent !== undefined) return open.agent;
      current = open.parentId;
    }
    return undefined;
  }

  /**
   * One model call, unless a provider-SDK hook measured it: for agents-openai's models the call's
   * frame says; the AI SDK adapter's calls (which go to the AI SDK model's `doGenerate`, not
   * through a hooked SDK) are recorded; any other model's spans are left out, since nothing
   * tells whether a hook under them measured the call.
   */
  private recordModelCall(span: AgentsSpan, seconds: number): void {
    const frame = currentModelFrame();
    if (frame?.measured === true) return;
    const call = frame !== undefined ? openaiModelCall(span.spanData, frame.model) : adapterModelCall(span.spanData);
    if (call === undefined) return;
    recordLlmCall({ provider: call.provider, model: call.model, operation: 'chat', seconds, ...call.tokens, error: modelErrorType(span.error) });
  }
}
