/**
 * A streamed GenAI response's chunk timings: `gen_ai.client.operation.time_to_first_chunk` once,
 * then `gen_ai.client.operation.time_per_output_chunk` for each later chunk (time since the one
 * before), as the conventions define them. Recorded as chunks arrive, so a stream that is never
 * finished has still counted what it delivered, and nothing is held per chunk.
 */
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import type { HistogramPoint } from '../store/points';
import { ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL } from '../catalog-vocabulary';

const llmFirstChunk = withKeys(instruments.llmFirstChunk, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL);
const llmChunkInterval = withKeys(instruments.llmChunkInterval, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL);

/** The labels of a stream's chunk timings. */
export interface LlmStreamLabels {
  /** Provider (`gen_ai.provider.name`), e.g. `openai`. */
  provider: string;
  /** Requested model (`gen_ai.request.model`). */
  model: string;
  /** Operation name (`gen_ai.operation.name`); default `chat`. */
  operation?: string;
}

export class LlmStreamTimer {
  /** Seconds from the request to the first chunk, once one has arrived. */
  firstChunkSeconds: number | undefined = undefined;
  private last: number;
  private interval: HistogramPoint | undefined = undefined;
  private readonly labels: LlmStreamLabels;

  /** `startedAtMillis`: when the request was sent, on the `performance.now()` clock; default now. */
  constructor(labels: LlmStreamLabels, startedAtMillis: number = performance.now()) {
    this.labels = labels;
    this.last = startedAtMillis;
  }

  /** One chunk has arrived (`nowMillis` on the `performance.now()` clock); never throws. */
  chunk(nowMillis: number = performance.now()): void {
    if (!state.enabled) return;
    try {
      const seconds = (nowMillis - this.last) / 1000;
      this.last = nowMillis;
      if (this.firstChunkSeconds === undefined) this.first(seconds);
      else if (this.interval !== undefined) this.interval.record(Math.max(0, seconds));
    } catch (err) {
      recordingFailed('LlmStreamTimer.chunk', err);
    }
  }

  private first(seconds: number): void {
    this.firstChunkSeconds = Math.max(0, seconds);
    const operation = guard.name(this.labels.operation ?? 'chat', 'operation');
    const provider = guard.name(this.labels.provider, 'provider');
    const model = guard.name(this.labels.model, 'model');
    if (operation === undefined || provider === undefined || model === undefined) return;
    llmFirstChunk.get3(operation, provider, model).record(this.firstChunkSeconds);
    // Resolved once per stream: each later chunk then costs one record.
    this.interval = llmChunkInterval.get3(operation, provider, model);
  }
}
