// agentmeter's own counters with known label values are on the page at 0 from start(), before any
// increment (Prometheus's "avoid missing metrics"); counters keyed by open values are not.
import { afterEach, describe, expect, it } from 'vitest';
import { start, type AgentmeterHandle } from '../../../src/sdk/start';
import { recordKafkaDropped } from '../../../src/record/exporter';
import { knownSelfSeries } from '../../../src/store/known-series';
import { resetStore, valueOf } from '../helpers';

let handle: AgentmeterHandle | undefined;

afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  resetStore();
});

/** The page's lines of agentmeter's own counter families, without the resource labels every series carries. */
async function selfCounterLines(h: AgentmeterHandle): Promise<string[]> {
  await h.ready();
  const text = await (await fetch(h.prometheusUrl!)).text();
  return text
    .split('\n')
    .filter((l) => /^agentmeter_[a-z_]+(_total)? /.test(l) || /^agentmeter_[a-z_]+(_total)?\{/.test(l))
    .map((l) => l.replace(/,?(otel_scope_name|otel_scope_version|job|instance)="[^"]*"/g, '').replace('{,', '{').replace('{}', ''))
    .filter((l) => !l.startsWith('agentmeter_cluster_workers'))
    .sort();
}

const DROPPED = ['invalid_enum', 'disabled_attribute', 'missing_name', 'name_too_long', 'negative', 'non_finite', 'not_a_number', 'not_a_string', 'sum_overflow', 'unfinished_run', 'unreadable_input'];

describe('series at 0 from start()', () => {
  it('lists the self counters whose every label value is known, and not those keyed by error type or metric name', () => {
    expect(knownSelfSeries().map(({ instrument, values }) => `${instrument.definition.name} ${values.length}`)).toEqual([
      'agentmeter.dropped 11',
      'agentmeter.cluster.missed_collections 1',
      'agentmeter.endpoint.refused 10',
      'agentmeter.exporter.kafka.sent.messages 1',
      'agentmeter.exporter.kafka.sent.bytes 1',
      'agentmeter.exporter.kafka.dropped 4',
      'agentmeter.events.published 1',
      'agentmeter.events.dropped 4',
      'agentmeter.events.queued 1',
      'agentmeter.db_writer.rows 2',
      'agentmeter.db_writer.batches 1',
      'agentmeter.db_writer.dead_letters 3',
    ]);
  });

  it('serves exactly those series at 0 on the first scrape', async () => {
    handle = start({ prometheusPort: 0, instrumentations: [] });
    const expected = [
      ...DROPPED.map((r) => `agentmeter_dropped_total{agentmeter_reason="${r}"} 0`),
      'agentmeter_cluster_missed_collections_total 0',
      ...['prometheus', 'summary'].flatMap((e) =>
        ['busy', 'write_timeout', 'stalled', 'unauthorized', 'misdirected'].map((r) => `agentmeter_endpoint_refused_total{agentmeter_endpoint="${e}",agentmeter_endpoint_refusal_reason="${r}"} 0`)),
      'agentmeter_exporter_kafka_sent_messages_total 0',
      'agentmeter_exporter_kafka_sent_bytes_total 0',
      ...['queue_full', 'rejected', 'too_large', 'shutdown'].map((r) => `agentmeter_exporter_kafka_dropped_total{agentmeter_kafka_drop_reason="${r}"} 0`),
      'agentmeter_events_published_total 0',
      ...['queue_full', 'invalid', 'rejected', 'shutdown'].map((r) => `agentmeter_events_dropped_total{agentmeter_events_drop_reason="${r}"} 0`),
      'agentmeter_events_queued 0',
      'agentmeter_db_writer_rows_total{agentmeter_db_writer_result="inserted"} 0',
      'agentmeter_db_writer_rows_total{agentmeter_db_writer_result="duplicate"} 0',
      'agentmeter_db_writer_batches_total 0',
      ...['invalid_json', 'invalid_event', 'rejected_by_database'].map((r) => `agentmeter_db_writer_dead_letters_total{agentmeter_db_writer_dead_letter_reason="${r}"} 0`),
      // Not a counter: the gauge the stall alert reads, 0 until shutdown() begins.
      'agentmeter_shutdown 0',
    ].sort();
    expect(await selfCounterLines(handle)).toEqual(expected);
  });

  it('keeps a value counted before start() and counts on from 0 after it', async () => {
    recordKafkaDropped('queue_full', 3);
    handle = start({ prometheusPort: 0, instrumentations: [] });
    recordKafkaDropped('rejected', 2);
    const lines = (await selfCounterLines(handle)).filter((l) => l.startsWith('agentmeter_exporter_kafka_dropped_total'));
    expect(lines).toEqual([
      'agentmeter_exporter_kafka_dropped_total{agentmeter_kafka_drop_reason="queue_full"} 3',
      'agentmeter_exporter_kafka_dropped_total{agentmeter_kafka_drop_reason="rejected"} 2',
      'agentmeter_exporter_kafka_dropped_total{agentmeter_kafka_drop_reason="shutdown"} 0',
      'agentmeter_exporter_kafka_dropped_total{agentmeter_kafka_drop_reason="too_large"} 0',
    ]);
  });
});

describe('agentmeter.shutdown', () => {
  it('is 0 from start(), 1 from the moment shutdown() begins (before its final collection), and 0 again after a new start()', async () => {
    handle = start({ prometheusPort: 0, instrumentations: [] });
    await handle.ready();
    expect(valueOf('agentmeter.shutdown')).toBe(0);
    const stopping = handle.shutdown();
    // Set synchronously, before the readers' final collection awaits anything.
    expect(valueOf('agentmeter.shutdown')).toBe(1);
    await stopping;
    handle = start({ prometheusPort: 0, instrumentations: [] });
    expect(valueOf('agentmeter.shutdown')).toBe(0);
  });
});
