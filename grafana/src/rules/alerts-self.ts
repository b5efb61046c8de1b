/**
 * Alerts on agentmeter's own side pipelines: the routing-event publisher, the DB writer and the
 * node:cluster primary (docs/routing-events.md tells users to alert on these series). Pipeline
 * health shows the counters with known label values, which every process serves at 0 from
 * start(); failures by error type and the DB writer's lag exist only where those happen, which
 * no demo does, and every panel is checked to return data: those alerts have no panel.
 */
import { counter, gauge, L } from '../promql/names';
import { promql } from '../promql/expr';
import type { MixinConfig } from '../config';
import { WINDOW } from './recording';
import { counterInput, gaugeInput } from './promtool-series';
import { INSTANCE, JOB, KEEP_FIRING_FOR, type AlertSpec } from './alert-spec';

const EXPLORE = 'Grafana → Explore (or Prometheus) on';

export function selfAlerts(config: MixinConfig): AlertSpec[] {
  const lagLimit = config.thresholds.dbWriterLagMessages;
  const at = { job: JOB, instance: INSTANCE };
  return [
    {
      name: 'AgentmeterEventsDropping',
      severity: 'warning',
      // At least the rate window: one isolated drop keeps rate() above 0 for less than the window.
      for: '5m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.eventsDropReason}) (rate(${counter('eventsDropped')}[${WINDOW}])) > 0`,
      summary: '{{ $labels.job }} drops routing events ({{ $labels.' + L.eventsDropReason + ' }})',
      description: `The routing-event publisher of {{ $labels.job }} gave up on {{ printf "%.2f" $value }} events/s, reason {{ $labels.${L.eventsDropReason} }}.`,
      panel: 'eventsDropped',
      triggers: [],
      runbook: {
        meaning: 'The routing-event publisher dropped events (`agentmeter_events_dropped_total` by reason) for at least 5 minutes.',
        impact: 'Those routing decisions never reach the topic nor PostgreSQL: routing analytics undercount.',
        diagnose: [
          `${EXPLORE} \`agentmeter_events_dropped_total\` by reason: \`queue_full\` = the broker was unreachable longer than the queue lasts; \`invalid\` = the caller built events that fail the schema; \`rejected\` = broker limits or authorisation; \`shutdown\` = the process exited with events queued.`,
          '`agentmeter_events_failures_total` by error type says why sends fail.',
        ],
        mitigate: ['Restore the broker; fix the event producer for `invalid`; drain on shutdown (await the publisher\'s close).'],
      },
      firing: {
        name: 'six queue-full drops a minute',
        series: [counterInput(counter('eventsDropped'), { ...at, [L.eventsDropReason]: 'queue_full' }, 6)],
        labels: { job: JOB, [L.eventsDropReason]: 'queue_full' },
        value: '0.10',
      },
      silent: {
        name: 'an old drop count that no longer grows stays quiet',
        series: [gaugeInput(counter('eventsDropped'), { ...at, [L.eventsDropReason]: 'queue_full' }, 4)],
      },
    },
    {
      name: 'AgentmeterEventsPublishFailing',
      severity: 'warning',
      // Failed attempts are retried with backoff: only a sustained failure rate is news.
      for: '10m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.errorType}) (rate(${counter('eventsFailures')}[${WINDOW}])) > 0`,
      summary: '{{ $labels.job }} fails to publish routing events ({{ $labels.' + L.errorType + ' }})',
      description: `{{ printf "%.2f" $value }} routing-event publish attempts/s of {{ $labels.job }} fail, error {{ $labels.${L.errorType} }}, for at least 10 minutes.`,
      panel: null,
      triggers: [],
      runbook: {
        meaning: 'Publish attempts of routing events fail (`agentmeter_events_failures_total` by error type); retriable ones are retried with backoff.',
        impact: 'Events wait in the queue (`agentmeter_events_queued`) and are dropped once it is full.',
        diagnose: [`${EXPLORE} \`agentmeter_events_failures_total\` by error type, then \`agentmeter_events_queued\`: is the queue filling?`],
        mitigate: ['Restore the broker or fix its authorisation; the publisher resumes on its own.'],
      },
      firing: {
        name: 'six connection errors a minute',
        series: [counterInput(counter('eventsFailures'), { ...at, [L.errorType]: 'KafkaJSConnectionError' }, 6)],
        labels: { job: JOB, [L.errorType]: 'KafkaJSConnectionError' },
        value: '0.10',
      },
      silent: {
        name: 'no new failures stays quiet',
        series: [gaugeInput(counter('eventsFailures'), { ...at, [L.errorType]: 'KafkaJSConnectionError' }, 7)],
      },
    },
    {
      name: 'AgentmeterEventsQueueGrowing',
      severity: 'warning',
      for: '10m',
      expr: promql`sum by (${L.job}) (delta(${gauge('eventsQueued')}[10m])) > 0`,
      summary: 'The routing-event queue of {{ $labels.job }} keeps growing',
      description: 'The routing events waiting in {{ $labels.job }} grew by {{ printf "%.2f" $value }} over the last 10 minutes, and have grown for at least 10 minutes: the publisher does not keep up.',
      panel: 'eventsPublished',
      triggers: [],
      runbook: {
        meaning: '`agentmeter_events_queued` (events waiting, including those in flight) has risen over every 10-minute window for 10 minutes.',
        impact: 'Events arrive late; once the queue is full they are dropped (AgentmeterEventsDropping).',
        diagnose: [`${EXPLORE} \`agentmeter_events_queued\` and \`agentmeter_events_failures_total\`: failing sends, or a broker too slow for the event rate?`],
        mitigate: ['Restore the broker; raise the publisher\'s queue for longer outages.'],
      },
      firing: {
        name: 'five more events queued every minute',
        series: [counterInput(gauge('eventsQueued'), at, 5)],
        labels: { job: JOB },
        value: '50.00',
      },
      silent: {
        name: 'a steady queue stays quiet',
        series: [gaugeInput(gauge('eventsQueued'), at, 3)],
      },
    },
    {
      name: 'AgentmeterDbWriterLagHigh',
      severity: 'warning',
      for: '10m',
      expr: promql`sum by (${L.job}) (${gauge('dbWriterLag')}) > ${lagLimit}`,
      summary: 'The DB writer {{ $labels.job }} trails its topic by {{ printf "%.2f" $value }} messages',
      description: `The DB writer {{ $labels.job }} has {{ printf "%.2f" $value }} messages on its partitions not yet written (threshold ${lagLimit}), for at least 10 minutes.`,
      panel: null,
      triggers: [],
      runbook: {
        meaning: `\`agentmeter_db_writer_lag\` (messages on the topic not yet written, summed over the partitions the writer holds) stays above ${lagLimit}.`,
        impact: 'Routing events reach PostgreSQL late; queries on the table miss the newest decisions.',
        diagnose: [
          `${EXPLORE} \`agentmeter_db_writer_failures_total\` (failing inserts are retried and hold the lag) and \`agentmeter_db_writer_insert_duration_seconds\` (a slow database).`,
          'AgentmeterDbWriterLagGrowing firing too means the writer falls further behind rather than catching up.',
        ],
        mitigate: ['Fix the database (connections, locks, disk); run more writers in the consumer group, up to the partition count.'],
      },
      firing: {
        name: `lag of twice the threshold`,
        series: [gaugeInput(gauge('dbWriterLag'), at, lagLimit * 2)],
        labels: { job: JOB },
        value: `${lagLimit * 2}.00`,
      },
      silent: {
        name: 'a lag under the threshold stays quiet',
        series: [gaugeInput(gauge('dbWriterLag'), at, lagLimit / 2)],
      },
    },
    {
      name: 'AgentmeterDbWriterLagGrowing',
      severity: 'warning',
      for: '15m',
      expr: promql`sum by (${L.job}) (delta(${gauge('dbWriterLag')}[15m])) > 0`,
      summary: 'The DB writer {{ $labels.job }} falls further behind its topic',
      description: 'The lag of the DB writer {{ $labels.job }} grew by {{ printf "%.2f" $value }} messages over the last 15 minutes, and has grown for at least 15 minutes.',
      panel: null,
      triggers: [],
      runbook: {
        meaning: '`agentmeter_db_writer_lag` rose over every 15-minute window for 15 minutes: events arrive faster than the writer stores them, or it stores none.',
        impact: 'The table falls further behind every minute; the topic\'s retention may delete events before they are written.',
        diagnose: [`${EXPLORE} \`agentmeter_db_writer_rows_total\` (is it writing at all?) and \`agentmeter_db_writer_failures_total\`.`],
        mitigate: ['Fix the database; add writers to the consumer group, up to the partition count.'],
      },
      firing: {
        name: 'lag growing by 100 messages a minute',
        series: [counterInput(gauge('dbWriterLag'), at, 100)],
        labels: { job: JOB },
        value: '1500.00',
      },
      silent: {
        name: 'a steady lag stays quiet',
        series: [gaugeInput(gauge('dbWriterLag'), at, 40)],
      },
    },
    {
      name: 'AgentmeterDbWriterDeadLetters',
      severity: 'warning',
      for: '5m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.deadLetterReason}) (rate(${counter('dbWriterDeadLetters')}[${WINDOW}])) > 0`,
      summary: 'The DB writer {{ $labels.job }} dead-letters messages ({{ $labels.' + L.deadLetterReason + ' }})',
      description: `{{ printf "%.2f" $value }} messages/s of the DB writer {{ $labels.job }} go to the dead-letter topic instead of the table, reason {{ $labels.${L.deadLetterReason} }}.`,
      panel: 'dbWriterDeadLetters',
      triggers: [],
      runbook: {
        meaning: 'The DB writer sends messages to the dead-letter topic (`agentmeter_db_writer_dead_letters_total` by reason), for at least 5 minutes.',
        impact: 'Those events are not in PostgreSQL; they wait on the dead-letter topic.',
        diagnose: [`${EXPLORE} \`agentmeter_db_writer_dead_letters_total\` by reason: \`invalid_json\`/\`invalid_event\` = a producer writes something else to the topic; \`rejected_by_database\` = a constraint or a schema out of date (run the migrations).`],
        mitigate: ['Fix the producer or run the migrations, then replay the dead-letter topic.'],
      },
      firing: {
        name: 'six invalid events a minute',
        series: [counterInput(counter('dbWriterDeadLetters'), { ...at, [L.deadLetterReason]: 'invalid_event' }, 6)],
        labels: { job: JOB, [L.deadLetterReason]: 'invalid_event' },
        value: '0.10',
      },
      silent: {
        name: 'no new dead letters stays quiet',
        series: [gaugeInput(counter('dbWriterDeadLetters'), { ...at, [L.deadLetterReason]: 'invalid_event' }, 2)],
      },
    },
    {
      name: 'AgentmeterDbWriterFailing',
      severity: 'warning',
      // Failed inserts and commits are retried with backoff: only a sustained rate is news.
      for: '10m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.errorType}) (rate(${counter('dbWriterFailures')}[${WINDOW}])) > 0`,
      summary: 'The DB writer {{ $labels.job }} fails to write ({{ $labels.' + L.errorType + ' }})',
      description: `{{ printf "%.2f" $value }} insert or commit attempts/s of the DB writer {{ $labels.job }} fail, error {{ $labels.${L.errorType} }}, for at least 10 minutes.`,
      panel: null,
      triggers: [],
      runbook: {
        meaning: 'Insert or commit attempts of the DB writer fail (`agentmeter_db_writer_failures_total` by error type); they are retried with backoff.',
        impact: 'Nothing is written while it fails; the lag grows (AgentmeterDbWriterLagGrowing).',
        diagnose: [`${EXPLORE} \`agentmeter_db_writer_failures_total\` by error type; the writer logs the database error.`],
        mitigate: ['Restore the database or its credentials; the writer resumes from its committed offsets.'],
      },
      firing: {
        name: 'six connection errors a minute',
        series: [counterInput(counter('dbWriterFailures'), { ...at, [L.errorType]: 'ECONNREFUSED' }, 6)],
        labels: { job: JOB, [L.errorType]: 'ECONNREFUSED' },
        value: '0.10',
      },
      silent: {
        name: 'no new failures stays quiet',
        series: [gaugeInput(counter('dbWriterFailures'), { ...at, [L.errorType]: 'ECONNREFUSED' }, 3)],
      },
    },
    {
      name: 'AgentmeterClusterMissedCollections',
      severity: 'warning',
      for: '10m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}) (rate(${counter('clusterMissedCollections')}[${WINDOW}])) > 0`,
      summary: 'The cluster primary of {{ $labels.job }} misses worker answers',
      description: 'The node:cluster primary of {{ $labels.job }} misses {{ printf "%.2f" $value }} worker answers/s at its scrapes, for at least 10 minutes: those workers\' series are absent from the pages.',
      panel: 'clusterMissedCollections',
      triggers: [],
      runbook: {
        meaning: 'Workers did not answer the primary\'s collection within the timeout, or exited meanwhile (`agentmeter_cluster_missed_collections_total`). One restart misses a few; a steady rate is a stuck or overloaded worker.',
        impact: 'The missing workers\' series are absent from those scrapes: rates dip and counters look reset.',
        diagnose: [`${EXPLORE} \`agentmeter_cluster_missed_collections_total\` and \`agentmeter_cluster_workers\`: are workers restarting, or is one blocked (event-loop lag)?`],
        mitigate: ['Fix the blocked or crash-looping worker; raise the collection timeout for workers that are slow to serialise.'],
      },
      firing: {
        name: 'six missed answers a minute',
        series: [counterInput(counter('clusterMissedCollections'), at, 6)],
        labels: { job: JOB },
        value: '0.10',
      },
      silent: {
        name: 'no new misses stays quiet',
        series: [gaugeInput(counter('clusterMissedCollections'), at, 5)],
      },
    },
  ];
}
