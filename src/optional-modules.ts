/**
 * Dependencies loaded on first use rather than when agentmeter is imported. An app that never
 * talks to Kafka, never exports OTLP and has no web config file does not carry kafkajs, the
 * OTLP serialiser and exporter or yaml: importing agentmeter loaded 643 modules and 9 MB of heap
 * with them, 322 modules and 6 MB without (kafkajs alone is 143 modules, yaml 72). Node caches
 * each module, so every later call costs one cache lookup.
 */
import type * as OtlpHttpExporter from '@opentelemetry/exporter-metrics-otlp-http';
import type * as OtlpTransformer from '@opentelemetry/otlp-transformer';
import type * as KafkaJs from 'kafkajs';
import type * as Yaml from 'yaml';

export const kafkajs = (): typeof KafkaJs => require('kafkajs') as typeof KafkaJs;
export const otlpTransformer = (): typeof OtlpTransformer => require('@opentelemetry/otlp-transformer') as typeof OtlpTransformer;
export const otlpHttpExporter = (): typeof OtlpHttpExporter => require('@opentelemetry/exporter-metrics-otlp-http') as typeof OtlpHttpExporter;
export const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;
