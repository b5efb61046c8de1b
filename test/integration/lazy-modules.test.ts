// What importing agentmeter loads: the Kafka client, the OTLP serialiser and exporter, the YAML
// parser, the LLM price table and the official instrumentations come in only when the app uses them
// (src/optional-modules.ts, src/sdk/instrumentations.ts), so a fast server does not carry them.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';
import { MADE_LAZY } from '../infra/optional-modules.mjs';

// The price table came later, lazy from the start.
const OPTIONAL: readonly string[] = [...(MADE_LAZY as string[]), '@pydantic/genai-prices'];

/** Runs `body` after `require('agentmeter')` in a fresh Node and returns the optional packages it loaded. */
function loadedAfter(body: string): string[] {
  const script = `
    const am = require('agentmeter');
    (async () => {
      ${body}
      const names = new Set();
      for (const file of Object.keys(require.cache)) {
        const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
        if (match) names.add(match[1]);
      }
      process.stdout.write(JSON.stringify([...names]));
      process.exit(0);
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20000 });
  const names = JSON.parse(out) as string[];
  return OPTIONAL.filter((name) => names.includes(name));
}

describe('require("agentmeter")', () => {
  it('loads none of the optional packages', () => {
    expect(loadedAfter('')).toEqual([]);
  });

  it('still none after start() with the Prometheus endpoint and no instrumentations', () => {
    expect(loadedAfter(`const h = am.start({ instrumentations: [], prometheusPort: 0 }); await h.ready(); await h.shutdown();`)).toEqual([]);
  });

  it('loads kafkajs once a Kafka exporter is made (the OTLP serialiser waits for the first export), and an instrumentation once it is enabled', () => {
    const body = `am.start({ instrumentations: ['http'], metricsExporters: ['kafka'], kafka: { brokers: ['127.0.0.1:1'] } });`;
    expect(loadedAfter(body)).toEqual(['kafkajs', '@opentelemetry/instrumentation-http']);
  });
});
