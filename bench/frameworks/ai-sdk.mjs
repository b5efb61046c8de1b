// deps: {"ai":"7.0.173","zod":"4.6.7","@opentelemetry/api":"1.10.0"}
// The AI SDK 7 tool step, timed in an app that npm installed with the real `ai` (bench contract,
// notes in docs/benchmarks.md): one generateText run of two steps over an in-process mock model,
// the first asking for one tool call, the second answering, so one tool step per run. The runner
// starts this twice under `--require agentmeter/register` with OTEL_METRICS_EXPORTER=none, once
// with AGENTMETER_INSTRUMENTATIONS=none and once with the defaults; the difference is the
// ai-sdk instrumentation's cost (channel subscription, the SDK's telemetry events it turns on,
// and the records). Prints one JSON line. N runs: argv[2] or BENCH_N (default 2000).
import { createRequire } from 'node:module';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const version = require('ai/package.json').version;
const runs = Number(process.argv[2] ?? process.env.BENCH_N ?? 2000);
const rounds = 5;

const usage = { inputTokens: { total: 120, noCache: 90, cacheRead: 30, cacheWrite: 0 }, outputTokens: { total: 40, text: 40, reasoning: 0 } };
let calls = 0;
const model = new MockLanguageModelV4({
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini',
  doGenerate: async () => (calls++ % 2 === 0
    ? { content: [{ type: 'tool-call', toolCallId: `c${calls}`, toolName: 'weather', input: '{"city":"Paris"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] }
    : { content: [{ type: 'text', text: 'Sunny.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
});
const tools = { weather: tool({ description: 'Weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` }) };
const step = () => generateText({ model, tools, stopWhen: stepCountIs(2), prompt: 'Weather in Paris?' });

for (let i = 0; i < Math.max(200, runs / 10); i++) await step();
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const n = Math.max(1, Math.floor(runs / rounds));
  const started = performance.now();
  for (let i = 0; i < n; i++) await step();
  perRound.push(((performance.now() - started) * 1000) / n);
}
perRound.sort((a, b) => a - b);
const micros = perRound[Math.floor(rounds / 2)];
process.stdout.write(`${JSON.stringify({ framework: 'ai', version, microsPerToolStep: Math.round(micros * 10) / 10, toolStepsPerRun: 1 })}\n`);
