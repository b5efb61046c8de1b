/**
 * The catalog's vocabulary: attribute keys, enum values and bucket boundaries. Semantic-convention
 * keys and bucket advice where one exists, the `agent.` namespace otherwise. Read through
 * catalog.ts, which re-exports all of it.
 */

/** The value that replaces a bounded name once its key has seen its cap of distinct values. */
export const OVERFLOW_VALUE = '_other';

// Attribute keys. Semantic-convention keys where one exists, `agent.` otherwise.
export const ATTR_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_CACHE_NAME = 'agent.cache.name';
export const ATTR_CACHE_RESULT = 'agent.cache.result';
export const ATTR_CACHE_OPERATION = 'agent.cache.operation';
export const ATTR_CACHE_EVICTION_REASON = 'agent.cache.eviction.reason';
export const ATTR_ROUTING_STRATEGY = 'agent.routing.strategy';
export const ATTR_ROUTING_CACHE_HIT = 'agent.routing.cache_hit';
export const ATTR_ROUTING_OUTCOME = 'agent.routing.outcome';
export const ATTR_ACTION_TYPE = 'agent.action.type';
export const ATTR_ACTION_STATUS = 'agent.action.status';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION = 'messaging.operation.name';
export const ATTR_DB_SYSTEM = 'db.system.name';
export const ATTR_DB_OPERATION = 'db.operation.name';
export const ATTR_DB_COLLECTION = 'db.collection.name';
export const ATTR_DB_POOL_NAME = 'db.client.connection.pool.name';
export const ATTR_DB_CONNECTION_STATE = 'db.client.connection.state';
export const ATTR_HEALTH_STATUS = 'agent.health.status';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_AGENTMETER_VERSION = 'agentmeter.version';
export const ATTR_DROP_REASON = 'agentmeter.reason';
export const ATTR_OVERFLOW_KEY = 'agentmeter.attribute.key';
export const ATTR_OVERFLOW_METRIC = 'agentmeter.metric.name';
export const ATTR_KAFKA_DROP_REASON = 'agentmeter.kafka.drop_reason';
export const ATTR_EVENTS_DROP_REASON = 'agentmeter.events.drop_reason';
export const ATTR_DB_WRITER_RESULT = 'agentmeter.db_writer.result';
export const ATTR_DEAD_LETTER_REASON = 'agentmeter.db_writer.dead_letter_reason';
export const ATTR_ENDPOINT = 'agentmeter.endpoint';
export const ATTR_ENDPOINT_REFUSAL_REASON = 'agentmeter.endpoint.refusal_reason';
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';
export const ATTR_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_RPC_STATUS_CODE = 'rpc.response.status_code';
export const ATTR_WORKFLOW_NAME = 'gen_ai.workflow.name';
/** The agent a handoff passes control to (no convention names it; `gen_ai.agent.name` is the one handing off). */
export const ATTR_HANDOFF_TARGET = 'agent.handoff.target';

export const CACHE_RESULTS = ['hit', 'miss'] as const;
export const CACHE_OPERATIONS = ['get', 'set', 'delete'] as const;
export const EVICTION_REASONS = ['size', 'ttl', 'manual', 'other'] as const;
export const ROUTING_OUTCOMES = ['success', 'fallback', 'error'] as const;
export const ACTION_STATUSES = ['success', 'failure', 'cancelled'] as const;
/**
 * `input` and `output` are the conventions' `gen_ai.token.type` values, and as in the conventions
 * `input` counts every input token, cached ones included, and `output` every output token,
 * reasoning included. `cache_read` and `cache_write` (the names of the conventions'
 * `gen_ai.client.inference.usage.cache_read|cache_write.input_tokens`) are subsets of `input`,
 * `reasoning` a subset of `output`: a total is `input` + `output`, never the sum over all types.
 */
export const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;
/** The token types that add up to a total (the others are parts of these). */
export const TOTAL_TOKEN_TYPES = ['input', 'output'] as const;
/** The conventions' well-known `network.transport` values: `pipe` for stdio, `tcp` for HTTP. */
export const NETWORK_TRANSPORTS = ['pipe', 'tcp', 'quic', 'udp', 'unix'] as const;
/** `network.protocol.name` of the MCP transports that have one (streamable HTTP and SSE; WebSocket). */
export const NETWORK_PROTOCOLS = ['http', 'websocket'] as const;
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;
export const CONNECTION_STATES = ['idle', 'used'] as const;
export const BOOLEAN_VALUES = ['true', 'false'] as const;
/** Why a sample was dropped or normalised (the `agentmeter.reason` of `agentmeter.dropped`). */
export const DROP_REASONS = [
  'not_a_number',
  'non_finite',
  'negative',
  'missing_name',
  'name_too_long',
  'invalid_enum',
  'disabled_attribute',
  'not_a_string',
  'unreadable_input',
  'sum_overflow',
  // A framework run (LangChain, Mastra) that never reported its end: evicted from the hook's
  // bounded table of runs in progress.
  'unfinished_run',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];
/** Why the Kafka exporter gave up on messages. */
export const KAFKA_DROP_REASONS = ['queue_full', 'rejected', 'too_large', 'shutdown'] as const;
export type KafkaDropReason = (typeof KAFKA_DROP_REASONS)[number];
/** Why the routing-event publisher gave up on events. */
export const EVENTS_DROP_REASONS = ['queue_full', 'invalid', 'rejected', 'shutdown'] as const;
export type EventsDropReason = (typeof EVENTS_DROP_REASONS)[number];
/** What an insert did with a row: stored, or already there (same event id, delivered again). */
export const DB_WRITER_RESULTS = ['inserted', 'duplicate'] as const;
/** Why the DB writer sent a message to the dead-letter topic. */
export const DEAD_LETTER_REASONS = ['invalid_json', 'invalid_event', 'rejected_by_database'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];
/** agentmeter's own HTTP endpoints. */
export const ENDPOINTS = ['prometheus', 'summary'] as const;
export type EndpointName = (typeof ENDPOINTS)[number];
/**
 * Why one of agentmeter's endpoints refused a request or cut a response off: `busy` (503, the
 * in-flight bound was reached), `write_timeout` (not drained in time, connection destroyed),
 * `stalled` (a response whose client stopped reading, destroyed to make room for a new request
 * at the bound), `unauthorized` (401, basic auth), `misdirected` (421, a Host header the summary
 * server does not serve).
 */
export const ENDPOINT_REFUSAL_REASONS = ['busy', 'write_timeout', 'stalled', 'unauthorized', 'misdirected'] as const;
export type EndpointRefusalReason = (typeof ENDPOINT_REFUSAL_REASONS)[number];

// Bucket boundaries. GenAI and messaging/db values are the semantic conventions' advice.
/** GenAI operation duration advice (0.01 s .. 81.92 s). */
export const GENAI_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/**
 * An agent run or a workflow spans several model calls and tools: the GenAI advice, extended to
 * about 11 minutes so a long run still has a bucket.
 */
export const AGENT_DURATION_BUCKETS = [...GENAI_DURATION_BUCKETS, 163.84, 327.68, 655.36];
/** Time to a stream's first chunk: the conventions' advice for `gen_ai.server.time_to_first_token`. */
export const FIRST_CHUNK_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/**
 * Time between chunks: the conventions' advice for `gen_ai.server.time_per_output_token`, with
 * three finer buckets first (chunks of a fast stream arrive a few ms apart).
 */
export const CHUNK_INTERVAL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
/** Tool calls are often local and sub-10 ms: the GenAI advice with three finer buckets first. */
export const TOOL_DURATION_BUCKETS = [0.001, 0.0025, 0.005, ...GENAI_DURATION_BUCKETS];
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const MESSAGING_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
export const DB_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
/** Cache operations are in-process or one network hop: 100 µs .. 1 s. */
export const CACHE_DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
/** Routing has a latency target (100 ms in the alert rules): a boundary sits on it. */
export const ROUTING_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];
export const CANDIDATE_BUCKETS = [1, 2, 3, 5, 8, 13, 21, 34, 55];
export const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];
export const EXPORT_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const MESSAGE_SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
/** MCP operation and session duration advice (0.01 s .. 300 s). */
export const MCP_DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

