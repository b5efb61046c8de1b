/**
 * agentmeter as a Mastra observability exporter (`ObservabilityExporter` of `@mastra/core`),
 * written without importing Mastra. Mastra's bus prefers `onTracingEvent` and calls it in line,
 * in the order spans start and end; the work is a few Map operations and one record.
 */
import type { MastraSpanRecorder, TracingEvent } from './spans';

export class AgentmeterExporter {
  readonly name = 'agentmeter';

  constructor(
    private readonly recorder: MastraSpanRecorder,
    private readonly enabled: () => boolean,
  ) {}

  onTracingEvent(event: TracingEvent): void {
    if (this.enabled()) this.recorder.onEvent(event);
  }

  /** The interface's required method; the bus calls onTracingEvent instead when present. */
  exportTracingEvent(event: TracingEvent): Promise<void> {
    this.onTracingEvent(event);
    return Promise.resolve();
  }

  /** Nothing is buffered: every event is recorded as it arrives. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
