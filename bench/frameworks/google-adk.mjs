// deps: {"@google/adk":"2.0.0","zod":"4.6.7","@opentelemetry/api":"1.10.0"}
// One ADK agent step with one tool call (a scripted in-process model: a function call, then the
// answer), timed over many runs. Measured by the GenAI span bridge (genai-spans) when hooks are on.
import { BaseLlm, FunctionTool, InMemoryRunner, LlmAgent } from '@google/adk';
import { createRequire } from 'node:module';
import { z } from 'zod';

class ScriptedModel extends BaseLlm {
  constructor() {
    super({ model: 'scripted-1' });
  }
  async *generateContentAsync(request) {
    const last = request.contents[request.contents.length - 1];
    const usageMetadata = { promptTokenCount: 100, candidatesTokenCount: 10 };
    if (last?.parts?.some((part) => part.functionResponse)) yield { content: { role: 'model', parts: [{ text: 'done' }] }, usageMetadata };
    else yield { content: { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'lookup', args: { q: 'x' } } }] }, usageMetadata };
  }
  async connect() {
    throw new Error('not used');
  }
}

const lookup = new FunctionTool({ name: 'lookup', description: 'Looks up.', parameters: z.object({ q: z.string() }), execute: async ({ q }) => ({ found: q }) });
const runner = new InMemoryRunner({ agent: new LlmAgent({ name: 'helper', model: new ScriptedModel(), instruction: 'Help.', tools: [lookup] }), appName: 'bench' });
async function oneRun() {
  // A fresh session per run: a growing history would make later runs slower than earlier ones.
  const session = await runner.sessionService.createSession({ appName: 'bench', userId: 'u' });
  for await (const event of runner.runAsync({ userId: 'u', sessionId: session.id, newMessage: { role: 'user', parts: [{ text: 'hi' }] } })) void event;
}
for (let i = 0; i < 300; i++) await oneRun();
const runs = 2000;
const start = process.hrtime.bigint();
for (let i = 0; i < runs; i++) await oneRun();
const micros = Number(process.hrtime.bigint() - start) / 1000 / runs;
const { version } = createRequire(import.meta.url)('@google/adk/package.json');
console.log(JSON.stringify({ framework: '@google/adk', version, microsPerToolStep: micros, toolStepsPerRun: 1 }));
