// The SLOs (grafana/src/slos.ts) and what is generated from them: error-ratio rules for exactly
// the windows their tiers read, burn-rate alerts per tier, settings that could never fire refused.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, PAGE_TIERS, TICKET_TIERS, type MixinConfig } from '../../../grafana/src/config';
import { PATHS } from '../../../grafana/src/paths';
import { errorBudget, sloSpecs } from '../../../grafana/src/slos';
import { canonicalDuration, sloRecordingRules } from '../../../grafana/src/rules/slo-recording';
import { budgetLasts, sloAlerts } from '../../../grafana/src/rules/alerts-slo';
import { generate } from '../../../grafana/src/generate';
import { read } from './files';
import { dashboardPanels } from '../../../grafana/src/queries';

interface PromRule { alert?: string; record?: string; expr: string; labels?: Record<string, string> }
const rules = (parse(read(PATHS.prometheusRules)) as { groups: Array<{ name: string; rules: PromRule[] }> }).groups.flatMap((g) => g.rules);

const withSlos = (slos: Partial<MixinConfig['slos']>): MixinConfig => ({ ...DEFAULT_CONFIG, slos: { ...DEFAULT_CONFIG.slos, ...slos } });

describe('SLOs', () => {
  it('are the five of the issue, with their default objectives and budgets', () => {
    expect(sloSpecs(DEFAULT_CONFIG).map((s) => [s.key, s.settings.objective, errorBudget(s)])).toEqual([
      ['toolSuccess', 0.95, 0.05],
      ['toolLatency', 0.99, 0.01],
      ['routingLatency', 0.95, 0.05],
      ['cacheHit', 0.6, 0.4],
      ['llmSuccess', 0.98, 0.02],
    ]);
  });

  it('record the error ratio over the windows their tiers read (and 5m), the period average and the budget left', () => {
    const recorded = new Set(rules.filter((r) => r.record !== undefined).map((r) => r.record!));
    const names = sloRecordingRules(DEFAULT_CONFIG).map((r) => [...r.errorRatio.keys()]);
    expect(names).toEqual([
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
      ['5m', '6h', '3d'],
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
    ]);
    for (const r of sloRecordingRules(DEFAULT_CONFIG)) {
      for (const x of [...r.errorRatio.values(), r.periodErrorRatio, r.budgetRemaining]) expect(recorded.has(x.name), x.name).toBe(true);
    }
    const routing = rules.find((r) => r.record === 'job:agentmeter_slo_routing_latency_errors:ratio_rate1h')!;
    expect(routing.expr).toBe('(sum by (job) (rate(agent_routing_duration_seconds_count[1h])) - sum by (job) (rate(agent_routing_duration_seconds_bucket{le="0.1"}[1h]))) / sum by (job) (rate(agent_routing_duration_seconds_count[1h]))');
    expect(rules.find((r) => r.record === 'job:agentmeter_slo_cache_hit_error_budget_remaining:ratio30d')!.expr).toBe('1 - job:agentmeter_slo_cache_hit_errors:ratio_avg30d / 0.4');
    expect(rules.find((r) => r.record === 'job:agentmeter_slo_cache_hit_errors:ratio_avg30d')!.expr).toBe('avg_over_time(job:agentmeter_slo_cache_hit_errors:ratio_rate5m[30d])');
  });

  it('page on the workbook tiers and ticket on the slow ones, as critical and warning alerts', () => {
    const page = rules.find((r) => r.alert === 'AgentSloLlmSuccessPage')!;
    expect(page.labels).toEqual({ severity: 'critical' });
    expect(page.expr).toBe(
      'job:agentmeter_slo_llm_success_errors:ratio_rate1h / 0.02 > 14.4 and job:agentmeter_slo_llm_success_errors:ratio_rate5m / 0.02 > 14.4'
        + ' or job:agentmeter_slo_llm_success_errors:ratio_rate6h / 0.02 > 6 and job:agentmeter_slo_llm_success_errors:ratio_rate30m / 0.02 > 6',
    );
    const ticket = rules.find((r) => r.alert === 'AgentSloCacheHitTicket')!;
    expect(ticket.labels).toEqual({ severity: 'warning' });
    expect(ticket.expr).toBe('job:agentmeter_slo_cache_hit_errors:ratio_rate3d / 0.4 > 1 and job:agentmeter_slo_cache_hit_errors:ratio_rate6h / 0.4 > 1');
    expect(rules.filter((r) => r.alert?.startsWith('AgentSlo')).map((r) => r.alert)).toEqual([
      'AgentSloToolSuccessPage', 'AgentSloToolSuccessTicket', 'AgentSloToolLatencyPage', 'AgentSloToolLatencyTicket',
      'AgentSloRoutingLatencyPage', 'AgentSloRoutingLatencyTicket', 'AgentSloCacheHitTicket', 'AgentSloLlmSuccessPage', 'AgentSloLlmSuccessTicket',
    ]);
    expect(PAGE_TIERS.map((t) => [t.longWindow, t.shortWindow, t.burnRate])).toEqual([['1h', '5m', 14.4], ['6h', '30m', 6]]);
    expect(TICKET_TIERS.map((t) => [t.longWindow, t.shortWindow, t.burnRate])).toEqual([['1d', '2h', 3], ['3d', '6h', 1]]);
  });

  it('follow the config: a tighter objective divides by the smaller budget, an empty tier list drops the alert', () => {
    const config = withSlos({ llmSuccess: { objective: 0.999, page: PAGE_TIERS, ticket: [] } });
    const alerts = sloAlerts(config).filter((a) => a.name.startsWith('AgentSloLlmSuccess'));
    expect(alerts.map((a) => a.name)).toEqual(['AgentSloLlmSuccessPage']);
    expect(alerts[0]!.expr.render()).toContain('job:agentmeter_slo_llm_success_errors:ratio_rate1h / 0.001 > 14.4');
    expect([...sloRecordingRules(config).find((r) => r.slo.key === 'llmSuccess')!.errorRatio.keys()]).toEqual(['5m', '30m', '1h', '6h']);
  });

  it.each([
    ['a burn rate the budget cannot reach', withSlos({ cacheHit: { objective: 0.6, page: PAGE_TIERS, ticket: [] } }), 'SLO cacheHit: burn rate 14.4 can never fire with an error budget of 0.4 (the error ratio would have to exceed 1)'],
    ['a window that is not recorded', withSlos({ toolSuccess: { objective: 0.95, page: [{ longWindow: '4h', shortWindow: '5m', burnRate: 2 }], ticket: [] } }), 'SLO toolSuccess: window 4h is not one of 5m, 30m, 1h, 2h, 6h, 1d, 3d'],
    ['a latency threshold that is no bucket boundary', withSlos({ routingLatency: { objective: 0.95, thresholdSeconds: 0.2, page: [], ticket: TICKET_TIERS } }), '0.2 is not a bucket boundary of 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5'],
  ])('refuse %s', (_what, config, message) => {
    expect(() => generate(config)).toThrow(message);
  });

  it('write durations as Prometheus prints them, and say how long a budget lasts', () => {
    expect(['30d', '28d', '7d', '3d', '1d', '6h', '90m', '5m', '365d'].map(canonicalDuration)).toEqual(['30d', '4w', '1w', '3d', '1d', '6h', '1h30m', '5m', '1y']);
    expect(() => canonicalDuration('30 days')).toThrow('30 days is not a Prometheus duration');
    expect([14.4, 6, 3, 1, 30].map((b) => budgetLasts('30d', b))).toEqual(['2.1 days', '5 days', '10 days', '30 days', '24 hours']);
  });

  it('give every SLO two panels on the SLOs dashboard, which each burn-rate alert links to', () => {
    const json = JSON.parse(read(`${PATHS.dashboards}/agentmeter-slos.json`)) as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }>; panels?: never[] }> };
    const panels = dashboardPanels(json);
    expect(panels.map((p) => p.title)).toEqual(sloSpecs(DEFAULT_CONFIG).flatMap((s) => [`${s.title}: error budget left`, `${s.title}: burn rate`]));
    expect(panels[0]!.targets!.map((t) => t.expr)).toEqual(['job_tool:agentmeter_slo_tool_success_error_budget_remaining:ratio30d{job=~"$job"}']);
    expect(panels[7]!.targets!.map((t) => t.expr)).toEqual(['job:agentmeter_slo_cache_hit_errors:ratio_rate3d{job=~"$job"} / 0.4']);
    for (const a of sloAlerts(DEFAULT_CONFIG)) expect(a.panel, a.name).toMatch(/^slo[A-Za-z]+Burn$/);
  });
});
