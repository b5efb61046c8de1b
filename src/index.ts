/** agentmeter's public API. Every export is named here; nothing else is importable. */
export { start, shutdown } from './sdk/start';
export type { AgentmeterHandle } from './sdk/start';
export type { StartOptions, ResolvedConfig, MetricsExporterName, InstrumentationName } from './sdk/config';
export type { EndpointOptions, ResolvedEndpointConfig } from './sdk/endpoint-config';

export { recordToolCall, timeToolCall } from './record/tool';
export type { ToolCall } from './record/tool';
export {
  recordCacheLookup,
  recordCacheEviction,
  recordCacheSizeRejection,
  recordCacheOperation,
  setCacheSize,
} from './record/cache';
export type { CacheLookup, CacheEviction, CacheOperation, CacheSize } from './record/cache';
export { recordRouting } from './record/routing';
export type { RoutingDecision } from './record/routing';
export { createRoutingEvent, ROUTING_EVENT_SCHEMA_VERSION } from './events/event';
export type { RoutingEvent, RoutingEventInput } from './events/event';
export { validateRoutingEvent, routingEventSchema } from './events/validate';
export { publishRoutingEvent, shutdownRoutingEvents } from './events/routing-events';
export { RoutingEventPublisher } from './events/publisher';
export type { PublishedRoutingEvent } from './events/publisher';
export { DEFAULT_ROUTING_TOPIC } from './events/options';
export type { RoutingEventPublisherOptions, KafkaConnectionOptions, PostgresOptions } from './events/options';
export { RoutingEventWriter } from './events/writer';
export type { RoutingEventWriterOptions, WriterStats } from './events/writer';
export { recordLlmCall } from './record/llm';
export type { LlmCall } from './record/llm';
export type { LlmModelPrice, LlmPrices } from './record/llm-prices';
export { LlmStreamTimer } from './record/llm-stream';
export type { LlmStreamLabels } from './record/llm-stream';
export { recordAgentInvocation, recordAgentHandoff, recordWorkflow } from './record/agent';
export type { AgentInvocation, AgentHandoff, Workflow } from './record/agent';
export { recordActionLog } from './record/action-log';
export type { ActionLogEvent } from './record/action-log';
export { recordPublish } from './record/publish';
export type { PublishEvent } from './record/publish';
export { recordDbOperation, setDbPoolState } from './record/db';
export type { DbOperation, DbPoolState } from './record/db';
export { trackSession, trackRequest, setHealth } from './record/system';
export type { Tracker } from './record/system';

export { withToolSpan, ATTR_CORRELATION_ID, ATTR_QUERY_TEXT, ATTR_TOOL_CALL_ID } from './trace/tool-span';
export type { ToolSpanOptions } from './trace/tool-span';

export { startSummaryServer } from './exporters/summary/server';
export type { SummaryServer, SummaryServerOptions } from './exporters/summary/server';
export { buildSummary } from './exporters/summary/summary';
export type { MetricsSummary, ToolSummary, CacheSummary, SystemSummary } from './exporters/summary/summary';
export { runJob, formatDuration, currentJobId } from './jobs/scope';
export type { JobOptions, JobResult } from './jobs/scope';
export { setJobLogger, consoleJobLogger } from './jobs/logger';
export type { JobLogger } from './jobs/logger';

export { METRICS, METRIC_LIST } from './catalog';
export { OVERFLOW_VALUE } from './catalog-vocabulary';
export type { MetricDefinition, AttributeRule, InstrumentKind, MetricId } from './catalog';
export { createMetricProducer } from './store/producer';
export type { MetricProducerOptions } from './store/producer';
export { PrometheusEndpoint } from './exporters/prometheus/exporter';
export { loadWebConfig } from './exporters/web-config';
export type { WebConfig, TlsServerSettings, ClientAuthType } from './exporters/web-config';
export type { EndpointGateOptions } from './exporters/endpoint-server';
export type { PrometheusEndpointOptions } from './exporters/prometheus/exporter';
export { PrometheusSerializer } from './exporters/prometheus/serializer';
export type { PrometheusSerializerOptions } from './exporters/prometheus/serializer';
export { prometheusMetricName, prometheusLabelName } from './exporters/prometheus/naming';

export {
  AgentmeterError,
  ConfigError,
  ExportError,
  IncompatibleDependencyError,
  EventValidationError,
  DatabaseError,
  ERROR_CODES,
} from './errors';
export type { ErrorCode } from './errors';
