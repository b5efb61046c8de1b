/**
 * A span as the bridge sees it: the tracer's own span, with every call passed through unchanged,
 * and the few conventions' attributes, the status and the end time noted on the side. Context
 * and propagation are the inner span's, so a traceparent leaves the process exactly as it
 * would without the bridge.
 */
import { SpanStatusCode, type Attributes, type AttributeValue, type Exception, type HrTime, type Link, type Span, type SpanContext, type SpanStatus, type TimeInput } from '@opentelemetry/api';
import { errorType } from '../../attributes';
import { newLlmFrame, spanLlmFrames } from '../llm-scope';
import { READ_KEYS, recordGenAiSpan, type GenAiSpanData } from './record';
import { diag } from '@opentelemetry/api';

/** A TimeInput as milliseconds since the epoch (HrTime, Date, or epoch or performance milliseconds). */
function epochMillis(time: TimeInput): number {
  if (Array.isArray(time)) return (time as HrTime)[0] * 1000 + (time as HrTime)[1] / 1e6;
  if (time instanceof Date) return time.getTime();
  // The API allows performance.now() values too: they are far below any epoch time.
  const ms = time as number;
  return ms < 1e12 ? performance.timeOrigin + ms : ms;
}

export class BridgeSpan implements Span {
  private readonly data: GenAiSpanData = {};
  private readonly startedAt: number;
  private failed = false;
  private exceptionType: string | undefined;
  private ended = false;
  private endedAt = 0;
  /** startActiveSpan's function has not settled yet: the record waits for its outcome. */
  private pending = false;
  private thrownType: string | undefined;
  private recorded = false;
  private readonly frame = newLlmFrame();

  constructor(private readonly inner: Span, name: string, attributes: Attributes | undefined, startTime: TimeInput | undefined) {
    this.startedAt = startTime === undefined ? performance.timeOrigin + performance.now() : epochMillis(startTime);
    this.data.spanName = name;
    if (attributes !== undefined) this.note(attributes);
    // A provider-SDK hook that records a model call made with this span active marks it (llm-scope.ts).
    spanLlmFrames.set(this, this.frame);
  }

  spanContext(): SpanContext {
    return this.inner.spanContext();
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.inner.setAttribute(key, value);
    const field = READ_KEYS.get(key);
    if (field !== undefined) this.data[field] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    this.inner.setAttributes(attributes);
    this.note(attributes);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    this.inner.addEvent(name, attributesOrStartTime, startTime);
    return this;
  }

  addLink(link: Link): this {
    this.inner.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    this.inner.addLinks(links);
    return this;
  }

  setStatus(status: SpanStatus): this {
    this.inner.setStatus(status);
    this.failed = status.code === SpanStatusCode.ERROR;
    return this;
  }

  updateName(name: string): this {
    this.inner.updateName(name);
    this.data.spanName = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    this.inner.end(endTime);
    if (this.ended) return;
    this.ended = true;
    this.endedAt = endTime === undefined ? performance.timeOrigin + performance.now() : epochMillis(endTime);
    if (!this.pending) this.record();
  }

  /** Called before startActiveSpan runs its function: the outcome of that function counts too. */
  awaitOutcome(): void {
    this.pending = true;
  }

  /**
   * startActiveSpan's function returned or threw (`error`). A framework that ends the span in a
   * `finally` and sets no status (Google's ADK on a failed tool) is a failure all the same.
   */
  settle(error: unknown, threw: boolean): void {
    this.pending = false;
    if (threw) this.thrownType = error === undefined || error === null ? '_OTHER' : errorType(error);
    if (this.ended) this.record();
  }

  private record(): void {
    if (this.recorded) return;
    this.recorded = true;
    try {
      const failure = this.failed ? (this.exceptionType ?? this.thrownType ?? '_OTHER') : this.thrownType;
      recordGenAiSpan(this.data, Math.max(0, this.endedAt - this.startedAt) / 1000, failure, this.frame.measured);
    } catch (err) {
      // Recording never throws into the framework's code; the metric is lost, not the span.
      diag.debug(`agentmeter: a GenAI span could not be recorded (${err instanceof Error ? err.name : typeof err})`);
    }
  }

  isRecording(): boolean {
    return this.inner.isRecording();
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.inner.recordException(exception, time);
    this.exceptionType ??= typeof exception === 'string' ? '_OTHER' : errorType(exception);
  }

  private note(attributes: Attributes): void {
    for (const key of Object.keys(attributes)) {
      const field = READ_KEYS.get(key);
      if (field !== undefined) this.data[field] = attributes[key];
    }
  }
}
