// A local stand-in for the OpenAI and Anthropic APIs with canned answers and known timings, so a
// test can assert exact durations (by bucket), token counts and error types.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AGENT_USAGE, agentOutput, responseEvents } from './canned-agents';

/**
 * What the canned server answers, and when. Each delay sits just above a GenAI bucket bound, so a
 * call can only land in the bucket above it (it cannot end before the server answers) and has the
 * rest of that bucket as margin for a loaded machine.
 */
export const CANNED = {
  /** A plain answer after this long (s): in the bucket (0.16, 0.32]. */
  replySeconds: 0.17,
  /** A streamed answer: headers at once, then events spread over this long (s): in (0.64, 1.28]. */
  streamSeconds: 0.65,
  /** A 429 after this long (s): in (0.32, 0.64]. */
  rateLimitSeconds: 0.33,
  openai: {
    usage: { prompt_tokens: 120, completion_tokens: 30 },
    streamUsage: { prompt_tokens: 70, completion_tokens: 45 },
    /** What a chat model whose name ends in `-detailed` adds to its usage (cached and reasoning parts). */
    details: { prompt_tokens_details: { cached_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 12 } },
    /** Responses API usage, plain and streamed (on response.completed). */
    responses: {
      usage: { input_tokens: 200, input_tokens_details: { cached_tokens: 150 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 25 } },
      streamUsage: { input_tokens: 90, input_tokens_details: { cached_tokens: 10 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 } },
    },
    embeddingsUsage: { prompt_tokens: 8 },
  },
  /** The agents' models (canned-agents.ts): usage per model. */
  agents: AGENT_USAGE,
  anthropic: {
    usage: { input_tokens: 80, output_tokens: 20, cache_read_input_tokens: 300, cache_creation_input_tokens: 25 },
    streamStart: { input_tokens: 50, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 600 },
    streamOutputTokens: 40,
  },
} as const;

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text) as Record<string, unknown>;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_test' }).end(JSON.stringify(value));
}

/** Sends `events` as server-sent events spread evenly over `seconds`; headers go out at once. */
async function sse(res: ServerResponse, events: Array<[string | undefined, unknown]>, seconds: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_test' });
  for (const [i, [event, data]] of events.entries()) {
    if (i > 0) await sleep(seconds / (events.length - 1));
    res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

async function openai(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await body(req);
  const model = String(request.model);
  if (model === 'gpt-rate-limited') {
    await sleep(CANNED.rateLimitSeconds);
    return json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
  }
  const base = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model };
  const details = model.endsWith('-detailed') ? CANNED.openai.details : {};
  if (request.stream === true) {
    const chunk = (delta: object, finish: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
    const { prompt_tokens, completion_tokens } = CANNED.openai.streamUsage;
    return sse(res, [
      [undefined, chunk({ role: 'assistant', content: 'Hel' }, null)],
      [undefined, chunk({ content: 'lo' }, null)],
      [undefined, chunk({}, 'stop')],
      [undefined, { ...base, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, ...details } }],
      [undefined, '[DONE]'],
    ], CANNED.streamSeconds);
  }
  await sleep(CANNED.replySeconds);
  const { prompt_tokens, completion_tokens } = CANNED.openai.usage;
  json(res, 200, {
    ...base,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, ...details },
  });
}

/**
 * The Responses API: `agent-*` models answer as canned-agents.ts scripts them, any other model
 * with "Hello"; streamed or not, with the same timings as chat completions.
 */
async function responses(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await body(req);
  const model = String(request.model);
  if (model === 'gpt-rate-limited') {
    await sleep(CANNED.rateLimitSeconds);
    return json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
  }
  const agent = model.startsWith('agent-');
  const stream = request.stream === true;
  const usage = agent ? CANNED.agents[model as keyof typeof CANNED.agents] : stream ? CANNED.openai.responses.streamUsage : CANNED.openai.responses.usage;
  if (usage === undefined) return json(res, 404, { error: { message: 'no such model', type: 'invalid_request_error', code: 'model_not_found' } });
  const output = agent ? agentOutput(model, request.input) : [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }];
  const response = {
    id: `resp_${++responseCount}`, object: 'response', created_at: 1, status: 'completed', model, output, error: null, incomplete_details: null,
    usage: { ...usage, total_tokens: usage.input_tokens + usage.output_tokens },
  };
  if (stream) return sse(res, responseEvents(response), CANNED.streamSeconds);
  await sleep(CANNED.replySeconds);
  json(res, 200, response);
}
let responseCount = 0;

async function embeddings(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await body(req);
  await sleep(CANNED.replySeconds);
  const { prompt_tokens } = CANNED.openai.embeddingsUsage;
  json(res, 200, { object: 'list', model: String(request.model), data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens, total_tokens: prompt_tokens } });
}

async function anthropic(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await body(req);
  const model = String(request.model);
  if (model === 'claude-rate-limited') {
    await sleep(CANNED.rateLimitSeconds);
    return json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } });
  }
  const message = { id: 'msg_1', type: 'message', role: 'assistant', model, stop_reason: null, stop_sequence: null };
  if (request.stream === true) {
    return sse(res, [
      ['message_start', { type: 'message_start', message: { ...message, content: [], usage: CANNED.anthropic.streamStart } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CANNED.anthropic.streamOutputTokens } }],
      ['message_stop', { type: 'message_stop' }],
    ], CANNED.streamSeconds);
  }
  await sleep(CANNED.replySeconds);
  json(res, 200, { ...message, stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hello' }], usage: CANNED.anthropic.usage });
}

const ROUTES = new Map([
  ['/v1/chat/completions', openai],
  ['/v1/responses', responses],
  ['/v1/embeddings', embeddings],
]);

/** Starts the server on a free loopback port; its base URL is `http://127.0.0.1:<port>`. */
export async function startCannedLlm(): Promise<{ url: string; requests: Map<string, number>; close: () => Promise<void> }> {
  const requests = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const handle = ROUTES.get(req.url ?? '') ?? (req.url?.startsWith('/v1/messages') ? anthropic : undefined);
    // Every request, by path: a test can check that nothing else (a trace export) arrived.
    requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1);
    if (handle === undefined) return void res.writeHead(404).end();
    handle(req, res).catch((err: unknown) => res.destroy(err as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
