// deps: {"@mastra/core":"1.71.0","@mastra/observability":"1.17.9","ai":"7.0.173","zod":"4.6.7","@opentelemetry/api":"1.10.0"}
// The Mastra tool step, timed in an app that npm installed with the real packages (bench
// contract, notes in docs/benchmarks.md): one agent.generate over the AI SDK's in-process mock
// model, whose first call asks for one tool and whose second answers, so one tool step per run.
// The app configures observability with an exporter of its own (spans are made either way); the
// runner starts this twice under `--require agentmeter/register` with OTEL_METRICS_EXPORTER=none,
// once with AGENTMETER_INSTRUMENTATIONS=none and once with the defaults; the difference is the
// mastra instrumentation's cost (its exporter on Mastra's bus, and the records). Prints one JSON
// line. N runs: argv[2] or BENCH_N (default 500).
import { createRequire } from 'node:module';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const version = require('@mastra/core/package.json').version;
const runs = Number(process.argv[2] ?? process.env.BENCH_N ?? 500);
const rounds = 5;

const usage = { inputTokens: { total: 120, noCache: 90, cacheRead: 30, cacheWrite: 0 }, outputTokens: { total: 40, text: 40, reasoning: 0 } };
let calls = 0;
const model = new MockLanguageModelV3({
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini',
  doGenerate: async () => (calls++ % 2 === 0
    ? { content: [{ type: 'tool-call', toolCallId: `c${calls}`, toolName: 'weather', input: '{"city":"Paris"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] }
    : { content: [{ type: 'text', text: 'Sunny.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
});
const weather = createTool({ id: 'weather', description: 'Weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` });
// The app's own exporter: counts ended spans, so both runs make and export the same spans.
let ended = 0;
const appExporter = { name: 'bench', onTracingEvent: (event) => void (event.type === 'span_ended' && ended++), exportTracingEvent: async () => {}, flush: async () => {}, shutdown: async () => {} };
const mastra = new Mastra({
  agents: { bench: new Agent({ id: 'bench', name: 'Bench Agent', instructions: 'Answer.', model, tools: { weather } }) },
  observability: new Observability({ configs: { default: { serviceName: 'bench', exporters: [appExporter] } } }),
  logger: false,
});
const agent = mastra.getAgent('bench');
const step = () => agent.generate('Weather in Paris?');

for (let i = 0; i < Math.max(50, runs / 10); i++) await step();
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const n = Math.max(1, Math.floor(runs / rounds));
  const started = performance.now();
  for (let i = 0; i < n; i++) await step();
  perRound.push(((performance.now() - started) * 1000) / n);
}
perRound.sort((a, b) => a - b);
const micros = perRound[Math.floor(rounds / 2)];
process.stdout.write(`${JSON.stringify({ framework: 'mastra', version, microsPerToolStep: Math.round(micros * 10) / 10, toolStepsPerRun: 1 })}\n`);
