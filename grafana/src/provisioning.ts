/**
 * Grafana provisioning: a Prometheus data source with a fixed uid (the dashboards' default and
 * the Grafana-managed rules' query target), a file provider for grafana/dashboards/, and a
 * webhook contact point with the notification policy that routes every Grafana alert to it.
 * Paths and the Prometheus address are those of docker-compose.yml.
 */
import type { MixinConfig } from './config';

/** Where docker-compose.yml mounts grafana/dashboards inside the Grafana container. */
export const DASHBOARDS_MOUNT = '/var/lib/grafana/dashboards/agentmeter';
/** Prometheus as the Grafana container reaches it in docker-compose.yml. */
export const PROMETHEUS_URL = 'http://prometheus:9090';
/** The scrape interval of collector-config/prometheus.yml; Grafana derives $__rate_interval from it. */
export const SCRAPE_INTERVAL = '15s';
/**
 * The scale-out store (compose profile "scale", collector-config/prometheus-store.yml): a second
 * data source, picked in the dashboards' data source variable; the same series are there.
 */
export const STORE_URL = 'http://prometheus-store:9090';
export const STORE_DATASOURCE_UID = 'agentmeter-prometheus-store';

export function datasourceProvisioning(config: MixinConfig) {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: config.datasourceUid,
        type: 'prometheus',
        access: 'proxy',
        url: PROMETHEUS_URL,
        isDefault: true,
        editable: false,
        jsonData: {
          timeInterval: SCRAPE_INTERVAL,
          httpMethod: 'POST',
          // Exemplars carry `trace_id` (OpenMetrics from agentmeter's endpoint or the Collector's).
          exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: config.traceDatasourceUid }],
        },
      },
      {
        name: 'Prometheus (scale-out store)',
        uid: STORE_DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: STORE_URL,
        isDefault: false,
        editable: false,
        // Collectors push every export interval; the store scrapes only their own telemetry.
        jsonData: { timeInterval: SCRAPE_INTERVAL, httpMethod: 'POST' },
      },
    ],
  };
}

export function dashboardProvisioning(config: MixinConfig) {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'agentmeter',
        orgId: 1,
        folder: config.folder,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
}

/** Name (and receiver uid) of the provisioned contact point. */
export const CONTACT_POINT = 'agentmeter-webhook';
/**
 * The notification delays of collector-config/alertmanager.yml, so an alert notifies alike
 * whichever of the two evaluates it.
 */
export const NOTIFICATION_TIMING = { group_wait: '30s', group_interval: '5m', repeat_interval: '4h' } as const;

/**
 * Grafana's alerting file provisioning: one webhook contact point and the org's notification
 * policy tree (provisioning replaces the whole tree) with it as the default receiver, grouped by
 * alertname and job as Alertmanager groups the Prometheus-evaluated alerts.
 */
export function notificationProvisioning(config: MixinConfig) {
  return {
    apiVersion: 1,
    contactPoints: [
      {
        orgId: 1,
        name: CONTACT_POINT,
        receivers: [
          {
            uid: CONTACT_POINT,
            type: 'webhook',
            settings: { url: config.notificationWebhookUrl, httpMethod: 'POST' },
            disableResolveMessage: false,
          },
        ],
      },
    ],
    policies: [
      {
        orgId: 1,
        receiver: CONTACT_POINT,
        group_by: ['alertname', 'job'],
        ...NOTIFICATION_TIMING,
      },
    ],
  };
}
