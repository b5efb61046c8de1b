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

function promtool(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(prometheus().promtool, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('generated Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const alerts = alertSpecs(DEFAULT_CONFIG).length;
    const { status, out } = promtool('check', 'rules', PATHS.prometheusRules);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    expect(Number(/SUCCESS: (\d+) rules found/.exec(out)![1])).toBeGreaterThan(alerts);
    expect(status).toBe(0);
  });

  it('pass promtool test rules: each alert fires on its paging case and stays silent on its quiet one', () => {
    const tests = promtoolTests(DEFAULT_CONFIG, 'agentmeter.rules.yml').tests;
    const names = new Set(alertSpecs(DEFAULT_CONFIG).map((a) => a.name));
    expect(tests.length).toBe(2 * names.size);
    for (const name of names) {
      expect(tests.filter((t) => t.name.startsWith(`${name} fires:`)).map((t) => t.alert_rule_test[0]!.exp_alerts.length)).toEqual([1]);
      expect(tests.filter((t) => t.name.startsWith(`${name} stays silent:`)).map((t) => t.alert_rule_test[0]!.exp_alerts.length)).toEqual([0]);
    }
    const { status, out } = promtool('test', 'rules', join(ROOT, PATHS.promtoolTests));
    expect(out).toBe(`Unit Testing:  ${join(ROOT, PATHS.promtoolTests)}\n  SUCCESS\n\n`);
    expect(status).toBe(0);
  });
});
