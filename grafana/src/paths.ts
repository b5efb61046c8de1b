/** Repository paths of the generated files. */
export const PATHS = {
  dashboards: 'grafana/dashboards',
  prometheusRules: 'grafana/rules/agentmeter.rules.yml',
  promtoolTests: 'grafana/rules/agentmeter.rules.test.yml',
  datasource: 'grafana/provisioning/datasources/agentmeter.yml',
  dashboardProvider: 'grafana/provisioning/dashboards/agentmeter.yml',
  grafanaRules: 'grafana/provisioning/alerting/agentmeter.yml',
  grafanaNotifications: 'grafana/provisioning/alerting/agentmeter-notifications.yml',
  dashboardsDoc: 'docs/dashboards.md',
  alertsDoc: 'docs/alerts.md',
  runbooksDoc: 'docs/runbooks.md',
  slosDoc: 'docs/slos.md',
} as const;
