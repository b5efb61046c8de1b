/**
 * Pipeline health: is the data itself trustworthy? agentmeter's own series (guard drops,
 * attribute overflow, the Kafka exporter, job records), its side pipelines (routing-event
 * publisher, DB writer, node:cluster primary), data freshness per job, and the Collector as
 * Prometheus sees it when it scrapes the Collector's exporter, with the Collector's own metrics
 * (consumer lag, record age, refused and failed points) on both paths, scale-out included. The side-pipeline counters are
 * served at 0 from start() (src/store/known-series.ts), so these panels read 0, not "No data",
 * in a process that has none of them yet.
 */
import { COLLECTOR_LABELS, COLLECTOR_SERIES, counter, gauge, histogram, L, PROMETHEUS_SERIES } from '../promql/names';
import { match, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import type { RecordingRules } from '../rules/recording';
import { datasourceVariable, type DashboardSpec, type PanelSpec } from './common';
import { PIPELINE_UID } from './overview';

const RI = '$__rate_interval';
const J = match.re(L.job, '$job');
const COLLECTOR = match.eq(L.job, '$collector_job');

export function pipelineDashboard(config: MixinConfig, R: RecordingRules): DashboardSpec {
  const rate = (series: string, ...m: string[]): string => `rate(${selector(series, ...m)}[${RI}])`;
  const sumBy = (labels: string[], inner: string): string => `sum by (${labels.join(', ')}) (${inner})`;
  const send = histogram('kafkaSendDuration');
  const freshness: PanelSpec[] = [
    {
      key: 'dataAge', title: 'Data age per job', kind: 'timeseries', width: 12, unit: 's',
      steps: [[null, 'green'], [config.thresholds.dataAgeSeconds, 'red']],
      description: `Seconds since the newest collection of each job that Prometheus holds (${R.dataAge.name}: time() minus start time plus uptime). Normal: about one export or scrape interval. Bad: above ${config.thresholds.dataAgeSeconds} s (dashed line; alert AgentmeterPipelineStalled): the Kafka or Collector path has stalled.`,
      queries: [{ expr: R.dataAge.select(J), legend: '{{job}}' }],
    },
    {
      key: 'scrapeUp', title: 'Scrape targets up', kind: 'timeseries', width: 12, unit: 'short', min: 0,
      description: 'Scrape targets up per job: the app endpoints on the direct path and the Collector ($collector_job) on the Kafka path. Bad: 0 (alert AgentmeterScrapeTargetDown), no data reaches Prometheus at all.',
      queries: [{ expr: sumBy([L.job], selector(PROMETHEUS_SERIES.up, match.re(L.job, '$job|$collector_job'))), legend: '{{job}}' }],
    },
  ];
  const self: PanelSpec[] = [
    {
      key: 'droppedSamples', title: 'Dropped samples by reason', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Samples the guard dropped or normalised per second, by reason (agentmeter.dropped). Bad: any sustained rate: the application passes NaN, negative or missing values (alert AgentmeterSamplesDropped).',
      queries: [{ expr: sumBy([L.job, L.dropReason], rate(counter('dropped'), J)), legend: `{{job}} {{${L.dropReason}}}` }],
    },
    {
      key: 'attributeOverflow', title: 'Attribute overflow by key', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Samples per second whose attribute value became "_other" because the key reached its cap of distinct values in that metric, by metric and key. Bad: any rate (alert AgentmeterAttributeOverflow): usually ids or user input passed as names.',
      queries: [{ expr: sumBy([L.job, L.overflowMetric, L.overflowKey], rate(counter('attributeOverflow'), J)), legend: `{{job}} {{${L.overflowMetric}}} {{${L.overflowKey}}}` }],
    },
    {
      key: 'jobWriteErrors', title: 'Job write errors by type', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'metrics.jsonl lines per second that runJob could not write, by error type. Bad: any rate (alert AgentmeterJobWriteErrors); ENOSPC is a full disk.',
      queries: [{ expr: sumBy([L.job, L.errorType], rate(counter('jobWriteErrors'), J)), legend: `{{job}} {{${L.errorType}}}` }],
    },
  ];
  const sidePipelines: PanelSpec[] = [
    {
      key: 'eventsPublished', title: 'Routing events published per second', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Routing events the broker acknowledged per second (agentmeter.events.published), and those waiting to be published, in flight included (agentmeter.events.queued). Normal: published follows the routing rate, queued near 0. Bad: queued growing (alert AgentmeterEventsQueueGrowing): the publisher does not keep up or the broker is away.',
      queries: [
        { expr: sumBy([L.job], rate(counter('eventsPublished'), J)), legend: '{{job}} published' },
        { expr: sumBy([L.job], selector(gauge('eventsQueued'), J)), legend: '{{job}} queued' },
      ],
    },
    {
      key: 'eventsDropped', title: 'Routing events dropped by reason', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Routing events the publisher gave up on per second, by reason (queue_full, invalid, rejected, shutdown). Bad: any sustained rate (alert AgentmeterEventsDropping): those decisions never reach the topic nor PostgreSQL.',
      queries: [{ expr: sumBy([L.job, L.eventsDropReason], rate(counter('eventsDropped'), J)), legend: `{{job}} {{${L.eventsDropReason}}}` }],
    },
    {
      key: 'clusterMissedCollections', title: 'Cluster: missed worker answers', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Worker answers per second missing from the node:cluster primary\'s scrapes and summaries (no answer within the timeout, or the worker exited). Normal: 0; a restart misses a few. Bad: a steady rate (alert AgentmeterClusterMissedCollections): a stuck or crash-looping worker whose series are absent from the pages.',
      queries: [{ expr: sumBy([L.job], rate(counter('clusterMissedCollections'), J)), legend: '{{job}}' }],
    },
    {
      key: 'dbWriterRows', title: 'DB writer rows and batches per second', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Routing events the DB writer stored per second, by result (inserted; duplicate = delivered again, already stored), and its INSERT batches per second. Normal: inserted follows the published rate of the producers. Bad: zero while events are published: the writer is stuck (see its lag, alert AgentmeterDbWriterLagGrowing).',
      queries: [
        { expr: sumBy([L.job, L.dbWriterResult], rate(counter('dbWriterRows'), J)), legend: `{{job}} {{${L.dbWriterResult}}}` },
        { expr: sumBy([L.job], rate(counter('dbWriterBatches'), J)), legend: '{{job}} batches' },
      ],
    },
    {
      key: 'dbWriterDeadLetters', title: 'DB writer dead letters by reason', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Messages per second the DB writer sent to the dead-letter topic instead of the table, by reason (invalid_json, invalid_event, rejected_by_database). Bad: any sustained rate (alert AgentmeterDbWriterDeadLetters): a producer writes something else to the topic, or the schema is out of date.',
      queries: [{ expr: sumBy([L.job, L.deadLetterReason], rate(counter('dbWriterDeadLetters'), J)), legend: `{{job}} {{${L.deadLetterReason}}}` }],
    },
  ];
  const kafka: PanelSpec[] = [
    {
      key: 'kafkaMessages', title: 'Kafka exporter messages per second', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'OTLP messages the Kafka exporter published and the broker acknowledged, per second. Normal: a steady line at (messages per export) / export interval. Bad: zero while the app runs.',
      queries: [{ expr: sumBy([L.job], rate(counter('kafkaSentMessages'), J)), legend: '{{job}}' }],
    },
    {
      key: 'kafkaBytes', title: 'Kafka exporter bytes per second', kind: 'timeseries', width: 8, unit: 'Bps',
      description: 'OTLP protobuf bytes acknowledged per second (before compression). Bad: steady growth means the number of series is growing (check attribute overflow).',
      queries: [{ expr: sumBy([L.job], rate(counter('kafkaSentBytes'), J)), legend: '{{job}}' }],
    },
    {
      key: 'kafkaSendDuration', title: 'Kafka send duration p50 / p99', kind: 'timeseries', width: 8, unit: 's',
      description: 'Time from send to broker acknowledgement per message. Bad: p99 approaching the export interval: exports queue up behind each other.',
      queries: [0.5, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, ${sumBy([L.job, L.le], rate(send.bucket, J))})`, legend: `{{job}} p${Math.round(q * 100)}` })),
    },
    {
      key: 'kafkaFailures', title: 'Kafka exporter failures by error type', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Failed publish attempts per second by error type; retriable ones are retried with backoff. Bad: a sustained rate: the broker is unreachable or refusing; drops follow once the queue is full.',
      queries: [{ expr: sumBy([L.job, L.errorType], rate(counter('kafkaFailures'), J)), legend: `{{job}} {{${L.errorType}}}` }],
    },
    {
      key: 'kafkaDrops', title: 'Kafka exporter drops by reason', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Messages the exporter gave up on per second, by reason (queue_full, rejected, too_large, shutdown). Bad: any rate (alert AgentmeterPipelineDropping); with cumulative temporality the next message heals the totals.',
      queries: [{ expr: sumBy([L.job, L.kafkaDropReason], rate(counter('kafkaDropped'), J)), legend: `{{job}} {{${L.kafkaDropReason}}}` }],
    },
  ];
  const collector: PanelSpec[] = [
    {
      key: 'collectorSamples', title: 'Collector: series exposed', kind: 'timeseries', width: 12, unit: 'short',
      description: 'Samples Prometheus scrapes per scrape from each Collector target: the Prometheus exporter (pull path) and the Collector\'s own metrics page. Normal: roughly constant. Bad: falling to zero (nothing arrives from Kafka) or growing without bound (cardinality; series expire after metric_expiration).',
      queries: [{ expr: `sum by (${L.instance}) (${selector(PROMETHEUS_SERIES.scrapeSamples, COLLECTOR)})`, legend: '{{instance}}' }],
    },
    {
      key: 'collectorScrapeDuration', title: 'Collector: scrape duration', kind: 'timeseries', width: 12, unit: 's',
      description: 'How long Prometheus takes to scrape the Collector\'s exporter. Bad: approaching the scrape timeout (the scrape fails and the Collector path goes stale).',
      queries: [{ expr: `max by (${L.instance}) (${selector(PROMETHEUS_SERIES.scrapeDuration, COLLECTOR)})`, legend: '{{instance}}' }],
    },
    {
      key: 'collectorLag', title: 'Collector: consumer lag per partition', kind: 'timeseries', width: 8, unit: 'short', min: 0,
      description: 'Records on each partition that its Collector has not read yet (otelcol_kafka_receiver_offset_lag), by Collector and partition. Normal: near 0, each partition under one Collector. Bad: growing: the Collectors do not keep up (add Collectors and partitions, docs/scaling.md); a partition missing: its Collector died and the group has not reassigned it yet (within the session timeout).',
      queries: [{ expr: `max by (${L.instance}, ${COLLECTOR_LABELS.partition}) (${selector(COLLECTOR_SERIES.offsetLag, COLLECTOR)})`, legend: `{{instance}} partition {{${COLLECTOR_LABELS.partition}}}` }],
    },
    {
      key: 'collectorDelay', title: 'Collector: record age when read p99', kind: 'timeseries', width: 8, unit: 's',
      description: 'How old a record is when the Collector reads it, p99 per Collector (otelcol_kafka_receiver_records_delay): the pipeline\'s own delay before the export interval. Bad: above a few seconds: lag, or a partition that waited for a new owner after a crash.',
      queries: [{ expr: `histogram_quantile(0.99, sum by (${L.le}, ${L.instance}) (${rate(COLLECTOR_SERIES.recordsDelayBucket, COLLECTOR)}))`, legend: '{{instance}} p99' }],
    },
    {
      key: 'collectorPoints', title: 'Collector: points received, refused, failed to send', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Data points per second each Collector took from Kafka, refused, and failed to send to its exporter (on the scale-out path: writes the store refused). Normal: refused and failed at 0. Bad: failed above 0: the store is down or refuses samples (e.g. older than its out-of-order window).',
      queries: [
        { expr: `sum by (${L.instance}) (${rate(COLLECTOR_SERIES.acceptedPoints, COLLECTOR)})`, legend: '{{instance}} received' },
        { expr: `sum by (${L.instance}) (${rate(COLLECTOR_SERIES.refusedPoints, COLLECTOR)})`, legend: '{{instance}} refused' },
        // The failure counter appears with the first failure: 0 until then, for every Collector that sends.
        { expr: `sum by (${L.instance}) (${rate(COLLECTOR_SERIES.sendFailedPoints, COLLECTOR)} or ${rate(COLLECTOR_SERIES.sentPoints, COLLECTOR)} * 0)`, legend: '{{instance}} failed to send' },
      ],
    },
  ];
  return {
    uid: PIPELINE_UID,
    title: 'agentmeter / Pipeline health',
    description: 'Whether the numbers are trustworthy: freshness, agentmeter\'s own drops and overflows, the routing-event publisher, DB writer and cluster primary, the Kafka exporter, and the Collector.',
    variables: [
      datasourceVariable(),
      { name: 'job', label: 'Service (job)', kind: 'query', multi: true, allAsListed: true, query: `label_values(${gauge('buildInfo')}, ${L.job})`, description: 'Prometheus job.' },
      { name: 'collector_job', label: 'Collector scrape job', kind: 'textbox', default: config.collectorJob, description: 'The Prometheus job that scrapes the Collector\'s Prometheus exporter.' },
    ],
    rows: [
      { title: 'Freshness', panels: freshness },
      { title: 'agentmeter', panels: self },
      { title: 'Routing events, DB writer, cluster', panels: sidePipelines },
      { title: 'Kafka exporter', panels: kafka },
      { title: 'Collector', panels: collector },
    ],
  };
}
