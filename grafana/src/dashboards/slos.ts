/**
 * The SLOs dashboard: for each SLO (grafana/src/slos.ts) the error budget left over the period and
 * the burn rate over the alert windows, from the SLO recording rules; the burn-rate alerts link
 * to these panels.
 */
import { gauge, L } from '../promql/names';
import { match } from '../promql/expr';
import type { MixinConfig } from '../config';
import { errorBudget } from '../slos';
import type { SloRules } from '../rules/slo-recording';
import { pct } from '../rules/alert-spec';
import { datasourceVariable, type DashboardSpec, type PanelSpec } from './common';

export const SLOS_UID = 'agentmeter-slos';

const J = match.re(L.job, '$job');

/** The legend of a series of an SLO: its grouping labels. */
const legend = (groupBy: readonly string[]): string => groupBy.map((l) => `{{${l}}}`).join(' ');

function budgetPanel(rules: SloRules, config: MixinConfig): PanelSpec {
  const { slo } = rules;
  return {
    key: `slo${slo.name}Budget`, title: `${slo.title}: error budget left`, kind: 'stat', width: 6, unit: 'percentunit',
    steps: [[null, 'red'], [0, 'orange'], [0.25, 'green']],
    description: `Share of the ${config.slos.period} error budget of "${slo.title}" (objective ${pct(slo.settings.objective)}: ${slo.good}) not yet spent, per ${slo.groupBy.join(' and ')} (${rules.budgetRemaining.name}). Normal: near 100 %. Bad: under 25 % (orange), or negative (red): the objective is missed over the period.`,
    queries: [{ expr: rules.budgetRemaining.select(J), legend: legend(slo.groupBy), instant: true }],
  };
}

function burnPanel(rules: SloRules): PanelSpec {
  const { slo } = rules;
  const budget = errorBudget(slo);
  const tiers = [...slo.settings.page, ...slo.settings.ticket];
  const windows = [...new Set(tiers.map((t) => t.longWindow))];
  const lowest = Math.min(...tiers.map((t) => t.burnRate));
  const page = slo.settings.page.length > 0 ? Math.min(...slo.settings.page.map((t) => t.burnRate)) : undefined;
  return {
    key: `slo${slo.name}Burn`, title: `${slo.title}: burn rate`, kind: 'timeseries', width: 18, unit: 'short', min: 0,
    steps: page === undefined ? [[null, 'green'], [lowest, 'orange']] : [[null, 'green'], [lowest, 'orange'], [page, 'red']],
    description: `How fast "${slo.title}" spends its error budget (${pct(budget)} of events may be bad): the error ratio over each alert's long window divided by the budget; 1 spends it exactly over the period. Normal: under 1. Bad: above ${lowest} (orange: ticket tier) ${page === undefined ? '' : `or ${page} (red: page tier) `}while the short window agrees (alerts AgentSlo${slo.name}*).`,
    queries: windows.map((w) => ({ expr: `${rules.errorRatio.get(w as never)!.select(J)} / ${budget}`, legend: `${legend(slo.groupBy)} ${w}` })),
  };
}

export function slosDashboard(config: MixinConfig, rules: readonly SloRules[]): DashboardSpec {
  return {
    uid: SLOS_UID,
    title: 'agentmeter / SLOs',
    description: `Service level objectives (docs/slos.md): each one's error budget left over ${config.slos.period} and its burn rate over the windows its alerts use.`,
    variables: [
      datasourceVariable(),
      { name: 'job', label: 'Service (job)', kind: 'query', multi: true, allAsListed: true, query: `label_values(${gauge('buildInfo')}, ${L.job})`, description: 'Prometheus job.' },
    ],
    rows: rules.map((r) => ({ title: r.slo.title, panels: [budgetPanel(r, config), burnPanel(r)] })),
  };
}
