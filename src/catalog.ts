/**
 * The metric catalog: every instrument agentmeter emits, as data.
 *
 * The metric reference (docs/metrics.md), the Prometheus names, the cardinality guard and the
 * tests all read this table; nothing else declares a metric. Each domain's instruments are in
 * its own catalog-*.ts file; METRICS below assembles them, and its order is the reference's.
 */

/** How an instrument aggregates; maps to OTel histogram, counter, up-down counter and gauge. */
export type InstrumentKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';

/** One attribute key of an instrument and the values it may take. */
export interface AttributeRule {
  /** The OTel attribute key, e.g. `gen_ai.tool.name`. */
  readonly key: string;
  /** Allowed values for an enum key; absent for a bounded name (first N distinct kept). */
  readonly values?: readonly string[];
  /** True when the key is set only on some samples (e.g. `error.type` on failures). */
  readonly optional?: boolean;
  /** When an optional key is set, as the metric reference says it; default `on failure`. */
  readonly when?: string;
}

/**
 * A key whose value follows from another key's (no lookup level of its own): set on a series
 * when `from` has one of the listed values, e.g. `gen_ai.operation.name=execute_tool` on the
 * series of `mcp.method.name=tools/call`.
 */
export interface DerivedAttribute {
  readonly key: string;
  readonly from: string;
  /** The derived value by the value of `from`; other values of `from` leave the key unset. */
  readonly values: Readonly<Record<string, string>>;
}

/** One instrument. */
export interface MetricDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  /** UCUM unit: `s`, `By`, `{token}`, `1`. */
  readonly unit: string;
  readonly description: string;
  /** Explicit bucket boundaries for histograms (upper bounds, inclusive). */
  readonly buckets?: readonly number[];
  readonly attributes: readonly AttributeRule[];
  /** Keys set from the value of another key (listed after `attributes` in the reference). */
  readonly derived?: readonly DerivedAttribute[];
  /** Which helper family records it: used to group the table of docs/metrics.md. */
  readonly domain: MetricDomain;
}

export type MetricDomain =
  | 'tool'
  | 'mcp'
  | 'cache'
  | 'routing'
  | 'action-log'
  | 'llm'
  | 'agent'
  | 'publish'
  | 'db'
  | 'service'
  | 'self';

import { CACHE_ROUTING_METRICS } from './catalog-cache-routing';
import { LLM_AGENT_METRICS } from './catalog-llm';
import { MCP_METRICS } from './catalog-mcp';
import { SELF_METRICS } from './catalog-self';
import { SERVICE_METRICS } from './catalog-service';
import { ATTR_TOOL_NAME, ATTR_ERROR_TYPE, ATTR_AGENT_NAME, TOOL_DURATION_BUCKETS } from './catalog-vocabulary';

const tool = { key: ATTR_TOOL_NAME } as const;
const error = { key: ATTR_ERROR_TYPE, optional: true } as const;
/** The agent a tool ran for, when the framework says (AI SDK agents, the Agents SDK, LangChain, Mastra). */
const toolAgent = { key: ATTR_AGENT_NAME, optional: true, when: 'when the framework names the agent' } as const;
/** Every instrument, keyed by a short id the helpers use; the domain tables keep their order here. */
export const METRICS = {
  toolDuration: {
    name: 'gen_ai.execute_tool.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of tool executions; count, failures (error.type set) and percentiles follow.',
    buckets: TOOL_DURATION_BUCKETS,
    attributes: [tool, toolAgent, error],
    domain: 'tool',
  },
  ...MCP_METRICS,
  ...CACHE_ROUTING_METRICS,
  ...LLM_AGENT_METRICS,
  ...SERVICE_METRICS,
  ...SELF_METRICS,
} as const satisfies Record<string, MetricDefinition>;

export type MetricId = keyof typeof METRICS;

/** The catalog as a list, in declaration order. */
export const METRIC_LIST: readonly MetricDefinition[] = Object.values(METRICS);
