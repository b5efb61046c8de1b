// deps: {"langchain":"1.5.14","@langchain/core":"1.4.0","zod":"4.6.7","@opentelemetry/api":"1.10.0"}
// The LangChain.js tool step, timed in an app that npm installed with the real packages (bench
// contract, notes in docs/benchmarks.md): one createAgent run over an in-process scripted chat
// model, whose first call asks for one tool and whose second answers, so one tool step per run.
// The runner starts this twice under `--require agentmeter/register` with
// OTEL_METRICS_EXPORTER=none, once with AGENTMETER_INSTRUMENTATIONS=none and once with the
// defaults; the difference is the langchain instrumentation's cost (its handler on every run:
// LangChain then makes run ids and calls it for each chain, model and tool run, and the records).
// Prints one JSON line. N runs: argv[2] or BENCH_N (default 1000).
import { createRequire } from 'node:module';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import * as z from 'zod';

const require = createRequire(import.meta.url);
const version = require('langchain/package.json').version;
const runs = Number(process.argv[2] ?? process.env.BENCH_N ?? 1000);
const rounds = 5;

const usage = { input_tokens: 120, output_tokens: 40, total_tokens: 160, input_token_details: { cache_read: 30 } };
class ScriptedChatModel extends BaseChatModel {
  calls = 0;
  _llmType() {
    return 'scripted';
  }
  bindTools() {
    return this;
  }
  async _generate() {
    const message = this.calls++ % 2 === 0
      ? new AIMessage({ content: '', tool_calls: [{ id: `c${this.calls}`, name: 'weather', args: { city: 'Paris' } }], usage_metadata: usage })
      : new AIMessage({ content: 'Sunny.', usage_metadata: usage });
    return { generations: [{ text: '', message }] };
  }
}
const weather = tool(async ({ city }) => `sunny in ${city}`, { name: 'weather', description: 'Weather', schema: z.object({ city: z.string() }) });
const agent = createAgent({ name: 'bench_agent', model: new ScriptedChatModel({}), tools: [weather] });
const step = () => agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });

for (let i = 0; i < Math.max(100, runs / 10); i++) await step();
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const n = Math.max(1, Math.floor(runs / rounds));
  const started = performance.now();
  for (let i = 0; i < n; i++) await step();
  perRound.push(((performance.now() - started) * 1000) / n);
}
perRound.sort((a, b) => a - b);
const micros = perRound[Math.floor(rounds / 2)];
process.stdout.write(`${JSON.stringify({ framework: 'langchain', version, microsPerToolStep: Math.round(micros * 10) / 10, toolStepsPerRun: 1 })}\n`);
