// The throwaway app of the zero-code tests: agentmeter as packed, and the real MCP, OpenAI and
// Anthropic SDKs from the registry, with the fixtures of test/fixtures/zero-code. Versions are
// pinned: openai stays on 6.x, the last major @opentelemetry/instrumentation-openai 0.22 supports.
// The MCP SDK twice: v1 (`@modelcontextprotocol/sdk`) and v2 (`server`, `client`, and `node`, v2's
// adapter of its web-standard HTTP transport to node:http); and three of the reference servers,
// run unmodified from their bin entries (they depend on the v1 SDK, which npm dedupes to ours).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './child';
import { installApp, throwawayApp, type InstalledApp } from './npm-app';

export const ZERO_CODE_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  '@modelcontextprotocol/sdk': '1.32.2',
  '@modelcontextprotocol/server': '2.4.0',
  '@modelcontextprotocol/client': '2.4.0',
  '@modelcontextprotocol/node': '2.1.2',
  '@modelcontextprotocol/server-everything': '2026.8.31',
  '@modelcontextprotocol/server-memory': '2026.8.31',
  '@modelcontextprotocol/server-filesystem': '2026.8.31',
  zod: '4.6.7',
  openai: '6.49.0',
  '@anthropic-ai/sdk': '1.12.0',
};

const FIXTURES = resolve(ROOT, 'test/fixtures/zero-code');

/** Installs (or reuses the cached install of) the app and returns a fresh app dir with every fixture. */
export async function zeroCodeApp(): Promise<{ installed: InstalledApp; dir: string }> {
  const installed = await installApp(ZERO_CODE_DEPENDENCIES);
  return { installed, dir: throwawayApp(installed, readdirSync(FIXTURES).map((f) => resolve(FIXTURES, f))) };
}
