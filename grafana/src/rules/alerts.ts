/**
 * Every alert, each with its runbook and two promtool cases (one that must page, one that must
 * not). Rendered into the Prometheus rule file, the Grafana-managed provisioning file, the
 * promtool tests and docs/runbooks.md; nothing else defines an alert.
 */
import type { MixinConfig } from '../config';
import { recordingRules } from './recording';
import { agentAlerts } from './alerts-agent';
import { serviceAlerts } from './alerts-service';
import { pipelineAlerts } from './alerts-pipeline';
import { costAlerts } from './alerts-cost';
import { selfAlerts } from './alerts-self';
import { sloAlerts } from './alerts-slo';
import type { AlertSpec } from './alert-spec';

export { annotations, forDuration, renderTemplate } from './alert-spec';
export type { AlertSpec, AlertTestCase, Runbook, Severity, Trigger } from './alert-spec';

/** Builds every alert from the recording rules and the thresholds of `config`. */
export function alertSpecs(config: MixinConfig): AlertSpec[] {
  const R = recordingRules(config);
  return [...agentAlerts(config, R), ...serviceAlerts(config, R), ...pipelineAlerts(config), ...selfAlerts(config), ...costAlerts(config), ...sloAlerts(config)];
}
