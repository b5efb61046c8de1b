/**
 * Model calls of the AI SDK, from the `ai:telemetry` channel's `languageModelCall`, `embed` and
 * `embedMany` spans, recorded once each, at the first moment their numbers are known:
 * - a plain (`doGenerate`) call when its span ends: the result carries the usage;
 * - a streamed call (`doStream`) when the SDK reports the stream's end to its telemetry
 *   integrations (`onLanguageModelCallEnd`: usage and time to first chunk): its channel span ends
 *   as soon as the stream is open and never sees the usage;
 * - a plain call whose result the channel leaves out (`recordInputs` / `recordOutputs: false`),
 *   the same way, timed to its span's end;
 * - failing either, when its step (or its run) ends, with the duration and no tokens: a call
 *   whose `telemetry.integrations` replace the global ones never reaches the integration.
 * Innermost wins (llm-scope.ts): a provider-SDK hook that recorded the call inside the span's
 * frame takes its place; a frame around the span (an outer framework's) is marked as measured.
 */
import { recordLlmCall } from '../../record/llm';
import type { LlmFrame } from '../llm-scope';
import type { TokenCounts } from './mapping';

/** One model call whose channel span has started. */
export interface ModelCall {
  /** The frame the call runs in; a provider-SDK hook inside marks it. */
  readonly frame: LlmFrame;
  /** The frame around the call, if any (an outer framework's model call). */
  readonly parent: LlmFrame | undefined;
  operation: 'chat' | 'embeddings';
  provider: string;
  model: string;
  /** `performance.now()` at the span's start. */
  startedAt: number;
  /** `performance.now()` at the span's end, for a call that is over when its span ends. */
  endedAt: number | undefined;
  /** A streamed call: over when the stream is, not when its span ends. */
  stream: boolean;
  done: boolean;
}

export function newModelCall(frame: LlmFrame, parent: LlmFrame | undefined): ModelCall {
  return { frame, parent, operation: 'chat', provider: '', model: '', startedAt: performance.now(), endedAt: undefined, stream: false, done: false };
}

/** What is known when a call is recorded. */
export interface Outcome {
  tokens?: TokenCounts;
  /** Seconds to the first chunk of a stream, as the SDK measured it. */
  timeToFirstChunkSeconds?: number;
  /** The failure, if the call failed. */
  error?: unknown;
}

/** Records `call` once (the first outcome wins) unless a provider-SDK hook inside has. */
export function finishModelCall(call: ModelCall, outcome: Outcome): void {
  if (call.done) return;
  call.done = true;
  if (call.parent !== undefined) call.parent.measured = true;
  if (call.frame.measured) return;
  const end = call.stream ? performance.now() : (call.endedAt ?? performance.now());
  recordLlmCall({
    provider: call.provider,
    model: call.model,
    operation: call.operation,
    seconds: Math.max(0, end - call.startedAt) / 1000,
    ...outcome.tokens,
    timeToFirstChunkSeconds: outcome.timeToFirstChunkSeconds,
    error: outcome.error,
  });
}

/** Runs at most this many at once are tracked; past it the oldest is let go (its calls recorded). */
const MAX_RUNS = 4096;

/**
 * The model calls of each run (by `callId`) not yet recorded. A run's calls are sequential (one
 * per step, retries one after another), so the oldest open one is the one an integration event
 * reports on.
 */
export class PendingCalls {
  private readonly runs = new Map<string, { stream: boolean; calls: ModelCall[] }>();

  /** A `generateText` (`stream` false) or `streamText` run has started. */
  open(callId: string, stream: boolean): void {
    if (this.runs.size >= MAX_RUNS) {
      // A stream nobody reads to its end never ends its run: bounded, oldest first.
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.close(oldest);
    }
    this.runs.set(callId, { stream, calls: [] });
  }

  /** Whether `callId` is a known run, and a streaming one. */
  streaming(callId: string): boolean | undefined {
    return this.runs.get(callId)?.stream;
  }

  /** Keeps `call` until an outcome arrives; false when its run is unknown. */
  hold(callId: string, call: ModelCall): boolean {
    const run = this.runs.get(callId);
    if (run === undefined) return false;
    run.calls.push(call);
    return true;
  }

  /** The oldest call of the run still waiting for its outcome. */
  oldest(callId: string): ModelCall | undefined {
    const run = this.runs.get(callId);
    if (run === undefined) return undefined;
    while (run.calls.length > 0 && run.calls[0]!.done) run.calls.shift();
    return run.calls[0];
  }

  /**
   * A step ended: its calls will hear nothing more; recorded with what is known. `error` is the
   * step's failure, the failure of a stream that had not finished.
   */
  settle(callId: string, error?: unknown): void {
    const run = this.runs.get(callId);
    if (run === undefined) return;
    for (const call of run.calls) {
      finishModelCall(call, { error: call.stream && call.endedAt === undefined ? error : undefined });
    }
    run.calls.length = 0;
  }

  /** The run ended. */
  close(callId: string, error?: unknown): void {
    this.settle(callId, error);
    this.runs.delete(callId);
  }

  clear(): void {
    this.runs.clear();
  }
}
