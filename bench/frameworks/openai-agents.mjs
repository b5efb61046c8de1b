// deps: {"@openai/agents":"0.20.0","openai":"7.59.0","zod":"4.6.7","@opentelemetry/api":"1.10.0"}
// One Agents SDK run with one function tool call (the SDK's default Responses model, its openai
// client answered in process by a fetch that scripts a function call, then the answer: no
// network), timed over many runs. Measured by the openai-agents trace processor and the openai
// hook when hooks are on. The SDK's exporter to OpenAI's backend is dropped, as an app without
// that backend does (setTraceProcessors([])); agentmeter's processor stays.
import { Agent, run, setDefaultOpenAIClient, setTraceProcessors, tool } from '@openai/agents';
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 };
let id = 0;
/** The Responses API in process: a function call first, the answer once the tool's output is in. */
async function fetchInProcess(_url, init) {
  const body = JSON.parse(init.body);
  const last = body.input[body.input.length - 1];
  const output =
    last?.type === 'function_call_output'
      ? [{ type: 'message', id: `msg_${++id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done', annotations: [] }] }]
      : [{ type: 'function_call', id: `fc_${++id}`, call_id: `call_${id}`, name: 'lookup', arguments: '{"q":"x"}', status: 'completed' }];
  const response = { id: `resp_${id}`, object: 'response', created_at: 1, status: 'completed', model: body.model, output, usage };
  return new Response(JSON.stringify(response), { status: 200, headers: { 'content-type': 'application/json' } });
}

setDefaultOpenAIClient(new OpenAI({ apiKey: 'bench', baseURL: 'http://in-process.invalid/v1', fetch: fetchInProcess, maxRetries: 0 }));
setTraceProcessors([]);
const lookup = tool({ name: 'lookup', description: 'Looks up.', parameters: z.object({ q: z.string() }), execute: async ({ q }) => `found ${q}` });
const agent = new Agent({ name: 'helper', instructions: 'Help.', model: 'scripted-1', tools: [lookup] });

async function oneRun() {
  const result = await run(agent, 'hi');
  if (result.finalOutput !== 'done') throw new Error(`unexpected output ${result.finalOutput}`);
}
const warmUp = Number(process.env.BENCH_WARMUP ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 1000);
for (let i = 0; i < warmUp; i++) await oneRun();
const start = process.hrtime.bigint();
for (let i = 0; i < runs; i++) await oneRun();
const micros = Number(process.hrtime.bigint() - start) / 1000 / runs;
// The package's exports do not list its package.json: read it beside the resolved entry.
const entry = createRequire(import.meta.url).resolve('@openai/agents');
const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
console.log(JSON.stringify({ framework: '@openai/agents', version, microsPerToolStep: micros, toolStepsPerRun: 1 }));
