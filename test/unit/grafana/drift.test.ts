// The committed dashboards, rule files, provisioning and docs are exactly what grafana/src
// generates, and the generator type-checks against the catalog (a renamed metric breaks it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../grafana/src/generate';
import { PATHS } from '../../../grafana/src/paths';
import { ROOT, read } from './files';

const files = generate();

describe('generated Grafana files', () => {
  it.each([...files.keys()])('%s is what grafana/src generates (else run npm run grafana)', (path) => {
    expect(read(path) === files.get(path), `${path} differs from what grafana/src generates: run npm run grafana`).toBe(true);
  });

  it('ships no Grafana-managed rules by default: Prometheus evaluates the alerts (grafanaManagedAlerts)', () => {
    expect(files.has(PATHS.grafanaRules)).toBe(false);
    expect(existsSync(join(ROOT, PATHS.grafanaRules)), `${PATHS.grafanaRules} is committed: run npm run grafana and delete it`).toBe(false);
    expect(readdirSync(join(ROOT, 'grafana/provisioning/alerting')).map((f) => `grafana/provisioning/alerting/${f}`)).toEqual([PATHS.grafanaNotifications]);
  });

  it('grafana/dashboards holds only generated dashboards', () => {
    const committed = readdirSync(join(ROOT, PATHS.dashboards)).map((f) => `${PATHS.dashboards}/${f}`).sort();
    expect(committed).toEqual([...files.keys()].filter((p) => p.startsWith(PATHS.dashboards)).sort());
  });

  it('the generator type-checks together with src/ (tsc -p grafana/tsconfig.json)', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', 'grafana/tsconfig.json', '--noEmit'], { cwd: ROOT, encoding: 'utf8' })).not.toThrow();
  }, 60000);
});
