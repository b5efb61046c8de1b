/**
 * The Prometheus rule file (for Prometheus, Mimir or Thanos rulers; Grafana lists these as
 * data-source-managed rules) and its promtool unit tests.
 */
import type { MixinConfig } from '../config';
import { orderedRecordingRules, recordingRules } from './recording';
import { alertSpecs, annotations, forDuration, renderTemplate, type AlertSpec } from './alerts';
import { TEST_MINUTES } from './promtool-series';
import { orderedSloRules, sloRecordingRules } from './slo-recording';

export const RECORDING_GROUP = 'agentmeter.recording';
export const ALERT_GROUP = 'agentmeter.alerts';

export interface PrometheusRuleFile {
  groups: Array<{
    name: string;
    interval?: string;
    rules: Array<Record<string, unknown>>;
  }>;
}

/** The rule groups: recording rules first (alerts read them), then alerts. */
export function prometheusRules(config: MixinConfig): PrometheusRuleFile {
  const interval = config.prometheusGroupInterval === undefined ? {} : { interval: config.prometheusGroupInterval };
  return {
    groups: [
      {
        name: RECORDING_GROUP,
        ...interval,
        // The SLO rules go in the same group, after the others (one group keeps one evaluation order).
        rules: [...orderedRecordingRules(recordingRules(config)), ...orderedSloRules(sloRecordingRules(config))].map((r) => ({
          record: r.name,
          expr: r.expr.render('reference'),
          ...(Object.keys(r.labels).length > 0 ? { labels: { ...r.labels } } : {}),
        })),
      },
      {
        name: ALERT_GROUP,
        ...interval,
        rules: alertSpecs(config).map((a) => ({
          alert: a.name,
          expr: a.expr.render('reference'),
          for: forDuration(a, config),
          ...(a.keepFiringFor === undefined ? {} : { keep_firing_for: a.keepFiringFor }),
          labels: { severity: a.severity },
          annotations: annotations(a, config),
        })),
      },
    ],
  };
}

/** When promtool evaluates each case: late enough for the longest `for:` to have passed. */
export const EVAL_TIME = `${TEST_MINUTES - 5}m`;

function expectedAlert(alert: AlertSpec, config: MixinConfig, value = alert.firing.value!) {
  const labels = { ...alert.firing.labels };
  const rendered = annotations(alert, config);
  return {
    exp_labels: { severity: alert.severity, ...labels },
    exp_annotations: {
      summary: renderTemplate(rendered.summary!, labels, value),
      description: renderTemplate(rendered.description!, labels, value),
      runbook_url: rendered.runbook_url!,
    },
  };
}

/** The minute a kept-firing case's counters stop growing: five minutes (one rate window) before EVAL_TIME. */
const STOP_MINUTE = TEST_MINUTES - 10;

/**
 * The hysteresis case of an alert with `keep_firing_for`: its firing input (counters growing by
 * N a minute) frozen from STOP_MINUTE on, so at EVAL_TIME the rate window holds no increase and
 * the expression returns nothing; the alert must still fire. Its $value is the one of the last
 * evaluation that returned the series (a minute earlier: one increase of N in the window, N/300).
 */
function keptFiringCase(alert: AlertSpec, config: MixinConfig) {
  let perMinute: number | undefined;
  const input_series = alert.firing.series.map((s) => {
    const m = new RegExp(`^0\\+(\\d+)x${TEST_MINUTES}$`).exec(s.values);
    if (m === null) throw new Error(`${alert.name}: keep_firing_for needs a firing case of counters growing every minute, not ${s.values}`);
    perMinute = Number(m[1]);
    return { series: s.series, values: `0+${perMinute}x${STOP_MINUTE} ${perMinute * STOP_MINUTE}+0x${TEST_MINUTES - STOP_MINUTE - 1}` };
  });
  if (alert.firing.series.length !== 1) throw new Error(`${alert.name}: the kept-firing case derives its $value from one series`);
  return {
    name: `${alert.name} keeps firing for ${alert.keepFiringFor} after the counter stopped growing`,
    interval: '1m',
    input_series,
    alert_rule_test: [{ eval_time: EVAL_TIME, alertname: alert.name, exp_alerts: [expectedAlert(alert, config, (perMinute! / 300).toFixed(2))] }],
  };
}

/** promtool unit tests: every alert fires on its firing case and stays silent on its silent one. */
export function promtoolTests(config: MixinConfig, ruleFile: string) {
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: alertSpecs(config).flatMap((alert) => [
      {
        name: `${alert.name} fires: ${alert.firing.name}`,
        interval: '1m',
        input_series: alert.firing.series.map((s) => ({ series: s.series, values: s.values })),
        alert_rule_test: [{ eval_time: EVAL_TIME, alertname: alert.name, exp_alerts: [expectedAlert(alert, config)] }],
      },
      {
        name: `${alert.name} stays silent: ${alert.silent.name}`,
        interval: '1m',
        input_series: alert.silent.series.map((s) => ({ series: s.series, values: s.values })),
        alert_rule_test: [{ eval_time: EVAL_TIME, alertname: alert.name, exp_alerts: [] }],
      },
      ...(alert.alsoSilent ?? []).map((c) => ({
        name: `${alert.name} stays silent: ${c.name}`,
        interval: '1m',
        input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
        alert_rule_test: [{ eval_time: EVAL_TIME, alertname: alert.name, exp_alerts: [] }],
      })),
      ...(alert.keepFiringFor === undefined ? [] : [keptFiringCase(alert, config)]),
    ]),
  };
}
