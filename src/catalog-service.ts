/**
 * The instruments of what a service talks to and how it is doing: event publishing
 * (`messaging.client.*`), database clients (`db.client.*`), health, uptime, build info and
 * requests; kept apart from the rest of the application catalog; catalog.ts spreads them into
 * METRICS.
 */
import type { MetricDefinition } from './catalog';
import {
  ATTR_AGENTMETER_VERSION, ATTR_DB_COLLECTION, ATTR_DB_CONNECTION_STATE, ATTR_DB_OPERATION, ATTR_DB_POOL_NAME,
  ATTR_DB_SYSTEM, ATTR_ERROR_TYPE, ATTR_HEALTH_STATUS, ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION,
  ATTR_MESSAGING_SYSTEM, ATTR_SERVICE_VERSION, CONNECTION_STATES, DB_DURATION_BUCKETS, HEALTH_STATUSES,
  MESSAGE_SIZE_BUCKETS, MESSAGING_DURATION_BUCKETS,
} from './catalog-vocabulary';

const error = { key: ATTR_ERROR_TYPE, optional: true } as const;
const publish = [
  { key: ATTR_MESSAGING_SYSTEM },
  { key: ATTR_MESSAGING_DESTINATION },
  { key: ATTR_MESSAGING_OPERATION },
] as const;
const dbOp = [{ key: ATTR_DB_SYSTEM }, { key: ATTR_DB_OPERATION }, { key: ATTR_DB_COLLECTION }] as const;

export const SERVICE_METRICS = {
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
} as const satisfies Record<string, MetricDefinition>;
