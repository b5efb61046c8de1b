// The model side of the OpenAI Agents SDK tests: Responses API answers scripted from what the
// agent sent, so a run's turns, tool calls and handoffs are known in advance. The agent's model
// name says which agent asks; the input history says which turn it is.

/** Usage per agent model, different for each so sums tell them apart. */
export const AGENT_USAGE = {
  'agent-triage': { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 } },
  'agent-weather': { input_tokens: 100, input_tokens_details: { cached_tokens: 40 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 } },
} as const;

interface InputItem {
  type?: string;
  role?: string;
  content?: unknown;
  name?: string;
  call_id?: string;
}

/** The text of the last user message. */
function lastUserText(input: InputItem[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if (item.role !== 'user') continue;
    if (typeof item.content === 'string') return item.content;
    if (Array.isArray(item.content)) return item.content.map((c: { text?: string }) => c.text ?? '').join('');
  }
  return '';
}

let calls = 0;
const message = (text: string) => ({ type: 'message', id: `msg_${++calls}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] });
const functionCall = (name: string, args: object) => ({ type: 'function_call', id: `fc_${++calls}`, call_id: `call_${calls}`, name, arguments: JSON.stringify(args), status: 'completed' });

/**
 * One scripted turn: the triage agent hands off to the weather agent; the weather agent calls
 * `lookup_failing` when asked to fail (the tool throws) and `get_weather` for a city otherwise,
 * and answers once its tool's output is in the input (a handoff's output does not count).
 */
export function agentOutput(model: string, input: unknown): object[] {
  const items = (Array.isArray(input) ? input : []) as InputItem[];
  const last = items[items.length - 1];
  const answered = last?.type === 'function_call_output' && !items.some((i) => i.type === 'function_call' && i.call_id === last.call_id && i.name?.startsWith('transfer_to_'));
  if (answered) return [message('done')];
  if (model === 'agent-triage') return [functionCall('transfer_to_weather', {})];
  const text = lastUserText(items);
  if (text.includes('fail')) return [functionCall('lookup_failing', { city: 'Nowhere' })];
  return [functionCall('get_weather', { city: /in (\w+)/.exec(text)?.[1] ?? 'Paris' })];
}

/** The Responses stream events of a finished response, as the API sends them. */
export function responseEvents(response: { output: object[] } & Record<string, unknown>): Array<[string, object]> {
  let sequence = 0;
  const event = (type: string, rest: object): [string, object] => [type, { type, sequence_number: sequence++, ...rest }];
  const events = [event('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } })];
  for (const [index, item] of response.output.entries()) {
    events.push(event('response.output_item.added', { output_index: index, item }));
    const { type, id, content } = item as { type?: string; id?: string; content?: Array<{ text: string }> };
    if (type === 'message') {
      // The message's text in two deltas, so a stream reader puts the same text together.
      const text = content?.[0]?.text ?? '';
      for (const delta of [text.slice(0, 2), text.slice(2)]) events.push(event('response.output_text.delta', { output_index: index, content_index: 0, item_id: id, delta, logprobs: [] }));
    }
    events.push(event('response.output_item.done', { output_index: index, item }));
  }
  events.push(event('response.completed', { response }));
  return events;
}
