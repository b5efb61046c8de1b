/**
 * The same alerts as Grafana-managed rules, as a Grafana alerting provisioning file. Each rule is
 * built with the foundation SDK's alerting builders in the shape Grafana itself gives a
 * Prometheus rule when converting it (pkg/services/ngalert/prom in Grafana): an instant PromQL
 * query `query`, a math node `prometheus_math` that is 1 for every returned series, and a
 * threshold `> 0` on it, so "any series returned" fires exactly as in Prometheus; no data is OK.
 * Recording rules are inlined, so these rules also work against a Prometheus without ours.
 */
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type { MixinConfig } from '../config';
import { alertSpecs, annotations, forDuration } from './alerts';

const QUERY = 'query';
const MATH = 'prometheus_math';
const THRESHOLD = 'threshold';
const EXPR_DATASOURCE = { type: '__expr__', uid: '__expr__' };
/** Grafana's default look-back for a converted rule's query, in seconds. */
const FROM_SECONDS = 600;

/** A Grafana rule uid: at most 40 characters of [a-zA-Z0-9-_]. */
export function ruleUid(alertName: string): string {
  const uid = `am-${alertName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
  if (uid.length > 40 || !/^[a-zA-Z0-9_-]+$/.test(uid)) throw new Error(`bad Grafana rule uid ${uid}`);
  return uid;
}

/** Grafana templates read a query's value as $values.<refId>.Value, not $value. */
function grafanaTemplate(template: string): string {
  return template.replaceAll('$value', `$values.${QUERY}.Value`);
}

/** Where each alert's panel is, so Grafana links the rule to it. */
export type PanelLocator = (key: string) => { dashboardUid: string; panelId: number };


export function grafanaAlertRules(config: MixinConfig, locate: PanelLocator) {
  const rules = alertSpecs(config).map((alert) => {
    const built = new alerting.RuleBuilder(alert.name)
      .uid(ruleUid(alert.name))
      .condition(THRESHOLD)
      .queries([
        new alerting.QueryBuilder(QUERY)
          .datasourceUid(config.datasourceUid)
          .relativeTimeRange({ from: FROM_SECONDS, to: 0 })
          .model(
            new prometheus.DataqueryBuilder()
              .refId(QUERY)
              .datasource({ type: 'prometheus', uid: config.datasourceUid })
              .expr(alert.expr.render('inline'))
              .instant(),
          ),
        new alerting.QueryBuilder(MATH)
          .datasourceUid(EXPR_DATASOURCE.uid)
          .model(new expr.TypeMathBuilder().refId(MATH).datasource(EXPR_DATASOURCE).expression(`is_number($${QUERY}) || is_nan($${QUERY}) || is_inf($${QUERY})`)),
        new alerting.QueryBuilder(THRESHOLD)
          .datasourceUid(EXPR_DATASOURCE.uid)
          .model(new expr.TypeThresholdBuilder().refId(THRESHOLD).datasource(EXPR_DATASOURCE).expression(MATH).conditions([{ evaluator: { type: 'gt', params: [0] } }])),
      ])
      .forDuration(forDuration(alert, config))
      .noDataState('OK')
      .execErrState('Error')
      .missingSeriesEvalsToResolve(1)
      .labels({ severity: alert.severity })
      .annotations(Object.fromEntries(Object.entries(annotations(alert, config)).map(([k, v]) => [k, grafanaTemplate(v)])))
      .isPaused(false)
      .build();
    // An alert without a panel is provisioned unlinked.
    const panelLink = alert.panel === null ? {} : locate(alert.panel);
    // The provisioning file format (pkg/services/provisioning/alerting/rules_types.go) differs
    // from the API object the SDK builds: map field by field.
    return {
      uid: built.uid,
      title: built.title,
      condition: built.condition,
      data: built.data,
      ...panelLink,
      noDataState: built.noDataState,
      execErrState: built.execErrState,
      for: built.for,
      missing_series_evals_to_resolve: built.missingSeriesEvalsToResolve,
      annotations: built.annotations,
      labels: built.labels,
      isPaused: built.isPaused,
    };
  });
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: 'agentmeter', folder: config.folder, interval: config.grafanaGroupInterval, rules }],
  };
}
