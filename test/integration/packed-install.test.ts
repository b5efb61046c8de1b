// agentmeter as a new user installs it: the packed tarball and @opentelemetry/api@1.10 into an
// empty app with plain `npm install` (no lockfile of ours), so npm resolves every range the way
// it does for them. One copy of each OpenTelemetry package, nothing agentmeter does not run,
// and a size budget (README: "What installing it costs").
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { npm, plainInstall, throwawayApp, type InstalledApp } from '../infra/npm-app';
import { installedPackages, treeBytes, type InstalledPackage } from '../infra/npm-tree';
import { freePort } from '../infra/process.mjs';
import { samples, sum } from '../infra/prom-text';

/** The budget the README states: packages in node_modules, and their bytes on disk (apparent size). */
const BUDGET = { packages: 64, megabytes: 30 };

let installed: InstalledApp;
let packages: InstalledPackage[];
let appDir: string;
beforeAll(async () => {
  installed = await plainInstall();
  packages = installedPackages(join(installed.dir, 'node_modules'));
  appDir = throwawayApp(installed, [resolve(ROOT, 'test/fixtures/packed/metrics-app.cjs')]);
}, 900000);
afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('npm install agentmeter @opentelemetry/api@1.10 in an empty app', () => {
  it('installs one copy of every @opentelemetry package, all at the top of node_modules', () => {
    const otel = packages.filter((p) => p.name.startsWith('@opentelemetry/'));
    expect(otel.filter((p) => p.nested).map((p) => `${p.path}@${p.version}`)).toEqual([]);
    expect(new Set(otel.map((p) => p.name)).size).toBe(otel.length);
    // The ones an app shares with agentmeter, at the release agentmeter pins.
    const version = (name: string): string | undefined => otel.find((p) => p.name === name)?.version;
    expect([version('@opentelemetry/api'), version('@opentelemetry/core'), version('@opentelemetry/sdk-metrics'), version('@opentelemetry/resources')]).toEqual(['1.10.0', '3.0.0', '3.0.0', '3.0.0']);
  });

  it('is what npm ls reports: one copy each of api, core, sdk-metrics and resources', async () => {
    const shared = ['@opentelemetry/api', '@opentelemetry/core', '@opentelemetry/sdk-metrics', '@opentelemetry/resources'];
    const ls = await npm(['ls', '--all', '--parseable', ...shared], installed.dir);
    expect(ls.code, ls.stderr).toBe(0);
    const paths = ls.stdout.trim().split('\n').filter((line) => line !== installed.dir);
    expect(paths.sort()).toEqual(shared.map((name) => join(installed.dir, 'node_modules', name)).sort());
  });

  it('installs nothing agentmeter does not run: no NodeSDK, gRPC, protobufjs or trace exporters', () => {
    const names = packages.map((p) => p.name);
    const unwanted = names.filter((name) => /^@opentelemetry\/(sdk-node|exporter-(trace|logs|zipkin)|otlp-grpc|propagator-)|^@grpc\/|^protobufjs$/.test(name));
    expect(unwanted).toEqual([]);
  });

  it(`stays within its budget: at most ${BUDGET.packages} packages and ${BUDGET.megabytes} MB`, () => {
    const megabytes = treeBytes(join(installed.dir, 'node_modules')) / 1e6;
    console.log(`plain install: ${packages.length} packages, ${megabytes.toFixed(1)} MB`);
    expect(packages.length).toBeLessThanOrEqual(BUDGET.packages);
    expect(megabytes).toBeLessThanOrEqual(BUDGET.megabytes);
  });

  it('serves metrics, and says on stderr that OTEL_TRACES_EXPORTER needs @opentelemetry/sdk-node', async () => {
    const port = await freePort();
    app = runNode(['--require', 'agentmeter/register', 'metrics-app.cjs'], { TOOL_CALLS: '3', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }, 30000, appDir);
    await app.ready;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sum(samples(text), 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'search' })).toBe(3);
    expect(app.stderr()).toBe(
      'agentmeter: OTEL_TRACES_EXPORTER is set, but @opentelemetry/sdk-node is not installed, so nothing is exported but metrics: ' +
        'run `npm install @opentelemetry/sdk-node` to export traces and logs\n',
    );
  });
});
