/**
 * The LLM-call and agent instruments (`gen_ai.client.*`, cost, `gen_ai.invoke_agent.*`, handoffs,
 * workflows), kept apart from the rest of the application catalog; catalog.ts spreads them into
 * METRICS.
 */
import type { MetricDefinition } from './catalog';
import {
  ATTR_AGENT_NAME, ATTR_ERROR_TYPE, ATTR_HANDOFF_TARGET, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL,
  ATTR_TOKEN_TYPE, ATTR_WORKFLOW_NAME, AGENT_DURATION_BUCKETS, CHUNK_INTERVAL_BUCKETS, FIRST_CHUNK_BUCKETS,
  GENAI_DURATION_BUCKETS, TOKEN_BUCKETS, TOKEN_TYPES,
} from './catalog-vocabulary';

const error = { key: ATTR_ERROR_TYPE, optional: true } as const;
const agent = { key: ATTR_AGENT_NAME } as const;
const llm = [{ key: ATTR_OPERATION_NAME }, { key: ATTR_PROVIDER_NAME }, { key: ATTR_REQUEST_MODEL }] as const;
/** Cost series: by provider, model and, when the caller or framework names it, agent. */
const llmCostAttributes = [
  { key: ATTR_PROVIDER_NAME },
  { key: ATTR_REQUEST_MODEL },
  { key: ATTR_AGENT_NAME, optional: true, when: 'when the caller or framework names the agent' },
] as const;

export const LLM_AGENT_METRICS = {
  llmDuration: {
    name: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    // This and the next description are @opentelemetry/instrumentation-openai's word for word:
    // both land in one Prometheus family, for which the Collector serves only one of two HELPs.
    description: 'GenAI operation duration',
    buckets: GENAI_DURATION_BUCKETS,
    attributes: [...llm, error],
    domain: 'llm',
  },
  llmTokens: {
    name: 'gen_ai.client.token.usage',
    kind: 'histogram',
    unit: '{token}',
    description: 'Measures number of input and output tokens used',
    buckets: TOKEN_BUCKETS,
    attributes: [...llm, { key: ATTR_TOKEN_TYPE, values: TOKEN_TYPES }],
    domain: 'llm',
  },
  llmFirstChunk: {
    name: 'gen_ai.client.operation.time_to_first_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time from a streamed request to its first chunk.',
    buckets: FIRST_CHUNK_BUCKETS,
    attributes: llm,
    domain: 'llm',
  },
  llmChunkInterval: {
    name: 'gen_ai.client.operation.time_per_output_chunk',
    kind: 'histogram',
    unit: 's',
    description: 'Time between a streamed response\'s chunks, one sample per chunk after the first.',
    buckets: CHUNK_INTERVAL_BUCKETS,
    attributes: llm,
    domain: 'llm',
  },
  llmCost: {
    name: 'agent.llm.cost',
    kind: 'counter',
    // No GenAI convention for cost yet (semantic-conventions-genai has a proposal only); UCUM
    // has no currency, so the unit is an annotation, which Prometheus names leave out.
    unit: '{USD}',
    description: 'USD cost of LLM calls, from the price table or the configured overrides (docs/llm-cost.md); unpriced calls are not in it.',
    attributes: llmCostAttributes,
    domain: 'llm',
  },
  llmUnpricedCalls: {
    name: 'agent.llm.unpriced_calls',
    kind: 'counter',
    unit: '{call}',
    description: 'LLM calls whose cost is unknown: no price for the provider and model, or no token counts; never counted as zero cost.',
    attributes: llmCostAttributes,
    domain: 'llm',
  },
  agentDuration: {
    name: 'gen_ai.invoke_agent.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of agent invocations, from start to the final answer or the error; count and failures follow.',
    buckets: AGENT_DURATION_BUCKETS,
    attributes: [
      agent,
      { key: ATTR_PROVIDER_NAME, optional: true, when: 'when one provider serves the run' },
      { key: ATTR_REQUEST_MODEL, optional: true, when: 'when one model serves the run' },
      error,
    ],
    domain: 'agent',
  },
  agentHandoffs: {
    name: 'agent.handoffs',
    kind: 'counter',
    unit: '{handoff}',
    description: 'Handoffs from one agent (gen_ai.agent.name) to another (agent.handoff.target).',
    attributes: [agent, { key: ATTR_HANDOFF_TARGET }],
    domain: 'agent',
  },
  workflowDuration: {
    name: 'gen_ai.workflow.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of workflows (runJob, framework workflows) that coordinate agents, tools and model calls.',
    buckets: AGENT_DURATION_BUCKETS,
    attributes: [{ key: ATTR_WORKFLOW_NAME, optional: true, when: 'when the workflow is named' }, error],
    domain: 'agent',
  },
} as const satisfies Record<string, MetricDefinition>;
