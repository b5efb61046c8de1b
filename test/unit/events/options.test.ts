import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_TOPIC, resolvePublisherOptions } from '../../../src/events/options';
import { ConfigError } from '../../../src/errors';
import { kafkajsSasl } from '../../../src/exporters/kafka/credentials';
import { thrownBy } from '../helpers';

describe('resolvePublisherOptions', () => {
  it('shares the metric exporter\'s connection settings and has its own topic and queue', () => {
    const o = resolvePublisherOptions({}, { AGENTMETER_KAFKA_BROKERS: 'k1:9092,k2:9092', AGENTMETER_KAFKA_TOPIC: 'otlp_metrics', AGENTMETER_KAFKA_SASL_MECHANISM: 'scram-sha-512', AGENTMETER_KAFKA_SASL_USERNAME: 'u', AGENTMETER_KAFKA_SASL_PASSWORD: 'p' });
    expect(o.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(o.kafka.sasl?.toJSON()).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: '[redacted]' });
    expect((kafkajsSasl(o.kafka.sasl!) as { password: string }).password).toBe('p');
    expect(o.kafka.topic).toBe(DEFAULT_ROUTING_TOPIC);
    expect(DEFAULT_ROUTING_TOPIC).toBe('agent.routing.performance.v1');
    expect(o.kafka.compression).toBe('none');
    expect(o.maxQueuedEvents).toBe(10000);
    expect(o.maxBatchEvents).toBe(500);
  });

  it('takes topic, compression and queue from the environment, options first; not the exporter\'s compression', () => {
    const env = { AGENTMETER_ROUTING_EVENTS_TOPIC: 'routing.events', AGENTMETER_ROUTING_EVENTS_MAX_QUEUE: '50', AGENTMETER_ROUTING_EVENTS_COMPRESSION: 'gzip', AGENTMETER_KAFKA_COMPRESSION: 'none' };
    expect(resolvePublisherOptions({}, env)).toMatchObject({ kafka: { topic: 'routing.events', compression: 'gzip' }, maxQueuedEvents: 50 });
    expect(resolvePublisherOptions({ topic: 'mine', maxQueuedEvents: 7, compression: 'none' }, env)).toMatchObject({ kafka: { topic: 'mine', compression: 'none' }, maxQueuedEvents: 7 });
    expect(resolvePublisherOptions({}, { AGENTMETER_KAFKA_COMPRESSION: 'gzip' }).kafka.compression).toBe('none');
    expect(resolvePublisherOptions({ compression: 'zstd' }, {}).kafka.compression).toBe('zstd');
  });

  it.each([
    [{}, { AGENTMETER_ROUTING_EVENTS_TOPIC: 'bad topic!' }, 'AGM_ERR_CONFIG: AGENTMETER_ROUTING_EVENTS_TOPIC="bad topic!" is not valid; allowed: a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."'],
    [{ topic: '..' }, {}, 'AGM_ERR_CONFIG: topic=".." is not valid; allowed: a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."'],
    [{}, { AGENTMETER_ROUTING_EVENTS_COMPRESSION: 'lz4' }, 'AGM_ERR_CONFIG: AGENTMETER_ROUTING_EVENTS_COMPRESSION="lz4" is not valid; allowed: one of zstd, gzip, none'],
    [{}, { AGENTMETER_ROUTING_EVENTS_MAX_QUEUE: '0' }, 'AGM_ERR_CONFIG: AGENTMETER_ROUTING_EVENTS_MAX_QUEUE="0" is not valid; allowed: an integer from 1 to 10000000'],
    [{ maxQueuedEvents: 1.5 }, {}, 'AGM_ERR_CONFIG: maxQueuedEvents=1.5 is not valid; allowed: an integer from 1 to 10000000'],
    [{}, { AGENTMETER_KAFKA_BROKERS: 'nope' }, 'AGM_ERR_CONFIG: AGENTMETER_KAFKA_BROKERS="nope" is not valid; allowed: comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092'],
  ])('%j %j → ConfigError', (options, env, message) => {
    const error = thrownBy(() => resolvePublisherOptions(options, env));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(message);
  });
});
