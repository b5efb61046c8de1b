/**
 * The LLM cost row of the overview: spend per hour and per day by model and agent, the month it
 * projects to, and the calls that could not be priced (agent.llm.cost, agent.llm.unpriced_calls;
 * docs/llm-cost.md). "Per day" is the last 24 hours, the window the budget alert evaluates.
 */
import { counter, L } from '../promql/names';
import { match, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import type { PanelSpec } from './common';

const J = match.re(L.job, '$job');
const M = match.re(L.model, '$model');
const A = match.re(L.agent, '$agent');
const increase = (series: string, window: string, ...matchers: string[]): string => `increase(${selector(series, ...matchers)}[${window}])`;
const sumBy = (labels: string[], inner: string): string => `sum by (${labels.join(', ')}) (${inner})`;

/** A job's spend over the last 24 hours: what the budget alert compares with its threshold. */
export function dailySpendExpr(...matchers: string[]): string {
  return sumBy([L.job], increase(counter('llmCost'), '1d', ...matchers));
}

export function llmCostPanels(config: MixinConfig): PanelSpec[] {
  const cost = counter('llmCost');
  const budget = config.thresholds.llmDailyBudgetUsd;
  return [
    {
      key: 'llmSpendHourModel', title: 'LLM spend per hour by model', kind: 'timeseries', width: 8, unit: 'currencyUSD',
      description: 'USD spent on LLM calls in the hour up to each point, per provider and model (agent.llm.cost, priced from the table or your overrides). Bad: a model costing far more than it did yesterday at the same hour.',
      queries: [{ expr: sumBy([L.provider, L.model], increase(cost, '1h', J, M)), legend: `{{${L.provider}}} {{${L.model}}}` }],
    },
    {
      key: 'llmSpendHourAgent', title: 'LLM spend per hour by agent', kind: 'timeseries', width: 8, unit: 'currencyUSD',
      description: 'USD spent on LLM calls in the hour up to each point, per agent (gen_ai.agent.name; an empty name is calls made outside a named agent). Bad: one agent\'s spend rising without more requests (loops, bloated prompts).',
      queries: [{ expr: sumBy([L.agent], increase(cost, '1h', J, M, A)), legend: `{{${L.agent}}}` }],
    },
    {
      key: 'llmSpendDay', title: 'LLM spend per day (24 h) by model and agent', kind: 'timeseries', width: 8, unit: 'currencyUSD',
      steps: [[null, 'green'], [budget, 'red']],
      description: `USD spent in the 24 hours up to each point, per model and agent. Bad: a job's total above the daily budget of ${budget} USD (dashed line; alert AgentLlmDailySpendOverBudget compares the job's sum).`,
      queries: [{ expr: sumBy([L.model, L.agent], increase(cost, '1d', J, M)), legend: `{{${L.model}}} {{${L.agent}}}` }],
    },
    {
      key: 'llmSpendMonth', title: 'Projected LLM spend per month', kind: 'stat', width: 12, unit: 'currencyUSD',
      description: 'The last 24 hours of spend times 30, over the selected jobs and models. Bad: above the month\'s budget. It follows the last day: a quiet weekend projects low, a spike high.',
      queries: [{ expr: `sum(${increase(cost, '1d', J, M)}) * 30`, instant: true }],
    },
    {
      key: 'llmUnpriced', title: 'Unpriced LLM calls (24 h)', kind: 'stat', width: 12, unit: 'short',
      steps: [[null, 'green'], [1, 'orange']],
      description: 'LLM calls of the last 24 hours whose cost is unknown: a model without a price in the table or your overrides, or a call without token counts (agent.llm.unpriced_calls). They are not in the spend panels. Bad: any; add the model to AGENTMETER_LLM_PRICES_FILE (docs/llm-cost.md).',
      // `or vector(0)`: the counter has no series until a first unpriced call, and none is the good case.
      queries: [{ expr: `sum(${increase(counter('llmUnpricedCalls'), '1d', J, M)}) or vector(0)`, instant: true }],
    },
  ];
}
