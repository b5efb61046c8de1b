/** `agentmeter/kafka`: the Kafka metric exporter, usable with any OTel PeriodicExportingMetricReader. */
export { KafkaMetricExporter, kafkaErrorType } from './exporter';
export type { KafkaMetricExporterOptions, KafkaSaslMechanism, ResolvedKafkaOptions } from './options';
export type { KafkaSaslCredentials } from './credentials';
export { registerZstdCodec } from './compression';
export type { KafkaCompression } from './compression';
export { encodeMetrics, splitResourceMetrics, resourceKey } from './encode';
export type { EncodedExport } from './encode';
export { createMetricProducer } from '../../store/producer';
export type { MetricProducerOptions } from '../../store/producer';
