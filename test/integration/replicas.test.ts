// Replicas of one service (same OTEL_SERVICE_NAME) through Kafka → Collector → Prometheus:
// each is its own `instance` (its service.instance.id), so sum() gives the exact total, also
// when a replica stops early or when OTEL_NODE_RESOURCE_DETECTORS leaves out the detector
// that NodeSDK would use for the id.
import { afterEach, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { kafkaService, readTopic } from '../infra/kafka-helpers';
import { query, waitForQuery, type Sample } from '../infra/prom';
import { COLLECTOR_TOPIC } from '../infra/services.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let apps: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
});

/** One replica: nothing set but the service name, the exporter, and what the test needs (broker, a short interval). */
function replica(service: string, calls: number, env: Record<string, string> = {}): RunningChild {
  const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
    OTEL_SERVICE_NAME: service,
    OTEL_METRICS_EXPORTER: 'kafka',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    APP_CALLS: String(calls),
    APP_BATCH: '100',
    APP_EVERY_MS: '20',
    ...env,
  });
  apps.push(app);
  return app;
}

async function done(app: RunningChild): Promise<void> {
  while (!app.stdout().includes('"done":true')) {
    if (app.child.exitCode !== null) throw new Error(`replica exited early; stderr: ${app.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const byLabel = (result: Sample[], label: string): Record<string, number> => Object.fromEntries(result.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
const calls = (service: string) => `gen_ai_execute_tool_duration_seconds_count{path="collector",job="${service}"}`;

/** instance → process.pid, from the Collector's target_info (the resource of each replica). */
async function pidsByInstance(service: string, expected: number): Promise<Record<string, number>> {
  const info = await waitForQuery(`target_info{job="${service}"}`, (r) => r.length === expected, 30000);
  return Object.fromEntries(info.map((s) => [s.metric.instance!, Number(s.metric.process_pid)]));
}

/** Keys of the messages on the Collector's topic that start with `<service>/`. */
async function messageKeys(service: string): Promise<Set<string>> {
  const keys = new Set<string>();
  await readTopic(COLLECTOR_TOPIC, (message) => {
    const key = message.key?.toString() ?? '';
    if (key.startsWith(`${service}/`)) keys.add(key);
  });
  return keys;
}

describe('three replicas of one service through Kafka → Collector → Prometheus', () => {
  it('keeps each replica its own instance: sum() is exactly the total recorded, also after one replica stopped', async () => {
    // Unique per run: the Collector keeps an earlier run's instances until metric_expiration.
    const service = `replicas-${process.pid}`;
    const counts = [1234, 2345, 3456];
    const [short, ...rest] = counts.map((n) => replica(service, n));
    await Promise.all([short, ...rest].map((a) => a!.ready));
    // The shortest-lived replica finishes and stops (SIGTERM flushes it) while the others record.
    await done(short!);
    short!.child.kill('SIGTERM');
    expect(await short!.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await Promise.all(rest.map((a) => done(a!)));

    await waitForQuery(`sum(${calls(service)})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 1234 + 2345 + 3456, 45000);
    const perInstance = byLabel(await query(`sum by (instance) (${calls(service)})`), 'instance');
    const pids = await pidsByInstance(service, 3);
    const expected = Object.fromEntries(apps.map((a, i) => [a.child.pid!, counts[i]!]));
    expect(Object.fromEntries(Object.entries(perInstance).map(([instance, n]) => [pids[instance], n]))).toEqual(expected);
    for (const instance of Object.keys(perInstance)) expect(instance).toMatch(UUID);
    // Each replica's messages are keyed <service.name>/<service.instance.id>.
    expect(await messageKeys(service)).toEqual(new Set(Object.keys(perInstance).map((i) => `${service}/${i}`)));
    for (const app of apps) expect(app.stderr()).toBe('');
  });

  it('stays exact when OTEL_NODE_RESOURCE_DETECTORS leaves out serviceinstance, and takes the id from OTEL_RESOURCE_ATTRIBUTES', async () => {
    // Before agentmeter set the id itself, the first two reported no instance and overwrote each other.
    const service = `replicas-detectors-${process.pid}`;
    const noDetector = { OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os' };
    const all = [
      replica(service, 300, noDetector),
      replica(service, 500, noDetector),
      replica(service, 700, { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=replica-c,deployment.environment=test' }),
    ];
    await Promise.all(all.map((a) => a.ready));
    await Promise.all(all.map((a) => done(a)));
    await waitForQuery(`sum(${calls(service)})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 1500, 45000);
    const perInstance = byLabel(await query(`sum by (instance) (${calls(service)})`), 'instance');
    expect(perInstance['replica-c']).toBe(700);
    const generated = Object.entries(perInstance).filter(([i]) => i !== 'replica-c');
    expect(generated.map(([, n]) => n).sort((a, b) => a - b)).toEqual([300, 500]);
    for (const [instance] of generated) expect(instance).toMatch(UUID);
  });
});
