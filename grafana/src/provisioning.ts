/**
 * Grafana provisioning: a Prometheus data source with a fixed uid (the dashboards' default and
 * the Grafana-managed rules' query target) and a file provider for grafana/dashboards/.
 * Paths and the Prometheus address are those of docker-compose.yml.
 */
import type { MixinConfig } from './config';

/** Where docker-compose.yml mounts grafana/dashboards inside the Grafana container. */
export const DASHBOARDS_MOUNT = '/var/lib/grafana/dashboards/agentmeter';
/** Prometheus as the Grafana container reaches it in docker-compose.yml. */
export const PROMETHEUS_URL = 'http://prometheus:9090';
/** The scrape interval of collector-config/prometheus.yml; Grafana derives $__rate_interval from it. */
export const SCRAPE_INTERVAL = '15s';

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
