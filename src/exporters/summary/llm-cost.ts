/**
 * The summary's `llm_cost` section: USD spent since start, by provider and model, and the calls
 * that could not be priced. Read from the same `agent.llm.cost` and `agent.llm.unpriced_calls`
 * series the Prometheus endpoint serves (agents summed), so the two agree.
 */
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { METRICS } from '../../catalog';
import { ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL } from '../../catalog-vocabulary';

/** One provider and model. */
export interface LlmModelCost {
  provider: string;
  model: string;
  /** USD since start (priced calls only). */
  usd: number;
  /** Calls of this model whose cost is unknown. */
  unpriced_calls: number;
}

export interface LlmCostSummary {
  /** USD since start over every priced call. */
  total_usd: number;
  /** Calls whose cost is unknown (no price for the model, or no token counts); not in total_usd. */
  unpriced_calls: number;
  /** Per provider and model, the most spent first. */
  models: LlmModelCost[];
}

/** One process's share, in plain JSON (sent over IPC by cluster workers). */
export type LlmCostPart = LlmModelCost[];

// Provider and model names come from peers: a Map keyed by a separator no name can hold unescaped.
const keyOf = (provider: string, model: string): string => JSON.stringify([provider, model]);

function add(into: Map<string, LlmModelCost>, provider: string, model: string, usd: number, unpriced: number): void {
  const key = keyOf(provider, model);
  const row = into.get(key);
  if (row === undefined) into.set(key, { provider, model, usd, unpriced_calls: unpriced });
  else {
    row.usd += usd;
    row.unpriced_calls += unpriced;
  }
}

/** This process's rows, from its collected series. */
export function llmCostPart(metrics: Map<string, MetricData>): LlmCostPart {
  const rows = new Map<string, LlmModelCost>();
  const each = (name: string, fn: (provider: string, model: string, value: number) => void): void => {
    for (const p of (metrics.get(name)?.dataPoints ?? []) as DataPoint<number>[]) {
      fn(String(p.attributes[ATTR_PROVIDER_NAME]), String(p.attributes[ATTR_REQUEST_MODEL]), p.value);
    }
  };
  each(METRICS.llmCost.name, (provider, model, usd) => add(rows, provider, model, usd, 0));
  each(METRICS.llmUnpricedCalls.name, (provider, model, calls) => add(rows, provider, model, 0, calls));
  return [...rows.values()];
}

/** The section for several processes' parts: rows of one provider and model add up. */
export function llmCostSummary(parts: readonly (LlmCostPart | undefined)[]): LlmCostSummary {
  const rows = new Map<string, LlmModelCost>();
  // A part from a worker of an older agentmeter has no rows.
  for (const part of parts) for (const r of Array.isArray(part) ? part : []) add(rows, r.provider, r.model, r.usd, r.unpriced_calls);
  const models = [...rows.values()].sort((a, b) => b.usd - a.usd || (a.provider + a.model < b.provider + b.model ? -1 : 1));
  return {
    total_usd: models.reduce((n, r) => n + r.usd, 0),
    unpriced_calls: models.reduce((n, r) => n + r.unpriced_calls, 0),
    models,
  };
}
