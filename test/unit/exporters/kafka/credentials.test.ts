// The SASL password is planted once and looked for everywhere a person or a log could see it:
// the resolved options, the exporter and the routing-event publisher, through util.inspect
// (default and every option that digs deeper), JSON.stringify, spreads and property lists,
// errors, and every diag line (kafkajs's own log goes to diag.debug) while connecting fails.
import { inspect } from 'node:util';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KafkaSaslCredentials, REDACTED, kafkajsSasl } from '../../../../src/exporters/kafka/credentials';
import { KafkaMetricExporter } from '../../../../src/exporters/kafka/exporter';
import { resolveKafkaOptions } from '../../../../src/exporters/kafka/options';
import { RoutingEventPublisher } from '../../../../src/events/publisher';
import { resolvePublisherOptions } from '../../../../src/events/options';
import { createMetricProducer } from '../../../../src/store/producer';
import { recordToolCall } from '../../../../src/record/tool';
import { freePort } from '../../../infra/process.mjs';
import { resetStore, valueOf } from '../../helpers';

const PLANTED = 'Planted-Pa55word-7f3a9c';

/** Every view of `value` we can think of, concatenated: the password must be in none. */
function everyView(value: unknown): string {
  const deep = { depth: Infinity, showHidden: true, getters: true } as const;
  return [
    inspect(value),
    inspect(value, deep),
    // Past our custom views, into the raw object: kafkajs's producer, the queue, the sockets.
    inspect(value, { ...deep, customInspect: false }),
    JSON.stringify(value) ?? '',
    String(value),
    `${JSON.stringify(value !== null && typeof value === 'object' ? { ...value } : value)}`,
    inspect(value !== null && typeof value === 'object' ? Object.entries(value) : value, deep),
  ].join('\n');
}

describe('KafkaSaslCredentials', () => {
  const credentials = new KafkaSaslCredentials('scram-sha-512', 'svc', PLANTED);

  it('shows mechanism and user, and the password only as [redacted]', () => {
    expect(inspect(credentials)).toBe("KafkaSaslCredentials { mechanism: 'scram-sha-512', username: 'svc', password: '[redacted]' }");
    expect(JSON.stringify(credentials)).toBe('{"mechanism":"scram-sha-512","username":"svc","password":"[redacted]"}');
    expect(String(credentials)).toBe('KafkaSaslCredentials(scram-sha-512, svc, password [redacted])');
    expect(REDACTED).toBe('[redacted]');
  });

  it('has no property that holds the password, enumerable or not', () => {
    expect(Object.getOwnPropertyNames(credentials).sort()).toEqual(['mechanism', 'username']);
    expect({ ...credentials }).toEqual({ mechanism: 'scram-sha-512', username: 'svc' });
    expect((credentials as unknown as Record<string, unknown>).password).toBeUndefined();
    expect(structuredClone(credentials)).toEqual({ mechanism: 'scram-sha-512', username: 'svc' });
    expect(everyView(credentials)).not.toContain(PLANTED);
  });

  it('gives kafkajs the password through a non-enumerable getter', () => {
    const sasl = kafkajsSasl(credentials) as { mechanism: string; username: string; password: string };
    expect(sasl.password).toBe(PLANTED);
    expect(sasl.mechanism).toBe('scram-sha-512');
    expect(sasl.username).toBe('svc');
    expect(Object.keys(sasl)).toEqual(['mechanism', 'username']);
    expect(JSON.stringify(sasl)).toBe('{"mechanism":"scram-sha-512","username":"svc"}');
    expect(inspect(sasl, { showHidden: true })).toBe("{ mechanism: 'scram-sha-512', username: 'svc', [password]: [Getter] }");
  });
});

describe('the SASL password from options or AGENTMETER_KAFKA_SASL_PASSWORD', () => {
  let lines: string[];
  beforeEach(() => {
    resetStore();
    lines = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    diag.setLogger({ error: capture, warn: capture, info: capture, debug: capture, verbose: capture }, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  });
  afterEach(() => {
    diag.disable();
    vi.unstubAllEnvs();
  });

  it('is in neither the resolved exporter options nor the publisher options', () => {
    const env = { AGENTMETER_KAFKA_SASL_MECHANISM: 'scram-sha-256', AGENTMETER_KAFKA_SASL_USERNAME: 'svc', AGENTMETER_KAFKA_SASL_PASSWORD: PLANTED };
    const exporterOptions = resolveKafkaOptions({}, env);
    expect(JSON.stringify(exporterOptions.sasl)).toBe('{"mechanism":"scram-sha-256","username":"svc","password":"[redacted]"}');
    expect(everyView(exporterOptions)).not.toContain(PLANTED);
    const publisherOptions = resolvePublisherOptions({ saslMechanism: 'plain', saslUsername: 'svc', saslPassword: PLANTED }, {});
    expect(publisherOptions.kafka.sasl?.toJSON()).toEqual({ mechanism: 'plain', username: 'svc', password: '[redacted]' });
    expect(everyView(publisherOptions)).not.toContain(PLANTED);
  });

  it('never shows in the exporter, its errors or what it logs while the broker cannot be reached', async () => {
    vi.stubEnv('AGENTMETER_KAFKA_SASL_MECHANISM', 'scram-sha-512');
    vi.stubEnv('AGENTMETER_KAFKA_SASL_USERNAME', 'svc');
    vi.stubEnv('AGENTMETER_KAFKA_SASL_PASSWORD', PLANTED);
    const exporter = new KafkaMetricExporter({ brokers: [`127.0.0.1:${await freePort()}`], requestTimeoutMillis: 500, initialRetryDelayMillis: 1, maxRetryDelayMillis: 5 });
    expect(inspect(exporter)).toMatch(/^KafkaMetricExporter \{\n {2}options: \{[^]*sasl: KafkaSaslCredentials \{[^]*password: '\[redacted\]'[^]*queuedMessages: 0\n\}$/);
    expect(JSON.parse(JSON.stringify(exporter))).toMatchObject({ options: { sasl: { mechanism: 'scram-sha-512', username: 'svc', password: '[redacted]' } }, queuedMessages: 0 });
    recordToolCall({ tool: 'search', seconds: 0.1 });
    const { resourceMetrics } = await createMetricProducer().collect();
    await new Promise((resolve) => exporter.export(resourceMetrics, resolve));
    // Connection attempts fail and are retried: kafkajs built its connections (and logged) by now.
    await vi.waitFor(() => expect(valueOf('agentmeter.exporter.kafka.failures', { 'error.type': 'KafkaJSNumberOfRetriesExceeded' }) ?? 0).toBeGreaterThan(1), { timeout: 5000 });
    expect(everyView(exporter)).not.toContain(PLANTED);
    await exporter.shutdown(100);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(PLANTED);
    expect(everyView(exporter)).not.toContain(PLANTED);
  });

  it('never shows in the routing-event publisher, its rejections or what it logs', async () => {
    const publisher = new RoutingEventPublisher({ brokers: [`127.0.0.1:${await freePort()}`], saslMechanism: 'scram-sha-512', saslUsername: 'svc', saslPassword: PLANTED, requestTimeoutMillis: 500 });
    expect(inspect(publisher, { depth: 3 })).toContain("sasl: KafkaSaslCredentials { mechanism: 'scram-sha-512', username: 'svc', password: '[redacted]' }");
    expect(JSON.parse(JSON.stringify(publisher))).toMatchObject({ options: { kafka: { sasl: { password: '[redacted]' } } }, queuedEvents: 0 });
    const error = (await publisher.publish({ query: 'refund my order', durationMs: 1, cacheHit: false, candidates: 1 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^AGM_ERR_EXPORT: Kafka did not acknowledge the routing event/);
    expect(`${error.message}\n${error.stack}\n${inspect(error, { depth: Infinity, showHidden: true })}`).not.toContain(PLANTED);
    publisher.record({ query: 'queued text', durationMs: 1, cacheHit: false, candidates: 1 });
    const views = everyView(publisher);
    expect(views).not.toContain(PLANTED);
    await publisher.shutdown(100);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(PLANTED);
  });
});
