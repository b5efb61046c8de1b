/** The instrumentations `start()` can enable, by short name: the official ones and agentmeter's own. */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as Http from '@opentelemetry/instrumentation-http';
import type * as KafkaJs from '@opentelemetry/instrumentation-kafkajs';
import type * as OpenAI from '@opentelemetry/instrumentation-openai';
import type * as Pg from '@opentelemetry/instrumentation-pg';
import type * as RuntimeNode from '@opentelemetry/instrumentation-runtime-node';
import type * as Undici from '@opentelemetry/instrumentation-undici';
import { isOwnRequest } from '../exporters/own-servers';
import { McpInstrumentation } from '../instrumentations/mcp/instrumentation';
import { AnthropicInstrumentation } from '../instrumentations/anthropic/instrumentation';
import { AiSdkInstrumentation } from '../instrumentations/ai-sdk/instrumentation';
import { GenAiSpansInstrumentation } from '../instrumentations/genai-spans/instrumentation';
import { OpenAIV7Instrumentation } from '../instrumentations/openai/instrumentation';
import { OpenAIAgentsInstrumentation } from '../instrumentations/openai-agents/instrumentation';
import { LangChainInstrumentation } from '../instrumentations/langchain/instrumentation';
import { MastraInstrumentation } from '../instrumentations/mastra/instrumentation';
import type { InstrumentationName } from './config';

// The official instrumentations are loaded when enabled, not when agentmeter is imported: each
// brings its own modules (runtime-node 12, pg 7), which an app that leaves it out never needs.
const FACTORIES: Record<InstrumentationName, () => Instrumentation | Instrumentation[]> = {
  // agentmeter's own endpoints are not the app's traffic (a scrape is not one of its requests).
  http: () => new (require('@opentelemetry/instrumentation-http') as typeof Http).HttpInstrumentation({ ignoreIncomingRequestHook: isOwnRequest }),
  undici: () => new (require('@opentelemetry/instrumentation-undici') as typeof Undici).UndiciInstrumentation(),
  pg: () => new (require('@opentelemetry/instrumentation-pg') as typeof Pg).PgInstrumentation(),
  kafkajs: () => new (require('@opentelemetry/instrumentation-kafkajs') as typeof KafkaJs).KafkaJsInstrumentation(),
  // Event-loop delay and utilisation, GC duration, heap sizes (v8js.*, nodejs.*).
  runtime: () => new (require('@opentelemetry/instrumentation-runtime-node') as typeof RuntimeNode).RuntimeNodeInstrumentation(),
  // MCP servers and clients (@modelcontextprotocol/sdk), into agentmeter's store.
  mcp: () => new McpInstrumentation(),
  // LLM clients: OpenAI's official instrumentation for openai 4 to 6 (into the SDK's
  // MeterProvider), agentmeter's for openai 7, which the official one does not support yet, and
  // for Anthropic, which has none (both into the store, through recordLlmCall).
  openai: () => [new (require('@opentelemetry/instrumentation-openai') as typeof OpenAI).OpenAIInstrumentation(), new OpenAIV7Instrumentation()],
  anthropic: () => new AnthropicInstrumentation(),
  // The Vercel AI SDK 7 (`ai`), through its `ai:telemetry` diagnostics channel.
  'ai-sdk': () => new AiSdkInstrumentation(),
  // The OpenAI Agents SDK: a trace processor beside the app's (agents, tools, handoffs).
  'openai-agents': () => new OpenAIAgentsInstrumentation(),
  // Agent frameworks, through their own extension points: a LangChain callback handler on every
  // run, and an exporter in every Mastra instance's observability (into the store).
  langchain: () => new LangChainInstrumentation(),
  mastra: () => new MastraInstrumentation(),
  // GenAI-convention spans of any other framework, into the same metrics (genai-spans/tracer.ts).
  'genai-spans': () => new GenAiSpansInstrumentation(),
};

export function createInstrumentations(names: readonly InstrumentationName[]): Instrumentation[] {
  const created = names.flatMap((name) => FACTORIES[name]());
  // LangChain leaves a model call to the provider-SDK hook among these that measures it.
  for (const instrumentation of created) if (instrumentation instanceof LangChainInstrumentation) instrumentation.setPeers(created);
  return created;
}
