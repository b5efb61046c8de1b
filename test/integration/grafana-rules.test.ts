// promtool accepts the generated rule file, and its unit tests show every alert firing on a
// series that should page and staying silent on one that should not.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';
import { prometheus } from '../infra/prom';
import { PATHS } from '../../grafana/src/paths';
import { DEFAULT_CONFIG } from '../../grafana/src/config';
import { alertSpecs } from '../../grafana/src/rules/alerts';
import { promtoolTests } from '../../grafana/src/rules/prometheus';
import { sloSpecs } from '../../grafana/src/slos';

function promtool(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(prometheus().promtool, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('generated Prometheus rules', () => {
  it('pass promtool check rules --lint=all --lint-fatal', () => {
    const alerts = alertSpecs(DEFAULT_CONFIG).length;
    const { status, out } = promtool('check', 'rules', '--lint=all', '--lint-fatal', PATHS.prometheusRules);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    expect(Number(/SUCCESS: (\d+) rules found/.exec(out)![1])).toBeGreaterThan(alerts);
    expect(out).not.toMatch(/lint/i);
    expect(status).toBe(0);
  });

  it('test every SLO: a fast burn pages, a slow burn tickets and does not page, burning exactly the budget stays silent', () => {
    const tests = promtoolTests(DEFAULT_CONFIG, 'agentmeter.rules.yml').tests;
    const cases = (alert: string) => tests.filter((t) => t.name.startsWith(`${alert} `)).map((t) => [t.name.slice(alert.length + 1), t.alert_rule_test[0]!.exp_alerts.length]);
    for (const slo of sloSpecs(DEFAULT_CONFIG)) {
      const page = `AgentSlo${slo.name}Page`;
      const ticket = `AgentSlo${slo.name}Ticket`;
      if (slo.settings.page.length > 0) {
        expect(cases(page), page).toEqual([['fires: a fast burn (16x the budget) pages', 1], ['stays silent: a slow burn (2x the budget) does not page', 0]]);
      } else {
        expect(cases(page), page).toEqual([]);
      }
      expect(cases(ticket), ticket).toEqual([['fires: a slow burn (2x the budget) opens a ticket', 1], ['stays silent: burning exactly the budget (1x) stays silent', 0]]);
    }
    expect(sloSpecs(DEFAULT_CONFIG).map((s) => s.key)).toEqual(['toolSuccess', 'toolLatency', 'routingLatency', 'cacheHit', 'llmSuccess']);
  });

  it('pass promtool test rules: each alert fires on its paging case and stays silent on its quiet one', () => {
    const tests = promtoolTests(DEFAULT_CONFIG, 'agentmeter.rules.yml').tests;
    const alerts = alertSpecs(DEFAULT_CONFIG);
    const names = new Set(alerts.map((a) => a.name));
    // One firing and one silent case each; a kept-firing case per keep_firing_for alert (9); a
    // second silent case for the stall alert (a deliberate shutdown).
    const kept = alerts.filter((a) => a.keepFiringFor !== undefined).map((a) => a.name);
    expect(kept.length).toBe(9);
    expect(tests.length).toBe(2 * names.size + kept.length + 1);
    for (const name of names) {
      expect(tests.filter((t) => t.name.startsWith(`${name} fires:`)).map((t) => t.alert_rule_test[0]!.exp_alerts.length)).toEqual([1]);
      const silent = name === 'AgentmeterPipelineStalled' ? [0, 0] : [0];
      expect(tests.filter((t) => t.name.startsWith(`${name} stays silent:`)).map((t) => t.alert_rule_test[0]!.exp_alerts.length), name).toEqual(silent);
      const keeps = tests.filter((t) => t.name.startsWith(`${name} keeps firing for `)).map((t) => t.alert_rule_test[0]!.exp_alerts.length);
      expect(keeps, name).toEqual(kept.includes(name) ? [1] : []);
    }
    const { status, out } = promtool('test', 'rules', join(ROOT, PATHS.promtoolTests));
    expect(out).toBe(`Unit Testing:  ${join(ROOT, PATHS.promtoolTests)}\n  SUCCESS\n\n`);
    expect(status).toBe(0);
  });
});
