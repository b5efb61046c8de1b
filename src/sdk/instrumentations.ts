/** The instrumentations `start()` can enable, by short name: the official ones and agentmeter's own. */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { McpInstrumentation } from '../instrumentations/mcp/instrumentation';
import type { InstrumentationName } from './config';

const FACTORIES: Record<InstrumentationName, () => Instrumentation> = {
  http: () => new HttpInstrumentation(),
  undici: () => new UndiciInstrumentation(),
  pg: () => new PgInstrumentation(),
  kafkajs: () => new KafkaJsInstrumentation(),
  // Event-loop delay and utilisation, GC duration, heap sizes (v8js.*, nodejs.*).
  runtime: () => new RuntimeNodeInstrumentation(),
  // MCP servers and clients (@modelcontextprotocol/sdk), into agentmeter's store.
  mcp: () => new McpInstrumentation(),
};

export function createInstrumentations(names: readonly InstrumentationName[]): Instrumentation[] {
  return names.map((name) => FACTORIES[name]());
}
