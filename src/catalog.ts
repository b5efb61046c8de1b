/**
 * The metric catalog: every instrument agentmeter emits, as data.
 *
 * The metric reference (docs/metrics.md), the Prometheus names, the cardinality guard and the
 * tests all read this table; nothing else declares a metric.
 */

/** How an instrument aggregates; maps to OTel histogram, counter, up-down counter and gauge. */
export type InstrumentKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';

/** One attribute key of an instrument and the values it may take. */
export interface AttributeRule {
  /** The OTel attribute key, e.g. `gen_ai.tool.name`. */
  readonly key: string;
  /** Allowed values for an enum key; absent for a bounded name (first N distinct kept). */
  readonly values?: readonly string[];
  /** True when the key is set only on some samples (e.g. `error.type` on failures). */
  readonly optional?: boolean;
  /** When an optional key is set, as the metric reference says it; default `on failure`. */
  readonly when?: string;
}

/**
 * A key whose value follows from another key's (no lookup level of its own): set on a series
 * when `from` has one of the listed values, e.g. `gen_ai.operation.name=execute_tool` on the
 * series of `mcp.method.name=tools/call`.
 */
export interface DerivedAttribute {
  readonly key: string;
  readonly from: string;
  /** The derived value by the value of `from`; other values of `from` leave the key unset. */
  readonly values: Readonly<Record<string, string>>;
}

/** One instrument. */
export interface MetricDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  /** UCUM unit: `s`, `By`, `{token}`, `1`. */
  readonly unit: string;
  readonly description: string;
  /** Explicit bucket boundaries for histograms (upper bounds, inclusive). */
  readonly buckets?: readonly number[];
  readonly attributes: readonly AttributeRule[];
  /** Keys set from the value of another key (listed after `attributes` in the reference). */
  readonly derived?: readonly DerivedAttribute[];
  /** Which helper family records it: used to group the table of docs/metrics.md. */
  readonly domain: MetricDomain;
}

export type MetricDomain =
  | 'tool'
  | 'mcp'
  | 'cache'
  | 'routing'
  | 'action-log'
  | 'llm'
  | 'agent'
  | 'publish'
  | 'db'
  | 'service'
  | 'self';

import { MCP_METRICS } from './catalog-mcp';
import { SELF_METRICS } from './catalog-self';
import {
  ATTR_TOOL_NAME, ATTR_ERROR_TYPE, ATTR_AGENT_NAME, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE, ATTR_CACHE_NAME, ATTR_CACHE_RESULT, ATTR_CACHE_OPERATION,
  ATTR_CACHE_EVICTION_REASON, ATTR_ROUTING_STRATEGY, ATTR_ROUTING_CACHE_HIT,
  ATTR_ROUTING_OUTCOME, ATTR_ACTION_TYPE, ATTR_ACTION_STATUS, ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION, ATTR_DB_SYSTEM, ATTR_DB_OPERATION,
  ATTR_DB_COLLECTION, ATTR_DB_POOL_NAME, ATTR_DB_CONNECTION_STATE, ATTR_HEALTH_STATUS,
  ATTR_SERVICE_VERSION, ATTR_AGENTMETER_VERSION, ATTR_WORKFLOW_NAME, ATTR_HANDOFF_TARGET, CACHE_RESULTS, CACHE_OPERATIONS,
  EVICTION_REASONS, ROUTING_OUTCOMES, ACTION_STATUSES, TOKEN_TYPES, HEALTH_STATUSES,
  CONNECTION_STATES, BOOLEAN_VALUES, GENAI_DURATION_BUCKETS, TOOL_DURATION_BUCKETS,
  TOKEN_BUCKETS, MESSAGING_DURATION_BUCKETS, DB_DURATION_BUCKETS, CACHE_DURATION_BUCKETS,
  ROUTING_DURATION_BUCKETS, CANDIDATE_BUCKETS, CONFIDENCE_BUCKETS, MESSAGE_SIZE_BUCKETS,
  AGENT_DURATION_BUCKETS, FIRST_CHUNK_BUCKETS, CHUNK_INTERVAL_BUCKETS,
} from './catalog-vocabulary';

const tool = { key: ATTR_TOOL_NAME } as const;
const error = { key: ATTR_ERROR_TYPE, optional: true } as const;
const cacheName = { key: ATTR_CACHE_NAME } as const;
const strategy = { key: ATTR_ROUTING_STRATEGY } as const;
const agent = { key: ATTR_AGENT_NAME } as const;
const actionType = { key: ATTR_ACTION_TYPE } as const;
/** The agent a tool ran for, when the framework says (AI SDK agents, the Agents SDK, LangChain, Mastra). */
const toolAgent = { key: ATTR_AGENT_NAME, optional: true, when: 'when the framework names the agent' } as const;
const llm = [{ key: ATTR_OPERATION_NAME }, { key: ATTR_PROVIDER_NAME }, { key: ATTR_REQUEST_MODEL }] as const;
/** Cost series: by provider, model and, when the caller or framework names it, agent. */
const llmCostAttributes = [
  { key: ATTR_PROVIDER_NAME },
  { key: ATTR_REQUEST_MODEL },
  { key: ATTR_AGENT_NAME, optional: true, when: 'when the caller or framework names the agent' },
] as const;
const publish = [
  { key: ATTR_MESSAGING_SYSTEM },
  { key: ATTR_MESSAGING_DESTINATION },
  { key: ATTR_MESSAGING_OPERATION },
] as const;
const dbOp = [{ key: ATTR_DB_SYSTEM }, { key: ATTR_DB_OPERATION }, { key: ATTR_DB_COLLECTION }] as const;
/** Every instrument, keyed by a short id the helpers use. */
export const METRICS = {
  toolDuration: {
    name: 'gen_ai.execute_tool.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of tool executions; count, failures (error.type set) and percentiles follow.',
    buckets: TOOL_DURATION_BUCKETS,
    attributes: [tool, toolAgent, error],
    domain: 'tool',
  },
  ...MCP_METRICS,
  cacheRequests: {
    name: 'agent.cache.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'Cache lookups by result (hit or miss).',
    attributes: [cacheName, { key: ATTR_CACHE_RESULT, values: CACHE_RESULTS }],
    domain: 'cache',
  },
  cacheEvictions: {
    name: 'agent.cache.evictions',
    kind: 'counter',
    unit: '{eviction}',
    description: 'Entries evicted from a cache, by reason.',
    attributes: [cacheName, { key: ATTR_CACHE_EVICTION_REASON, values: EVICTION_REASONS }],
    domain: 'cache',
  },
  cacheSizeRejections: {
    name: 'agent.cache.size_rejections',
    kind: 'counter',
    unit: '{entry}',
    description: 'Entries not stored because they exceeded the cache size limit.',
    attributes: [cacheName],
    domain: 'cache',
  },
  cacheOperationDuration: {
    name: 'agent.cache.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of cache operations.',
    buckets: CACHE_DURATION_BUCKETS,
    attributes: [cacheName, { key: ATTR_CACHE_OPERATION, values: CACHE_OPERATIONS }],
    domain: 'cache',
  },
  cacheEntries: {
    name: 'agent.cache.entries',
    kind: 'updowncounter',
    unit: '{entry}',
    description: 'Entries currently held by a cache.',
    attributes: [cacheName],
    domain: 'cache',
  },
  cacheSize: {
    name: 'agent.cache.size',
    kind: 'updowncounter',
    unit: 'By',
    description: 'Bytes currently held by a cache.',
    attributes: [cacheName],
    domain: 'cache',
  },
  routingDuration: {
    name: 'agent.routing.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time taken to route a request to an agent.',
    buckets: ROUTING_DURATION_BUCKETS,
    attributes: [strategy, { key: ATTR_ROUTING_OUTCOME, values: ROUTING_OUTCOMES }],
    domain: 'routing',
  },
  routingCandidates: {
    name: 'agent.routing.candidates',
    kind: 'histogram',
    unit: '{candidate}',
    description: 'Candidate agents evaluated per routing decision.',
    buckets: CANDIDATE_BUCKETS,
    attributes: [strategy],
    domain: 'routing',
  },
  routingConfidence: {
    name: 'agent.routing.confidence',
    kind: 'histogram',
    unit: '1',
    description: 'Confidence of the selected route, 0 to 1.',
    buckets: CONFIDENCE_BUCKETS,
    attributes: [strategy],
    domain: 'routing',
  },
  routingDecisions: {
    name: 'agent.routing.decisions',
    kind: 'counter',
    unit: '{decision}',
    description: 'Routing decisions by strategy, selected agent, cache hit and outcome.',
    attributes: [
      strategy,
      agent,
      { key: ATTR_ROUTING_CACHE_HIT, values: BOOLEAN_VALUES },
      { key: ATTR_ROUTING_OUTCOME, values: ROUTING_OUTCOMES },
    ],
    domain: 'routing',
  },
  actionLogDuration: {
    name: 'agent.action_log.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of logged agent actions.',
    buckets: TOOL_DURATION_BUCKETS,
    attributes: [agent, actionType],
    domain: 'action-log',
  },
  actionLogEvents: {
    name: 'agent.action_log.events',
    kind: 'counter',
    unit: '{event}',
    description: 'Action-log events by agent, action type and status.',
    attributes: [agent, actionType, { key: ATTR_ACTION_STATUS, values: ACTION_STATUSES }],
    domain: 'action-log',
  },
  actionLogErrors: {
    name: 'agent.action_log.errors',
    kind: 'counter',
    unit: '{error}',
    description: 'Failed agent actions by error type.',
    attributes: [agent, { key: ATTR_ERROR_TYPE }],
    domain: 'action-log',
  },
  llmDuration: {
    name: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    // This and the next description are @opentelemetry/instrumentation-openai's word for word:
    // both land in one Prometheus family, for which the Collector serves only one of two HELPs.
    description: 'GenAI operation duration',
    buckets: GENAI_DURATION_BUCKETS,
    attributes: [...llm, error],
    domain: 'llm',
  },
  llmTokens: {
    name: 'gen_ai.client.token.usage',
    kind: 'histogram',
    unit: '{token}',
    description: 'Measures number of input and output tokens used',
    buckets: TOKEN_BUCKETS,
    attributes: [...llm, { key: ATTR_TOKEN_TYPE, values: TOKEN_TYPES }],
    domain: 'llm',
  },
  llmFirstChunk: {
    name: 'gen_ai.client.operation.time_to_first_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time from a streamed request to its first chunk.',
    buckets: FIRST_CHUNK_BUCKETS,
    attributes: llm,
    domain: 'llm',
  },
  llmChunkInterval: {
    name: 'gen_ai.client.operation.time_per_output_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time between a streamed response\'s chunks, one sample per chunk after the first.',
    buckets: CHUNK_INTERVAL_BUCKETS,
    attributes: llm,
    domain: 'llm',
  },
  llmCost: {
    name: 'agent.llm.cost',
    kind: 'counter',
    // No GenAI convention for cost yet (semantic-conventions-genai has a proposal only); UCUM
    // has no currency, so the unit is an annotation, which Prometheus names leave out.
    unit: '{USD}',
    description: 'USD cost of LLM calls, from the price table or the configured overrides (docs/llm-cost.md); unpriced calls are not in it.',
    attributes: llmCostAttributes,
    domain: 'llm',
  },
  llmUnpricedCalls: {
    name: 'agent.llm.unpriced_calls',
    kind: 'counter',
    unit: '{call}',
    description: 'LLM calls whose cost is unknown: no price for the provider and model, or no token counts; never counted as zero cost.',
    attributes: llmCostAttributes,
    domain: 'llm',
  },
  agentDuration: {
    name: 'gen_ai.invoke_agent.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of agent invocations, from start to the final answer or the error; count and failures follow.',
    buckets: AGENT_DURATION_BUCKETS,
    attributes: [
      agent,
      { key: ATTR_PROVIDER_NAME, optional: true, when: 'when one provider serves the run' },
      { key: ATTR_REQUEST_MODEL, optional: true, when: 'when one model serves the run' },
      error,
    ],
    domain: 'agent',
  },
  agentHandoffs: {
    name: 'agent.handoffs',
    kind: 'counter',
    unit: '{handoff}',
    description: 'Handoffs from one agent (gen_ai.agent.name) to another (agent.handoff.target).',
    attributes: [agent, { key: ATTR_HANDOFF_TARGET }],
    domain: 'agent',
  },
  workflowDuration: {
    name: 'gen_ai.workflow.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of workflows (runJob, framework workflows) that coordinate agents, tools and model calls.',
    buckets: AGENT_DURATION_BUCKETS,
    attributes: [{ key: ATTR_WORKFLOW_NAME, optional: true, when: 'when the workflow is named' }, error],
    domain: 'agent',
  },
  publishDuration: {
    name: 'messaging.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of event publish operations.',
    buckets: MESSAGING_DURATION_BUCKETS,
    attributes: [...publish, error],
    domain: 'publish',
  },
  publishMessages: {
    name: 'messaging.client.sent.messages',
    kind: 'counter',
    unit: '{message}',
    description: 'Messages a producer attempted to publish; failures carry error.type.',
    attributes: [...publish, error],
    domain: 'publish',
  },
  publishMessageSize: {
    name: 'agent.publish.message.size',
    kind: 'histogram',
    unit: 'By',
    description: 'Size of published message bodies.',
    buckets: MESSAGE_SIZE_BUCKETS,
    attributes: [{ key: ATTR_MESSAGING_SYSTEM }, { key: ATTR_MESSAGING_DESTINATION }],
    domain: 'publish',
  },
  dbDuration: {
    name: 'db.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of database operations not covered by an official instrumentation.',
    buckets: DB_DURATION_BUCKETS,
    attributes: [...dbOp, error],
    domain: 'db',
  },
  dbConnections: {
    name: 'db.client.connection.count',
    kind: 'updowncounter',
    unit: '{connection}',
    description: 'Connections in a pool by state (idle or used).',
    attributes: [
      { key: ATTR_DB_POOL_NAME },
      { key: ATTR_DB_CONNECTION_STATE, values: CONNECTION_STATES },
    ],
    domain: 'db',
  },
  dbConnectionsMax: {
    name: 'db.client.connection.max',
    kind: 'updowncounter',
    unit: '{connection}',
    description: 'Largest number of connections a pool allows.',
    attributes: [{ key: ATTR_DB_POOL_NAME }],
    domain: 'db',
  },
  health: {
    name: 'agent.health.status',
    kind: 'gauge',
    unit: '',
    description: 'Service health as a state set: 1 for the current status, 0 for the others.',
    attributes: [{ key: ATTR_HEALTH_STATUS, values: HEALTH_STATUSES }],
    domain: 'service',
  },
  startTime: {
    name: 'agent.service.start_time',
    kind: 'gauge',
    unit: 's',
    description: 'Unix time at which the process started.',
    attributes: [],
    domain: 'service',
  },
  uptime: {
    name: 'agent.service.uptime',
    kind: 'gauge',
    unit: 's',
    description: 'Seconds since the process started.',
    attributes: [],
    domain: 'service',
  },
  buildInfo: {
    name: 'agent.build.info',
    kind: 'gauge',
    unit: '{info}',
    description: 'Always 1; labels carry the service and agentmeter versions.',
    attributes: [{ key: ATTR_SERVICE_VERSION }, { key: ATTR_AGENTMETER_VERSION }],
    domain: 'service',
  },
  activeSessions: {
    name: 'agent.sessions.active',
    kind: 'updowncounter',
    unit: '{session}',
    description: 'Sessions currently open.',
    attributes: [],
    domain: 'service',
  },
  activeRequests: {
    name: 'agent.requests.active',
    kind: 'updowncounter',
    unit: '{request}',
    description: 'Requests currently being handled.',
    attributes: [],
    domain: 'service',
  },
  requests: {
    name: 'agent.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'Requests handled since start.',
    attributes: [],
    domain: 'service',
  },
  ...SELF_METRICS,
} as const satisfies Record<string, MetricDefinition>;

export type MetricId = keyof typeof METRICS;

/** The catalog as a list, in declaration order. */
export const METRIC_LIST: readonly MetricDefinition[] = Object.values(METRICS);
