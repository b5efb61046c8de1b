// `agentmeter routing log` replaces a Python skill called as `execute_kafka.py --query … --duration-ms
// 45 --cache-hit False --candidates 5 --strategy … --correlation-id …`. Its callers read the JSON
// answer: this file runs that exact call against the real broker and PostgreSQL of test/infra and
// checks the answer field by field (name, JSON type, value) against the skill's documented answers,
// for the Kafka path and the database path, then checks the answer against what was really stored.
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../infra/cli';
import { kafkaService, topicEnd } from '../infra/kafka-helpers';
import { createDatabase, query } from '../infra/postgres-helpers';
import { fixKafkaRequestQueue } from '../../src/exporters/kafka/request-queue-fix';
import { createPool } from '../../src/events/postgres';
import { migrate } from '../../src/events/migrate';

fixKafkaRequestQueue();

/** The JSON type a caller of the skill relies on for each field. */
type Kind = 'boolean' | 'integer' | 'string' | 'iso-date-time' | 'string-or-null';

/** The skill's documented answer when the event went to Kafka. */
const SKILL_KAFKA_ANSWER: ReadonlyArray<readonly [string, Kind]> = [
  ['success', 'boolean'],
  ['correlation_id', 'string'],
  ['query_text', 'string'],
  ['routing_duration_ms', 'integer'],
  ['cache_hit', 'boolean'],
  ['candidates_evaluated', 'integer'],
  ['published_to', 'string'],
  ['topic', 'string'],
];

/** The skill's documented answer when the row went straight into PostgreSQL: the same, plus the row's id and time. */
const SKILL_DB_ANSWER: ReadonlyArray<readonly [string, Kind]> = [
  ...SKILL_KAFKA_ANSWER.map(([field, kind]): readonly [string, Kind] => [field, field === 'topic' ? 'string-or-null' : kind]),
  ['metric_id', 'integer'],
  ['created_at', 'iso-date-time'],
];

function kindOf(value: unknown): Kind | 'other' {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return 'integer';
  if (typeof value === 'string') {
    // An ISO 8601 UTC time as Date#toISOString writes it, and one that reads back to itself.
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && new Date(value).toISOString() === value ? 'iso-date-time' : 'string';
  }
  return 'other';
}

function matches(kind: Kind, value: unknown): boolean {
  const actual = kindOf(value);
  if (kind === 'string-or-null') return value === null || actual === 'string';
  if (kind === 'string') return actual === 'string' || actual === 'iso-date-time';
  return actual === kind;
}

/** Each documented field: present, of its type, with its value. Extra fields are allowed (a superset). */
function expectSkillAnswer(answer: Record<string, unknown>, documented: ReadonlyArray<readonly [string, Kind]>, values: Record<string, unknown>): void {
  expect(documented.map(([field]) => field).sort()).toEqual(Object.keys(values).sort());
  for (const [field, kind] of documented) {
    expect({ field, present: Object.hasOwn(answer, field) }).toEqual({ field, present: true });
    expect({ field, kind, typed: matches(kind, answer[field]) }).toEqual({ field, kind, typed: true });
    expect({ field, value: answer[field] }).toEqual({ field, value: values[field] });
  }
}

type Run = CliRun;

const topic = `routing.skill.${process.pid}.${Date.now()}`;
let env: Record<string, string>;
let databaseUrl: string;

function agentmeter(args: string[]): Promise<Run> {
  return runCli(args, env, 30000);
}

/** The skill's own call, as its Python caller builds it (`str(False)` is `False`). */
function skillCall(correlationId: string, extra: string[] = []): string[] {
  return ['routing', 'log', '--query', 'find me a flight to Lisbon', '--duration-ms', '45', '--cache-hit', 'False', '--candidates', '5', '--strategy', 'semantic', '--correlation-id', correlationId, ...extra];
}

async function answerOf(args: string[]): Promise<Record<string, unknown>> {
  const run = await agentmeter(args);
  expect({ status: run.status, stderr: run.stderr, lines: run.stdout.split('\n').length }).toEqual({ status: 0, stderr: '', lines: 2 });
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  databaseUrl = await createDatabase('routing_skill');
  env = { AGENTMETER_KAFKA_BROKERS: kafkaService().brokers, DATABASE_URL: databaseUrl, AGENTMETER_ROUTING_EVENTS_TOPIC: topic, OTEL_SERVICE_NAME: 'routing-skill-it' };
  const pool = createPool({ connectionString: databaseUrl });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
});

describe("agentmeter routing log answers as the skill's callers read it", () => {
  it('Kafka path: every documented field, typed, with the values sent, and the message on the topic', async () => {
    const correlationId = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
    const answer = await answerOf(skillCall(correlationId));
    expectSkillAnswer(answer, SKILL_KAFKA_ANSWER, {
      success: true,
      correlation_id: correlationId,
      query_text: 'find me a flight to Lisbon',
      routing_duration_ms: 45,
      cache_hit: false,
      candidates_evaluated: 5,
      published_to: 'kafka',
      topic,
    });
    expect(Object.keys(answer)).toEqual([
      'success', 'published_to', 'topic', 'schema_version', 'event_id', 'correlation_id', 'query_text', 'routing_duration_ms',
      'cache_hit', 'candidates_evaluated', 'match_strategy', 'timestamp', 'service_name',
    ]);
    expect(await topicEnd(topic)).toBe(1);
    // What the broker holds is the event the answer describes.
    const consumer = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `skill-check.${topic}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const message = await new Promise<{ key: string; value: Record<string, unknown> }>((resolve) => {
        void consumer.run({ eachMessage: async ({ message: m }) => resolve({ key: m.key!.toString(), value: JSON.parse(m.value!.toString()) as Record<string, unknown> }) });
      });
      const { success: _s, published_to: _p, topic: _t, ...event } = answer;
      expect(message).toEqual({ key: correlationId, value: event });
    } finally {
      await consumer.disconnect();
    }
  });

  it('database path (--sink postgres): the same fields plus metric_id and created_at, as the row holds them', async () => {
    const correlationId = '7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
    const answer = await answerOf(skillCall(correlationId, ['--sink', 'postgres']));
    const [row] = await query<{ id: string; created_at: Date; cache_hit: boolean }>(databaseUrl, 'SELECT id, created_at, cache_hit FROM router_performance_metrics WHERE correlation_id = $1', [correlationId]);
    expect(row!.cache_hit).toBe(false);
    expectSkillAnswer(answer, SKILL_DB_ANSWER, {
      success: true,
      correlation_id: correlationId,
      query_text: 'find me a flight to Lisbon',
      routing_duration_ms: 45,
      cache_hit: false,
      candidates_evaluated: 5,
      published_to: 'postgres',
      // Kafka was not tried, so no topic.
      topic: null,
      metric_id: Number(row!.id),
      created_at: row!.created_at.toISOString(),
    });
    // `id` stays for callers of earlier agentmeter releases; no kafka_error when Kafka was not tried.
    expect(Object.keys(answer)).toEqual([
      'success', 'published_to', 'topic', 'metric_id', 'id', 'created_at', 'schema_version', 'event_id', 'correlation_id', 'query_text',
      'routing_duration_ms', 'cache_hit', 'candidates_evaluated', 'match_strategy', 'timestamp', 'service_name',
    ]);
    expect(answer.id).toBe(answer.metric_id);
  });
});
