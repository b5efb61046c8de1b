/** The LLM budget alert: a job's spend over the last 24 hours above the configured daily budget. */
import { counter, L } from '../promql/names';
import { promql } from '../promql/expr';
import type { MixinConfig } from '../config';
import { dailySpendExpr } from '../dashboards/llm-cost';
import { counterInput } from './promtool-series';
import { JOB, type AlertSpec } from './alert-spec';

export function costAlerts(config: MixinConfig): AlertSpec[] {
  const budget = config.thresholds.llmDailyBudgetUsd;
  const cost = counter('llmCost');
  const gpt = { job: JOB, [L.provider]: 'openai', [L.model]: 'gpt-4o', [L.agent]: 'planner' };
  const claude = { job: JOB, [L.provider]: 'anthropic', [L.model]: 'claude-opus-4-1', [L.agent]: 'writer' };
  return [
    {
      name: 'AgentLlmDailySpendOverBudget',
      severity: 'warning',
      // Spend over a rolling 24 hours only falls once old spend leaves the window: no flapping to
      // wait out, so a short `for:` only rides over one evaluation of a counter reset.
      for: '5m',
      expr: promql`${dailySpendExpr()} > ${budget}`,
      summary: 'LLM spend of {{ $labels.job }} is {{ printf "%.2f" $value }} USD in 24 hours',
      description: `{{ $labels.job }} spent {{ printf "%.2f" $value }} USD on LLM calls over the last 24 hours (daily budget ${budget} USD; priced calls only, see agent_llm_unpriced_calls_total).`,
      panel: 'llmSpendDay',
      // Not triggered on real data by the Grafana integration test: the demo spends cents, and a
      // budget it could cross would make the healthy demo page too. promtool covers both sides.
      triggers: [],
      runbook: {
        meaning: `One job's LLM calls cost more than the daily budget of ${budget} USD over the last 24 hours (sum of agent.llm.cost over models and agents).`,
        impact: 'The month\'s LLM bill runs over budget if the rate holds; a runaway agent may be looping.',
        diagnose: [
          'Overview → "LLM spend per hour by model" and "by agent": which model or agent grew, and since when.',
          'Compare with request rate ("Request rate") and tokens per call ("Tokens per second by model"): more traffic, longer prompts, or more calls per request (loops, retries).',
          'Check that the price is right: a price override (AGENTMETER_LLM_PRICES_FILE) or a provider price change.',
        ],
        mitigate: [
          'Stop a looping agent (lower its step or turn limit); cap retries; route to a cheaper model; enable prompt caching for long shared prefixes.',
          'If the spend is expected, raise llmDailyBudgetUsd in the mixin config and regenerate (npm run grafana).',
        ],
      },
      firing: {
        name: 'two models spend 10 USD a minute together',
        series: [counterInput(cost, gpt, 6), counterInput(cost, claude, 4)],
        labels: { job: JOB },
        value: '250.00',
      },
      silent: {
        name: 'spending 3 USD a minute stays under the budget',
        series: [counterInput(cost, gpt, 3)],
      },
    },
  ];
}
