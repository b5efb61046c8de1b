// The throwaway apps of the agent-framework tests, one dependency set per framework, pinned at
// the newest majors: agentmeter as packed, the framework from the registry, and the fixtures of
// test/fixtures/<framework>/.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './child';
import { installApp, throwawayApp, type InstalledApp } from './npm-app';

/**
 * LangChain.js 1.x with the OpenAI and Anthropic integrations, and what LangSmith's OpenTelemetry
 * mode needs (`langsmith/experimental/otel/setup` loads sdk-trace-base 2.x, whose peer range
 * stops below the OpenTelemetry API 1.10 agentmeter needs, hence --legacy-peer-deps; the OTLP
 * exporter is the newest on that SDK line).
 */
export const LANGCHAIN_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  langchain: '1.5.14',
  '@langchain/core': '1.4.0',
  '@langchain/openai': '1.6.0',
  '@langchain/anthropic': '1.5.11',
  langsmith: '0.12.0',
  '@opentelemetry/sdk-trace-base': '2.12.1',
  '@opentelemetry/context-async-hooks': '2.12.1',
  '@opentelemetry/exporter-trace-otlp-proto': '0.223.1',
  zod: '4.6.7',
};

/** Mastra 1.x, its observability package, its OpenTelemetry exporter and bridge; the AI SDK for its mock model. */
export const MASTRA_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  '@mastra/core': '1.71.0',
  '@mastra/observability': '1.17.9',
  '@mastra/otel-exporter': '1.4.0',
  '@mastra/otel-bridge': '1.5.4',
  '@opentelemetry/exporter-trace-otlp-http': '0.218.0',
  ai: '7.0.173',
  zod: '4.6.7',
  // For OTEL_TRACES_EXPORTER: agentmeter exports traces through the app's own NodeSDK.
  '@opentelemetry/sdk-node': '0.300.0',
};

function fixtures(framework: string): string[] {
  // Each framework's own files, and the ones every framework app uses (the in-process OTLP receiver).
  return [framework, 'framework-shared'].flatMap((folder) => {
    const dir = resolve(ROOT, 'test/fixtures', folder);
    return readdirSync(dir).map((f) => resolve(dir, f));
  });
}

export async function langchainApp(): Promise<{ installed: InstalledApp; dir: string }> {
  const installed = await installApp(LANGCHAIN_DEPENDENCIES, { legacyPeerDeps: true });
  return { installed, dir: throwawayApp(installed, fixtures('langchain')) };
}

export async function mastraApp(): Promise<{ installed: InstalledApp; dir: string }> {
  const installed = await installApp(MASTRA_DEPENDENCIES);
  return { installed, dir: throwawayApp(installed, fixtures('mastra')) };
}
