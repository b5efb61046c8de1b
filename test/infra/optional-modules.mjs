// The packages importing agentmeter loaded before src/optional-modules.ts and the lazy
// instrumentation factories made them load on first use: the lazy-modules test checks that a
// fresh require loads none of them, and the overhead bench's start-eager variant loads them all.
export const MADE_LAZY = [
  'kafkajs',
  'yaml',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-runtime-node',
  '@opentelemetry/instrumentation-openai',
];
