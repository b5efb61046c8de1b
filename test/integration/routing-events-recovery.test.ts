// The DB writer under crashes, against the real broker and PostgreSQL: killed with SIGKILL in the
// middle of a stream and started again, and with PostgreSQL killed and restarted under it. Every
// event must end up in the table exactly once: counts and the full set of event ids compared.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { kafkaService } from '../infra/kafka-helpers';
import { createDatabase, postgresService, query } from '../infra/postgres-helpers';
import { killService, restartService } from '../infra/services.mjs';
import { sleep } from '../infra/process.mjs';
import { createRoutingEvent } from '../../src/events/event';
import { RoutingEventPublisher } from '../../src/events/publisher';
import { createPool } from '../../src/events/postgres';
import { migrate } from '../../src/events/migrate';

let databaseUrl: string;
const writers: RunningChild[] = [];

beforeAll(async () => {
  databaseUrl = await createDatabase('routing_recovery');
  const pool = createPool({ connectionString: databaseUrl });
  try {
    expect(await migrate(pool)).toEqual({ applied: ['0001_router_performance_metrics'], alreadyApplied: [] });
  } finally {
    await pool.end();
  }
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.stop()));
});

function env(topic: string): Record<string, string> {
  return { AGENTMETER_KAFKA_BROKERS: kafkaService().brokers, DATABASE_URL: databaseUrl, AGENTMETER_ROUTING_EVENTS_TOPIC: topic };
}

function startWriter(topic: string, batchSize: number): RunningChild {
  const writer = runNode(['dist/cli/main.js', 'routing', 'consume', '--group', `recovery.${topic}`, '--metrics-port', '0', '--batch-size', String(batchSize)], env(topic), 60000);
  writers.push(writer);
  return writer;
}

/** Publishes `n` events to `topic` through the library publisher; resolves with their ids. */
async function publish(topic: string, n: number, publisher = new RoutingEventPublisher({ brokers: [kafkaService().brokers], topic, maxQueuedEvents: 1_000_000 })): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = createRoutingEvent({ query: `${topic} event ${i}`, durationMs: i % 1000, cacheHit: i % 3 === 0, candidates: i % 17, strategy: 'semantic', serviceName: 'recovery' });
    expect(publisher.enqueue(event)).toBe(true);
    ids.push(event.event_id);
  }
  await publisher.flush();
  return ids;
}

async function storedIds(topic: string): Promise<{ count: number; distinct: number; ids: string[] }> {
  const rows = await query<{ event_id: string }>(databaseUrl, 'SELECT event_id::text FROM router_performance_metrics WHERE query_text LIKE $1 ORDER BY event_id', [`${topic} event %`]);
  const ids = rows.map((r) => r.event_id);
  return { count: ids.length, distinct: new Set(ids).size, ids };
}

async function waitForCount(topic: string, n: number, writer: RunningChild, timeoutMillis = 90000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  let count = 0;
  while (Date.now() < deadline) {
    count = (await storedIds(topic).catch(() => ({ count }))).count;
    if (count >= n) return;
    await sleep(250);
  }
  throw new Error(`${count} of ${n} rows after ${timeoutMillis} ms; writer stderr: ${writer.stderr()}; PostgreSQL log: ${postgresService().logPath}`);
}

describe('the DB writer killed with SIGKILL mid-stream', () => {
  it('writes every event exactly once after a restart', { timeout: 180000 }, async () => {
    const topic = `recovery.kill.${process.pid}.${Date.now()}`;
    const sent = await publish(topic, 30000);
    const first = startWriter(topic, 100);
    await first.ready;
    // Kill it while it is writing: some rows in, most not.
    let before = 0;
    const deadline = Date.now() + 60000;
    while (before === 0 && Date.now() < deadline) {
      before = (await storedIds(topic)).count;
      if (before === 0) await sleep(20);
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // An INSERT already on the server still completes: count once it has.
    await sleep(1000);
    const atKill = (await storedIds(topic)).count;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(sent.length);

    const second = startWriter(topic, 100);
    await second.ready;
    await waitForCount(topic, sent.length, second);
    await sleep(500);
    const stored = await storedIds(topic);
    expect({ count: stored.count, distinct: stored.distinct }).toEqual({ count: sent.length, distinct: sent.length });
    expect(stored.ids).toEqual([...sent].sort());
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const summary = JSON.parse(second.stdout().trim().split('\n').pop()!) as { rows_inserted: number; duplicates: number };
    // The restarted writer stored exactly the rows the first did not; anything it read twice was skipped.
    expect(summary.rows_inserted).toBe(sent.length - atKill);
  });
});

describe('PostgreSQL restarted under the DB writer', () => {
  it('reconnects and catches up without losing or duplicating rows', { timeout: 180000 }, async () => {
    const topic = `recovery.pg.${process.pid}.${Date.now()}`;
    const writer = startWriter(topic, 500);
    const ready = await writer.ready;
    const publisher = new RoutingEventPublisher({ brokers: [kafkaService().brokers], topic, maxQueuedEvents: 1_000_000 });
    const sent: string[] = [];
    // A steady stream: 100 events every 50 ms for about 6 s, PostgreSQL killed 1 s in.
    const producing = (async () => {
      for (let round = 0; round < 120; round++) {
        sent.push(...(await publish(topic, 100, publisher)));
        await sleep(50);
      }
    })();
    await sleep(1000);
    const pg = postgresService();
    await killService(pg.infraDir, 'postgres');
    await sleep(1500);
    await restartService(pg.infraDir, 'postgres');
    await producing;
    await publisher.shutdown();
    await waitForCount(topic, sent.length, writer);
    await sleep(500);
    const stored = await storedIds(topic);
    expect({ count: stored.count, distinct: stored.distinct }).toEqual({ count: sent.length, distinct: sent.length });
    expect(stored.ids).toEqual([...sent].sort());
    // It saw the outage, said so, and kept running.
    expect(writer.child.exitCode).toBeNull();
    expect(writer.stderr()).toMatch(/^agentmeter: warn: DB writer insert failed \(/m);
    const metrics = await (await fetch(ready.metrics_url as string)).text();
    const failures = metrics.split('\n').filter((l) => l.startsWith('agentmeter_db_writer_failures_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(failures).toBeGreaterThan(0);
    writer.child.kill('SIGTERM');
    expect((await writer.exited).code).toBe(0);
  });
});
