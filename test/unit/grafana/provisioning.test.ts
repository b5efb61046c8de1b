// The committed Grafana notification provisioning: one webhook contact point and a policy tree
// routing every Grafana alert to it, in the shape Grafana's alerting file provisioning reads
// (apiVersion 1, contactPoints[].receivers[], policies[] as the org's root route), with the
// grouping and delays of the shipped Alertmanager config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PATHS } from '../../../grafana/src/paths';
import { DEFAULT_CONFIG } from '../../../grafana/src/config';
import { CONTACT_POINT } from '../../../grafana/src/provisioning';
import { read, ROOT } from './files';

const file = parse(read(PATHS.grafanaNotifications)) as Record<string, unknown>;
const alertmanager = parse(readFileSync(join(ROOT, 'collector-config', 'alertmanager.yml'), 'utf8')) as {
  route: Record<string, unknown>;
  receivers: Array<{ webhook_configs: Array<{ url: string }> }>;
};

describe(PATHS.grafanaNotifications, () => {
  it('has exactly the keys Grafana reads: apiVersion, contactPoints, policies', () => {
    expect(Object.keys(file)).toEqual(['apiVersion', 'contactPoints', 'policies']);
    expect(file.apiVersion).toBe(1);
  });

  it('provisions one webhook contact point with the configured URL', () => {
    expect(file.contactPoints).toEqual([
      {
        orgId: 1,
        name: CONTACT_POINT,
        receivers: [{ uid: CONTACT_POINT, type: 'webhook', settings: { url: DEFAULT_CONFIG.notificationWebhookUrl, httpMethod: 'POST' }, disableResolveMessage: false }],
      },
    ]);
    expect(DEFAULT_CONFIG.notificationWebhookUrl).toBe('http://alert-receiver.example.invalid/agentmeter');
  });

  it('routes every alert of the org to it, grouped and timed as the shipped Alertmanager route', () => {
    expect(file.policies).toEqual([{ orgId: 1, receiver: CONTACT_POINT, group_by: ['alertname', 'job'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' }]);
    const { receiver: _receiver, ...route } = alertmanager.route;
    const { orgId: _orgId, receiver: _r, ...policy } = (file.policies as Array<Record<string, unknown>>)[0]!;
    expect(policy).toEqual(route);
    expect(alertmanager.receivers[0]!.webhook_configs[0]!.url).toBe(DEFAULT_CONFIG.notificationWebhookUrl);
  });
});
