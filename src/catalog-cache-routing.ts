/**
 * The cache, routing and action-log instruments (`agent.cache.*`, `agent.routing.*`,
 * `agent.action_log.*`), kept apart from the rest of the application catalog; catalog.ts
 * spreads them into METRICS.
 */
import type { MetricDefinition } from './catalog';
import {
  ATTR_ACTION_STATUS, ATTR_ACTION_TYPE, ATTR_AGENT_NAME, ATTR_CACHE_EVICTION_REASON, ATTR_CACHE_NAME,
  ATTR_CACHE_OPERATION, ATTR_CACHE_RESULT, ATTR_ERROR_TYPE, ATTR_ROUTING_CACHE_HIT, ATTR_ROUTING_OUTCOME,
  ATTR_ROUTING_STRATEGY, ACTION_STATUSES, BOOLEAN_VALUES, CACHE_DURATION_BUCKETS, CACHE_OPERATIONS, CACHE_RESULTS,
  CANDIDATE_BUCKETS, CONFIDENCE_BUCKETS, EVICTION_REASONS, ROUTING_DURATION_BUCKETS, ROUTING_OUTCOMES,
  TOOL_DURATION_BUCKETS,
} from './catalog-vocabulary';

const cacheName = { key: ATTR_CACHE_NAME } as const;
const strategy = { key: ATTR_ROUTING_STRATEGY } as const;
const agent = { key: ATTR_AGENT_NAME } as const;
const actionType = { key: ATTR_ACTION_TYPE } as const;

export const CACHE_ROUTING_METRICS = {
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
} as const satisfies Record<string, MetricDefinition>;
