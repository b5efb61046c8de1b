import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../helpers';
import { resolveKafkaOptions } from '../../../../src/exporters/kafka/options';
import { kafkajsSasl } from '../../../../src/exporters/kafka/credentials';
import { ConfigError } from '../../../../src/errors';

describe('resolveKafkaOptions', () => {
  it('has safe defaults', () => {
    expect(resolveKafkaOptions({}, {})).toEqual({
      brokers: ['localhost:9092'],
      topic: 'otlp_metrics',
      clientId: 'agentmeter',
      acks: -1,
      compression: 'zstd',
      sasl: undefined,
      tls: undefined,
      requestTimeoutMillis: 10000,
      maxMessageBytes: 900000,
      maxQueuedExports: 10,
      temporality: 'cumulative',
      initialRetryDelayMillis: 100,
      maxRetryDelayMillis: 5000,
    });
  });

  it('reads AGENTMETER_KAFKA_* and falls back to KAFKA_BROKERS', () => {
    expect(resolveKafkaOptions({}, { KAFKA_BROKERS: 'k1:9092, [::1]:9093' }).brokers).toEqual(['k1:9092', '[::1]:9093']);
    const o = resolveKafkaOptions(
      {},
      {
        AGENTMETER_KAFKA_BROKERS: 'a:1',
        KAFKA_BROKERS: 'ignored:2',
        AGENTMETER_KAFKA_TOPIC: 'team.metrics-v2',
        AGENTMETER_KAFKA_ACKS: '1',
        AGENTMETER_KAFKA_COMPRESSION: 'none',
        AGENTMETER_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        AGENTMETER_KAFKA_SASL_USERNAME: 'svc',
        AGENTMETER_KAFKA_SASL_PASSWORD: 's3cret',
        AGENTMETER_KAFKA_TLS: 'true',
        AGENTMETER_KAFKA_TEMPORALITY: 'delta',
      },
    );
    expect(o).toMatchObject({
      brokers: ['a:1'],
      topic: 'team.metrics-v2',
      acks: 1,
      compression: 'none',
      sasl: { mechanism: 'scram-sha-512', username: 'svc' },
      tls: {},
      temporality: 'delta',
    });
    // The password goes to kafkajs only; the resolved options show it redacted.
    expect((kafkajsSasl(o.sasl!) as { password: string }).password).toBe('s3cret');
    expect(JSON.stringify(o.sasl)).toBe('{"mechanism":"scram-sha-512","username":"svc","password":"[redacted]"}');
  });

  it.each([
    [{ AGENTMETER_KAFKA_BROKERS: 'localhost' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_BROKERS="localhost" is not valid; allowed: comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092'],
    [{ KAFKA_BROKERS: 'a:1,b:99999' }, 'AGM_ERR_CONFIG: KAFKA_BROKERS="a:1,b:99999" is not valid; allowed: comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092'],
    [{ AGENTMETER_KAFKA_BROKERS: ' , ' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_BROKERS="," is not valid; allowed: comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092'],
    [{ AGENTMETER_KAFKA_SASL_MECHANISM: 'gssapi' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_SASL_MECHANISM="gssapi" is not valid; allowed: one of plain, scram-sha-256, scram-sha-512'],
    [{ AGENTMETER_KAFKA_SASL_MECHANISM: 'plain', AGENTMETER_KAFKA_SASL_USERNAME: 'u' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_SASL_PASSWORD="" is not valid; allowed: a password when AGENTMETER_KAFKA_SASL_MECHANISM is set'],
    [{ AGENTMETER_KAFKA_TOPIC: 'metrics/prod' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_TOPIC="metrics/prod" is not valid; allowed: a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."'],
    [{ AGENTMETER_KAFKA_TOPIC: '..' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_TOPIC=".." is not valid; allowed: a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."'],
    [{ AGENTMETER_KAFKA_ACKS: 'most' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_ACKS="most" is not valid; allowed: one of all, 1, 0'],
    [{ AGENTMETER_KAFKA_COMPRESSION: 'lz4' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_COMPRESSION="lz4" is not valid; allowed: one of zstd, gzip, none'],
    [{ AGENTMETER_KAFKA_MAX_MESSAGE_BYTES: '10' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_MAX_MESSAGE_BYTES="10" is not valid; allowed: an integer from 1024 to 104857600'],
    [{ AGENTMETER_KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_TLS_CA_FILE="/nonexistent/ca.pem" is not valid; allowed: a readable PEM file'],
  ])('rejects %j', (env, message) => {
    const error = thrownBy(() => resolveKafkaOptions({}, env));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
  });

  it('never puts the SASL password in an error', () => {
    expect(() => resolveKafkaOptions({}, { AGENTMETER_KAFKA_SASL_MECHANISM: 'plain', AGENTMETER_KAFKA_SASL_PASSWORD: 'hunter2' })).toThrow(
      'AGM_ERR_CONFIG: AGENTMETER_KAFKA_SASL_USERNAME="" is not valid; allowed: a user name when AGENTMETER_KAFKA_SASL_MECHANISM is set',
    );
  });
});
