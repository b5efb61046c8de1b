// The throwaway app of the AI SDK tests: agentmeter as packed, and from the registry the AI SDK 7
// (`ai`), its OpenTelemetry integration (`@ai-sdk/otel`, versioned with it) and the Anthropic SDK
// (a model served through it shows innermost-wins), with the fixtures of test/fixtures/ai-sdk.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './child';
import { installApp, throwawayApp, type InstalledApp } from './npm-app';

export const AI_SDK_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  ai: '7.0.173',
  '@ai-sdk/otel': '1.0.173',
  zod: '4.6.7',
  '@anthropic-ai/sdk': '1.12.0',
  // For OTEL_TRACES_EXPORTER: agentmeter exports traces through the app's own NodeSDK.
  '@opentelemetry/sdk-node': '0.300.0',
};

const FIXTURES = resolve(ROOT, 'test/fixtures/ai-sdk');

/** Installs (or reuses the cached install of) the app and returns a fresh app dir with every fixture. */
export async function aiSdkApp(): Promise<{ installed: InstalledApp; dir: string }> {
  const installed = await installApp(AI_SDK_DEPENDENCIES);
  return { installed, dir: throwawayApp(installed, readdirSync(FIXTURES).map((f) => resolve(FIXTURES, f))) };
}
