// The platform promises of package.json, and the scripts that must agree with them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, NODE_LINES } from '../../scripts/node-runtime.mjs';

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

  it('is on OpenTelemetry JS 3.x: stable packages ^3, experimental ^0.301', () => {
    const otel = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@opentelemetry/'));
    const stable = ['@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-trace'];
    for (const name of stable) expect(pkg.dependencies[name], name).toMatch(/^\^3\.\d+\.\d+$/);
    const experimental = ['@opentelemetry/sdk-node', '@opentelemetry/exporter-prometheus', '@opentelemetry/exporter-metrics-otlp-http', '@opentelemetry/otlp-transformer', '@opentelemetry/instrumentation', '@opentelemetry/instrumentation-http'];
    for (const name of experimental) expect(pkg.dependencies[name], name).toMatch(/^\^0\.301\.\d+$/);
    // sdk-trace-base was folded into sdk-trace in 3.x.
    expect(otel.map(([name]) => name)).not.toContain('@opentelemetry/sdk-trace-base');
  });
});
