/**
 * agentmeter's own instruments (dropped samples, attribute overflow, job writes, the Kafka
 * exporter), kept apart from the application catalog; catalog.ts spreads them into METRICS.
 */
import type { MetricDefinition } from './catalog';
import { ATTR_DROP_REASON, ATTR_ERROR_TYPE, ATTR_KAFKA_DROP_REASON, ATTR_OVERFLOW_KEY, DROP_REASONS, EXPORT_DURATION_BUCKETS, KAFKA_DROP_REASONS } from './catalog-vocabulary';

export const SELF_METRICS = {
  dropped: {
    name: 'agentmeter.dropped',
    kind: 'counter',
    unit: '{sample}',
    description: 'Samples dropped or normalised by the guard, by reason.',
    attributes: [{ key: ATTR_DROP_REASON, values: DROP_REASONS }],
    domain: 'self',
  },
  attributeOverflow: {
    name: 'agentmeter.attribute.overflow',
    kind: 'counter',
    unit: '{sample}',
    description: 'Samples whose attribute value was replaced by "_other" after the cap was reached.',
    attributes: [{ key: ATTR_OVERFLOW_KEY }],
    domain: 'self',
  },
  jobWriteErrors: {
    name: 'agentmeter.job.write_errors',
    kind: 'counter',
    unit: '{line}',
    description: 'metrics.jsonl lines a job could not write, by error type.',
    attributes: [{ key: ATTR_ERROR_TYPE }],
    domain: 'self',
  },
  kafkaSentMessages: {
    name: 'agentmeter.exporter.kafka.sent.messages',
    kind: 'counter',
    unit: '{message}',
    description: 'OTLP messages the Kafka exporter published and the broker acknowledged.',
    attributes: [],
    domain: 'self',
  },
  kafkaSentBytes: {
    name: 'agentmeter.exporter.kafka.sent.bytes',
    kind: 'counter',
    unit: 'By',
    description: 'Bytes of OTLP protobuf (before compression) the broker acknowledged.',
    attributes: [],
    domain: 'self',
  },
  kafkaFailures: {
    name: 'agentmeter.exporter.kafka.failures',
    kind: 'counter',
    unit: '{attempt}',
    description: 'Failed publish attempts, by error type; retriable ones are retried with backoff.',
    attributes: [{ key: ATTR_ERROR_TYPE }],
    domain: 'self',
  },
  kafkaDropped: {
    name: 'agentmeter.exporter.kafka.dropped',
    kind: 'counter',
    unit: '{message}',
    description: 'Messages the Kafka exporter gave up on, by reason.',
    attributes: [{ key: ATTR_KAFKA_DROP_REASON, values: KAFKA_DROP_REASONS }],
    domain: 'self',
  },
  kafkaSendDuration: {
    name: 'agentmeter.exporter.kafka.send.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from send to broker acknowledgement per message.',
    buckets: EXPORT_DURATION_BUCKETS,
    attributes: [],
    domain: 'self',
  },
} as const satisfies Record<string, MetricDefinition>;
