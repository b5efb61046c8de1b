// The shipped configs are valid for the real programs that read them, and docker-compose.yml
// mounts exactly those files with every variable they need.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../infra/child';
import { prometheus } from '../infra/prom';
import { ensureCollector } from '../infra/collector.mjs';

const CONFIG_DIR = join(ROOT, 'collector-config');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image: string; volumes?: string[]; environment?: Record<string, string>; command?: string[] }>;
};

function envPlaceholders(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => m[1]!).sort();
}

describe('collector-config', () => {
  it.each(['kafka-to-prometheus.yaml', 'otlp-to-prometheus.yaml'])('%s passes the built Collector’s validate', async (name) => {
    const binary = await ensureCollector();
    const env: Record<string, string> = {};
    for (const v of envPlaceholders(join(CONFIG_DIR, name))) env[v] = v.endsWith('ENDPOINT') ? '127.0.0.1:0' : v === 'KAFKA_BROKERS' ? '127.0.0.1:9092' : 'x';
    const result = spawnSync(binary, ['validate', '--config', join(CONFIG_DIR, name)], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('prometheus.yml passes promtool check config', () => {
    const out = execFileSync(prometheus().promtool, ['check', 'config', join(CONFIG_DIR, 'prometheus.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
});

describe('docker-compose.yml', () => {
  it('mounts files that exist in the repository', () => {
    const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []).map((v) => v.split(':')[0]!);
    expect(mounts.length).toBeGreaterThan(0);
    for (const source of mounts) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it('gives the Collector every variable its config uses, and runs the pinned version', () => {
    const collector = compose.services.collector!;
    const config = collector.command![0]!.replace('--config=/etc/otelcol/', '');
    expect(collector.volumes).toContain(`./collector-config/${config}:/etc/otelcol/${config}:ro`);
    expect(Object.keys(collector.environment!).sort()).toEqual(envPlaceholders(join(CONFIG_DIR, config)));
    const pinned = /otlpreceiver v([0-9.]+)/.exec(readFileSync(join(CONFIG_DIR, 'builder-config.yaml'), 'utf8'))![1];
    expect(collector.image).toBe(`otel/opentelemetry-collector-contrib:${pinned}`);
  });

  it('binds published ports to 127.0.0.1 and has Prometheus scrape the Collector’s exporter port', () => {
    for (const s of Object.values(compose.services)) for (const p of (s as { ports?: string[] }).ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
    const port = compose.services.collector!.environment!.PROMETHEUS_EXPORTER_ENDPOINT!.split(':')[1];
    expect(readFileSync(join(CONFIG_DIR, 'prometheus.yml'), 'utf8')).toContain(`targets: ['collector:${port}']`);
  });
});
