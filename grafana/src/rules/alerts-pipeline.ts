/** Alerts on the metrics themselves: freshness, scrape targets, drops, overflow, job records. */
import { COLLECTOR_SERIES, counter, gauge, L, PROMETHEUS_SERIES } from '../promql/names';
import { match, promql, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import { WINDOW } from './recording';
import { counterInput, frozenGaugeInput, gaugeInput, TEST_MINUTES } from './promtool-series';
import { FAULT_BURST, INSTANCE, JOB, KEEP_FIRING_FOR, type AlertSpec } from './alert-spec';

export function pipelineAlerts(config: MixinConfig): AlertSpec[] {
  const t = config.thresholds;
  return [
    {
      name: 'AgentmeterPipelineStalled',
      // Not critical: a process killed or scaled in without its shutdown() (SIGKILL, OOM, a
      // crash) still looks like a stall on the Collector path, which serves its last values for
      // metric_expiration (60 m). A deliberate stop does not: shutdown() sets agentmeter_shutdown
      // to 1 before its final collection, and those instances are left out.
      severity: 'warning',
      for: '5m',
      // Computed here rather than read from the recording rule: a recorded time() is one
      // evaluation old by the time another group reads it. Per instance before the max, so one
      // instance stopped on purpose beside a stalled one still fires.
      expr: promql`time() - max by (${L.job}) ((${gauge('startTime')} + ${gauge('uptime')}) unless on (${L.job}, ${L.instance}) (${gauge('shutdown')} == 1)) > ${t.dataAgeSeconds}`,
      summary: 'No fresh metrics from {{ $labels.job }} for {{ $value | humanizeDuration }}',
      description: `The newest data Prometheus holds for {{ $labels.job }} was collected {{ $value | humanizeDuration }} ago (threshold ${t.dataAgeSeconds} s), and none of its instances said it was shutting down: the export path (Kafka, Collector) has stalled, or the processes died.`,
      panel: 'dataAge',
      triggers: [{ by: 'process-killed', paths: ['collector'] }],
      runbook: {
        meaning: `No instance of the job that is not shutting down has delivered a collection for more than ${t.dataAgeSeconds} s, while Prometheus still holds its series (the Collector keeps serving the last values). Computed as \`time() - max(agent_service_start_time_seconds + agent_service_uptime_seconds)\` over the instances whose \`agentmeter_shutdown\` is not 1: agentmeter's shutdown() (SIGTERM, SIGINT, beforeExit, or called by the app) sets it to 1 before its final collection, so a deliberate stop or scale-in stays silent. Severity warning, not critical: a process that died without shutdown() (SIGKILL, OOM, crash) looks the same as a stalled path until the Collector's metric_expiration (60 m) drops its series.`,
        impact: 'Dashboards show stale numbers and every other alert for this job is blind.',
        diagnose: [
          'Pipeline health → "Kafka exporter failures" and "drops" on the direct endpoint of an instance: is the app failing to publish?',
          'Is the broker up? Is the Collector consuming (its log, consumer-group lag on topic otlp_metrics)?',
          'Pipeline health → "Collector scrape": is Prometheus still scraping the Collector?',
          'Were the processes killed without a shutdown (SIGKILL, OOM killer, crash)? Their last series linger until the Collector\'s metric_expiration (60 m): silence the alert for that hour, or lower metric_expiration.',
        ],
        mitigate: ['Restore the broker or the Collector; the exporter retries and, with cumulative temporality, the totals heal once data flows.'],
      },
      firing: {
        name: 'uptime frozen since minute 2',
        series: [
          gaugeInput(gauge('startTime'), { job: JOB, instance: INSTANCE }, 0),
          frozenGaugeInput(gauge('uptime'), { job: JOB, instance: INSTANCE }, 60, 2),
          // Killed, not shut down: the last collection said 0.
          gaugeInput(gauge('shutdown'), { job: JOB, instance: INSTANCE }, 0),
        ],
        labels: { job: JOB },
        value: '23m 0s',
      },
      silent: {
        name: 'uptime advancing stays quiet',
        series: [
          gaugeInput(gauge('startTime'), { job: JOB, instance: INSTANCE }, 0),
          counterInput(gauge('uptime'), { job: JOB, instance: INSTANCE }, 60),
        ],
      },
      alsoSilent: [
        {
          name: 'uptime frozen since minute 2 after a deliberate shutdown stays quiet',
          series: [
            gaugeInput(gauge('startTime'), { job: JOB, instance: INSTANCE }, 0),
            frozenGaugeInput(gauge('uptime'), { job: JOB, instance: INSTANCE }, 60, 2),
            // The final collection, at minute 2, carried shutdown 1; the Collector serves it on.
            { series: `${gauge('shutdown')}{job="${JOB}", instance="${INSTANCE}"}`, values: `0+0x1 1+0x${TEST_MINUTES - 2}` },
          ],
        },
      ],
    },
    {
      name: 'AgentmeterScrapeTargetDown',
      severity: 'critical',
      for: '5m',
      expr: promql`(sum by (${L.job}) (${PROMETHEUS_SERIES.up}) == 0) and on (${L.job}) group by (${L.job}) (present_over_time(${gauge('buildInfo')}[1h])) or sum by (${L.job}) (${selector(PROMETHEUS_SERIES.up, match.eq(L.job, config.collectorJob))}) == 0`,
      summary: 'Prometheus cannot scrape {{ $labels.job }}',
      description: `Every scrape target of {{ $labels.job }} is down: either the agentmeter endpoint of a job that reported metrics within the last hour, or the Collector (job ${config.collectorJob}).`,
      panel: 'scrapeUp',
      // Direct path: the app's own target; Kafka path: the Collector's target.
      triggers: [{ by: 'process-killed', paths: ['direct'] }, { by: 'collector-killed', paths: ['collector'] }],
      runbook: {
        meaning: 'All targets of the job fail their scrape (`up == 0`): no scrape progress at all.',
        impact: 'No new data for the job; every other alert for it is blind.',
        diagnose: [
          'Prometheus → Status → Targets shows the scrape error (connection refused, timeout, 404).',
          'Is the process running? Is the Prometheus endpoint bound to an address Prometheus can reach (OTEL_EXPORTER_PROMETHEUS_HOST defaults to 127.0.0.1)?',
        ],
        mitigate: ['Restart the process or the Collector; fix the bind address or the scrape configuration.'],
      },
      firing: {
        name: 'the only target of a job that had agentmeter metrics is down',
        series: [
          gaugeInput(PROMETHEUS_SERIES.up, { job: JOB, instance: INSTANCE }, 0),
          { series: `${gauge('buildInfo')}{job="${JOB}", instance="${INSTANCE}", ${L.serviceVersion}="1.4.2"}`, values: `1+0x5 _x${TEST_MINUTES - 6}` },
        ],
        labels: { job: JOB },
        value: '0',
      },
      silent: {
        name: 'an up target stays quiet',
        series: [
          gaugeInput(PROMETHEUS_SERIES.up, { job: JOB, instance: INSTANCE }, 1),
          gaugeInput(gauge('buildInfo'), { job: JOB, instance: INSTANCE, [L.serviceVersion]: '1.4.2' }, 1),
        ],
      },
    },
    {
      name: 'AgentmeterScrapeTargetVanished',
      severity: 'critical',
      for: '5m',
      // `up` exists only for targets in service discovery: a job whose targets all left it has no
      // `up == 0` to alert on, only series that were there within the hour and are gone now.
      expr: promql`group by (${L.job}) (present_over_time(${PROMETHEUS_SERIES.up}[1h])) unless on (${L.job}) group by (${L.job}) (${PROMETHEUS_SERIES.up})`,
      summary: 'Every scrape target of {{ $labels.job }} left service discovery',
      description: 'Prometheus scraped {{ $labels.job }} within the last hour but has no target for it now: its targets vanished from service discovery (pods gone, file_sd entry or static config removed).',
      panel: 'scrapeUp',
      triggers: [],
      runbook: {
        meaning: 'Series `up` of the job existed within the last hour and none exists now. AgentmeterScrapeTargetDown covers targets that are still discovered but fail (`up == 0`); this covers targets no longer discovered at all.',
        impact: 'No new data for the job; every other alert for it is blind, and its dashboards go silent rather than red.',
        diagnose: [
          'Prometheus → Status → Service discovery: is the job listed, and are its targets dropped by relabelling?',
          'Was the job removed or renamed on purpose? Then this alert fires until the job\'s last `up` is an hour old: silence it for that hour.',
        ],
        mitigate: ['Restore the deployment or the discovery configuration (labels, annotations, file_sd file).'],
      },
      firing: {
        name: 'the only target left discovery at minute 10',
        series: [{ series: `${PROMETHEUS_SERIES.up}{job="${JOB}", instance="${INSTANCE}"}`, values: `1+0x10 _x${TEST_MINUTES - 11}` }],
        labels: { job: JOB },
        value: '1',
      },
      silent: {
        name: 'a target still discovered stays quiet (down or not: AgentmeterScrapeTargetDown covers down)',
        series: [gaugeInput(PROMETHEUS_SERIES.up, { job: JOB, instance: INSTANCE }, 0)],
      },
    },
    {
      name: 'AgentmeterPipelineDropping',
      severity: 'warning',
      // As long as the rate window: one isolated drop keeps rate() above 0 for less than the
      // window (from its first scrape to the window's end), so it never pages; with `for: 1m` it
      // fired for about 4 minutes.
      for: '5m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}) (rate(${counter('kafkaDropped')}[${WINDOW}])) > 0`,
      summary: '{{ $labels.job }} drops metrics messages',
      description: 'The Kafka exporter of {{ $labels.job }} dropped {{ printf "%.2f" $value }} messages/s over the last 5 minutes (queue full, rejected, too large or at shutdown).',
      panel: 'kafkaDrops',
      triggers: [{ by: 'broker-killed', paths: ['direct'] }],
      runbook: {
        meaning: 'The Kafka metric exporter gave up on messages (`agentmeter_exporter_kafka_dropped_total` by reason) in every 5-minute window for 5 minutes; one isolated drop does not page.',
        impact: 'With cumulative temporality (the default) the next message heals the totals; with delta temporality the data is lost.',
        diagnose: [
          'Watch this on the direct endpoint (scrape the app too, or read its /metrics): the drops happen while the Kafka path is down, and when the counter later reaches Prometheus through the Collector as a new series, rate() does not count its first value as an increase.',
          'Pipeline health → "Kafka exporter drops by reason": `queue_full` = the broker was unreachable longer than the queue lasts; `too_large`/`rejected` = broker limits or authorisation.',
          'Pipeline health → "Kafka exporter failures by error type" says why sends fail.',
        ],
        mitigate: ['Restore the broker; raise AGENTMETER_KAFKA_MAX_QUEUE for longer outages; raise message.max.bytes or lower AGENTMETER_KAFKA_MAX_MESSAGE_BYTES for size errors.'],
      },
      firing: {
        name: 'six drops a minute',
        series: [counterInput(counter('kafkaDropped'), { job: JOB, instance: INSTANCE, [L.kafkaDropReason]: 'queue_full' }, 6)],
        labels: { job: JOB },
        value: '0.10',
      },
      silent: {
        name: 'one isolated drop four minutes ago stays quiet',
        // 0 until minute 20, 1 from minute 21: at the evaluation (minute 25) rate() has been above 0
        // for 4 minutes, under `for`.
        series: [{ series: `${counter('kafkaDropped')}{job="${JOB}", instance="${INSTANCE}", ${L.kafkaDropReason}="queue_full"}`, values: `0x20 1+0x${TEST_MINUTES - 21}` }],
      },
    },
    {
      name: 'AgentmeterAttributeOverflow',
      severity: 'warning',
      for: '10m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.overflowMetric}, ${L.overflowKey}) (rate(${counter('attributeOverflow')}[${WINDOW}])) > 0`,
      summary: 'Attribute {{ $labels.' + L.overflowKey + ' }} of {{ $labels.' + L.overflowMetric + ' }} in {{ $labels.job }} exceeds its cardinality cap',
      description: `{{ printf "%.2f" $value }} samples/s of {{ $labels.${L.overflowMetric} }} in {{ $labels.job }} had their {{ $labels.${L.overflowKey} }} value replaced by "_other" because the key already has its cap of distinct values in that metric (AGENTMETER_ATTRIBUTE_CAP).`,
      panel: 'attributeOverflow',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: 'A bounded-name attribute (tool, cache, agent, action, model, ...) of one metric received more distinct values than the cap; new values are recorded as `_other`. The cap is per metric and key: other metrics keep recording their own values.',
        impact: 'Series for the new values are merged into `_other`: per-name panels and alerts miss them. Usually a bug: an id or user input passed as a name.',
        diagnose: [
          'Pipeline health → "Attribute overflow by key" names the metric and the key.',
          'Look at that label\'s values in Prometheus: names containing ids, timestamps or query text are the bug.',
        ],
        mitigate: ['Pass a bounded name (put ids on spans with withToolSpan); raise AGENTMETER_ATTRIBUTE_CAP only for a genuinely larger set.'],
      },
      firing: {
        name: 'one overflow a second',
        series: [counterInput(counter('attributeOverflow'), { job: JOB, instance: INSTANCE, [L.overflowMetric]: 'agent.action_log.events', [L.overflowKey]: 'agent.action.type' }, 60)],
        labels: { job: JOB, [L.overflowMetric]: 'agent.action_log.events', [L.overflowKey]: 'agent.action.type' },
        value: '1.00',
      },
      silent: {
        name: 'no new overflow stays quiet',
        series: [gaugeInput(counter('attributeOverflow'), { job: JOB, instance: INSTANCE, [L.overflowMetric]: 'agent.action_log.events', [L.overflowKey]: 'agent.action.type' }, 40)],
      },
    },
    {
      name: 'AgentmeterSamplesDropped',
      severity: 'info',
      for: '10m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.dropReason}) (rate(${counter('dropped')}[${WINDOW}])) > 0`,
      summary: '{{ $labels.job }} records invalid samples ({{ $labels.' + L.dropReason + ' }})',
      description: `{{ printf "%.2f" $value }} samples/s recorded by {{ $labels.job }} were dropped or normalised by agentmeter's guard, reason {{ $labels.${L.dropReason} }}.`,
      panel: 'droppedSamples',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: 'The application passes invalid values to the recording helpers (NaN or negative durations, missing names, unknown enum values).',
        impact: 'Those samples are missing from the metrics; counts and latencies are understated.',
        diagnose: ['Pipeline health → "Dropped samples by reason"; agentmeter logs one diag warning per reason with the helper name.'],
        mitigate: ['Fix the call site (e.g. a timer that returns NaN).'],
      },
      firing: {
        name: 'one NaN duration a second',
        series: [counterInput(counter('dropped'), { job: JOB, instance: INSTANCE, [L.dropReason]: 'not_a_number' }, 60)],
        labels: { job: JOB, [L.dropReason]: 'not_a_number' },
        value: '1.00',
      },
      silent: {
        name: 'no new drops stays quiet',
        series: [gaugeInput(counter('dropped'), { job: JOB, instance: INSTANCE, [L.dropReason]: 'not_a_number' }, 2)],
      },
    },
    {
      name: 'AgentmeterJobWriteErrors',
      severity: 'warning',
      for: '5m',
      keepFiringFor: KEEP_FIRING_FOR,
      expr: promql`sum by (${L.job}, ${L.errorType}) (rate(${counter('jobWriteErrors')}[${WINDOW}])) > 0`,
      summary: '{{ $labels.job }} cannot write job records ({{ $labels.' + L.errorType + ' }})',
      description: `{{ printf "%.2f" $value }} metrics.jsonl lines/s of {{ $labels.job }} could not be written, error {{ $labels.${L.errorType} }}.`,
      panel: 'jobWriteErrors',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: 'runJob could not append to a job\'s metrics.jsonl (`agentmeter_job_write_errors_total` by error type).',
        impact: 'Job records (per-job tool and LLM lines) are incomplete; the metrics themselves are unaffected.',
        diagnose: ['The error type says why: ENOSPC (disk full), EACCES (permissions), ENOTDIR/ENOENT (bad path).'],
        mitigate: ['Free disk space, fix permissions or the job directory.'],
      },
      firing: {
        name: 'one failed line a second',
        series: [counterInput(counter('jobWriteErrors'), { job: JOB, instance: INSTANCE, [L.errorType]: 'ENOTDIR' }, 60)],
        labels: { job: JOB, [L.errorType]: 'ENOTDIR' },
        value: '1.00',
      },
      silent: {
        name: 'no new errors stays quiet',
        series: [gaugeInput(counter('jobWriteErrors'), { job: JOB, instance: INSTANCE, [L.errorType]: 'ENOTDIR' }, 5)],
      },
    },
    {
      name: 'AgentmeterCollectorSendFailing',
      severity: 'warning',
      // The counter appears with the first failure and grows while writes keep failing: a
      // sustained condition, so no keep_firing_for. By job like every alert: the panel says which Collector.
      for: '5m',
      expr: promql`sum by (${L.job}) (rate(${selector(COLLECTOR_SERIES.sendFailedPoints)}[${WINDOW}])) > 0`,
      summary: 'Collectors of {{ $labels.job }} fail to send data points',
      description: `The Collectors of job {{ $labels.job }} failed to send {{ printf "%.2f" $value }} data points/s to their exporter for at least 5 minutes.`,
      panel: 'collectorPoints',
      triggers: [],
      runbook: {
        meaning: 'The Collector gave up on data points its exporter could not send (`otelcol_exporter_send_failed_metric_points`). On the scale-out path (docs/scaling.md) these are remote writes the store refused for good (HTTP 4xx other than 429): the records were skipped, so those points are lost.',
        impact: 'Points are missing from the store until the cause is fixed; with cumulative temporality the next accepted point carries the totals again, but rates across the gap are unknown.',
        diagnose: [
          'The Collector\'s log names the status: 401/403 = credentials, 404 = wrong URL or a Prometheus without `--web.enable-remote-write-receiver`, 400 "out of bounds" or "too old" = a backlog older than the store accepts.',
          'Pipeline health → "Collector: points received, refused, failed to send" shows which Collector, since when.',
        ],
        mitigate: ['Fix the store\'s URL or credentials; lengthen its out-of-order window if a backlog was refused as too old; for 429 run the Collector with `--feature-gates=exporter.prometheusremotewritexporter.RetryOn429`.'],
      },
      firing: {
        name: 'a Collector fails a write of 120 points a minute',
        series: [counterInput(COLLECTOR_SERIES.sendFailedPoints, { job: 'otel-collector', instance: '10.0.0.9:8888', exporter: 'prometheus_remote_write' }, 120)],
        labels: { job: 'otel-collector' },
        value: '2.00',
      },
      silent: {
        name: 'failures that stopped stay quiet',
        series: [gaugeInput(COLLECTOR_SERIES.sendFailedPoints, { job: 'otel-collector', instance: '10.0.0.9:8888', exporter: 'prometheus_remote_write' }, 240)],
      },
    },
  ];
}
