// The platform promises of package.json, and the scripts that must agree with them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, NODE_LINES } from '../../scripts/node-runtime.mjs';
import { installedPackages } from '../infra/npm-tree';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

describe('package.json', () => {
  it('supports Node 22.15 and later, the floor the CI and the set-up scripts use', () => {
    expect(pkg.engines.node).toBe('>=22.15.0');
    expect(pkg.engines.node).toBe(`>=${MIN_NODE}`);
    expect(NODE_LINES.oldest).toBe(MIN_NODE);
    expect(NODE_LINES.current).toMatch(/^26\./);
  });

  it('takes @opentelemetry/api as a peer (the range SDK 3.x accepts) and a dev dependency only', () => {
    expect(pkg.peerDependencies).toEqual({ '@opentelemetry/api': '>=1.10.0 <1.11.0' });
    expect(pkg.dependencies['@opentelemetry/api']).toBeUndefined();
    expect(pkg.devDependencies['@opentelemetry/api']).toBe('1.10.0');
  });

  it('pins one OpenTelemetry JS release (3.0.0 / 0.300.0), the one the contrib instrumentations accept', () => {
    // The core packages pin each other exactly (exporter-prometheus 0.300.0 wants core 3.0.0), and
    // the contrib instrumentations take instrumentation ^0.300.0 (below 0.301): any other pin
    // makes a plain `npm install agentmeter` nest copies (test/integration/packed-install.test.ts).
    const stable = ['@opentelemetry/context-async-hooks', '@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-trace'];
    for (const name of stable) expect(pkg.dependencies[name], name).toBe('3.0.0');
    const experimental = ['@opentelemetry/exporter-prometheus', '@opentelemetry/exporter-metrics-otlp-http', '@opentelemetry/otlp-transformer', '@opentelemetry/instrumentation', '@opentelemetry/instrumentation-http'];
    for (const name of experimental) expect(pkg.dependencies[name], name).toBe('0.300.0');
    const otel = Object.keys(pkg.dependencies).filter((name) => name.startsWith('@opentelemetry/'));
    // sdk-trace-base was folded into sdk-trace in 3.x; sdk-node is the app's to install, for traces and logs.
    expect(otel).not.toContain('@opentelemetry/sdk-trace-base');
    expect(otel).not.toContain('@opentelemetry/sdk-node');
  });

  it('installs from its lockfile with no nested copy of an OpenTelemetry package', () => {
    const nested = installedPackages(fileURLToPath(new URL('../../node_modules', import.meta.url))).filter((p) => p.nested && p.name.startsWith('@opentelemetry/'));
    expect(nested.map((p) => `${p.path}@${p.version}`)).toEqual([]);
  });
});
