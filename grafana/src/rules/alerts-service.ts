/** Alerts on the service around the agent: publishing, database, health, HTTP, LLM calls. */
import { counter, gauge, histogram, instrumentationHistogram, L } from '../promql/names';
import { match, promql, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import type { RecordingRules } from './recording';
import { counterInput, gaugeInput } from './promtool-series';
import { FAULT_BURST, INSTANCE, JOB, RATIO_WINDOW as ratioWindow, pct, type AlertSpec } from './alert-spec';

export function serviceAlerts(config: MixinConfig, R: RecordingRules): AlertSpec[] {
  const t = config.thresholds;
  const min = t.minEventsPerSecond;
  const llm = histogram('llmDuration');
  const http = instrumentationHistogram('httpServerDuration');
  const publishLabels = { job: JOB, [L.messagingSystem]: 'kafka', [L.destination]: 'agent-events', [L.messagingOperation]: 'send' };
  const llmLabels = { job: JOB, [L.operation]: 'chat', [L.provider]: 'openai', [L.model]: 'gpt-4o' };
  const poolLabels = { job: JOB, instance: INSTANCE, [L.pool]: 'primary' };
  return [
    {
      name: 'AgentPublishFailureRateHigh',
      severity: 'critical',
      for: '5m',
      expr: promql`${R.publishFailureRatio} > ${t.publishFailureRatio} and on (${L.job}, ${L.destination}) ${R.publishMessages} > ${min}`,
      summary: `Publishing to {{ $labels.${L.destination} }} fails for {{ $value | humanizePercentage }} of messages`,
      description: `{{ $value | humanizePercentage }} of the messages {{ $labels.job }} published to {{ $labels.${L.destination} }} failed ${ratioWindow} (threshold ${pct(t.publishFailureRatio)}).`,
      panel: 'publishFailures',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `More than ${pct(t.publishFailureRatio)} of published messages fail (\`${L.errorType}\` set).`,
        impact: 'Events are lost or delayed for every consumer of the destination (routing events, audit logs).',
        diagnose: [
          'Overview → "Publish failures": the error type (connection, authorisation, message too large).',
          'Check the broker\'s health and the producer\'s configuration (acks, message size).',
        ],
        mitigate: ['Restore the broker or fail over; for size errors raise the limit or split messages.'],
      },
      firing: {
        name: 'one message in six fails',
        series: [
          counterInput(counter('publishMessages'), publishLabels, 50),
          counterInput(counter('publishMessages'), { ...publishLabels, [L.errorType]: 'KafkaJSConnectionError' }, 10),
        ],
        labels: { job: JOB, [L.destination]: 'agent-events' },
        value: '16.67%',
      },
      silent: {
        name: 'one failure in sixty stays quiet',
        series: [
          counterInput(counter('publishMessages'), publishLabels, 59),
          counterInput(counter('publishMessages'), { ...publishLabels, [L.errorType]: 'KafkaJSConnectionError' }, 1),
        ],
      },
    },
    {
      name: 'AgentDbPoolNearExhaustion',
      severity: 'warning',
      for: '5m',
      expr: promql`${R.dbPoolUsage} > ${t.dbPoolUsageRatio}`,
      summary: `DB pool {{ $labels.${L.pool} }} is {{ $value | humanizePercentage }} used`,
      description: `{{ $value | humanizePercentage }} of the connections of pool {{ $labels.${L.pool} }} in {{ $labels.job }} are in use (threshold ${pct(t.dbPoolUsageRatio)}).`,
      panel: 'dbPool',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `More than ${pct(t.dbPoolUsageRatio)} of a connection pool's maximum is in use.`,
        impact: 'Soon every new query waits for a free connection: DB operation latency and request latency jump.',
        diagnose: [
          'Overview → "DB operation p95": slow queries hold connections longer.',
          'Look for a connection leak (used connections that never return to idle) or a traffic spike.',
        ],
        mitigate: ['Fix the slow query or the leak; raise the pool maximum only if the database can take it.'],
      },
      firing: {
        name: 'all ten connections in use',
        series: [
          gaugeInput(gauge('dbConnections'), { ...poolLabels, [L.connectionState]: 'used' }, 10),
          gaugeInput(gauge('dbConnections'), { ...poolLabels, [L.connectionState]: 'idle' }, 0),
          gaugeInput(gauge('dbConnectionsMax'), poolLabels, 10),
        ],
        labels: { job: JOB, [L.pool]: 'primary' },
        value: '100%',
      },
      silent: {
        name: 'three of ten in use stays quiet',
        series: [
          gaugeInput(gauge('dbConnections'), { ...poolLabels, [L.connectionState]: 'used' }, 3),
          gaugeInput(gauge('dbConnections'), { ...poolLabels, [L.connectionState]: 'idle' }, 7),
          gaugeInput(gauge('dbConnectionsMax'), poolLabels, 10),
        ],
      },
    },
    {
      name: 'AgentServiceUnhealthy',
      severity: 'critical',
      for: '2m',
      expr: promql`sum by (${L.job}) (${selector(gauge('health'), match.eq(L.health, 'unhealthy'))}) > 0`,
      summary: '{{ $labels.job }} reports itself unhealthy',
      description: '{{ $value }} instance(s) of {{ $labels.job }} set their health to unhealthy (setHealth).',
      panel: 'health',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: 'At least one instance of the service called `setHealth(\'unhealthy\')`: its own checks failed.',
        impact: 'The service says it cannot do its work; load balancers may already route around it.',
        diagnose: [
          'Overview → "Health state" shows how many instances are in each state.',
          'The application\'s logs say why it declared itself unhealthy (the check that failed).',
        ],
        mitigate: ['Fix the failing dependency; restart the instance if it does not recover by itself.'],
      },
      firing: {
        name: 'one instance unhealthy',
        series: [
          gaugeInput(gauge('health'), { job: JOB, instance: INSTANCE, [L.health]: 'unhealthy' }, 1),
          gaugeInput(gauge('health'), { job: JOB, instance: INSTANCE, [L.health]: 'healthy' }, 0),
        ],
        labels: { job: JOB },
        value: '1',
      },
      silent: {
        name: 'a healthy instance stays quiet',
        series: [
          gaugeInput(gauge('health'), { job: JOB, instance: INSTANCE, [L.health]: 'unhealthy' }, 0),
          gaugeInput(gauge('health'), { job: JOB, instance: INSTANCE, [L.health]: 'healthy' }, 1),
        ],
      },
    },
    {
      name: 'AgentHttp5xxRateHigh',
      severity: 'critical',
      for: '5m',
      expr: promql`${R.http5xxRatio} > ${t.http5xxRatio} and on (${L.job}) ${R.httpRequests} > ${min}`,
      summary: '{{ $labels.job }} answers {{ $value | humanizePercentage }} of HTTP requests with 5xx',
      description: `{{ $value | humanizePercentage }} of the HTTP requests served by {{ $labels.job }} ended with a 5xx status ${ratioWindow} (threshold ${pct(t.http5xxRatio)}).`,
      panel: 'http5xx',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `More than ${pct(t.http5xxRatio)} of the HTTP server's responses are 5xx (from the official http instrumentation).`,
        impact: 'Clients see errors directly.',
        diagnose: [
          'Overview → "HTTP request rate by status": which status (500 bug, 502/503 dependency, 504 timeout).',
          'Correlate with tool, LLM and publish failures: a failing dependency usually surfaces here.',
        ],
        mitigate: ['Roll back a bad deploy; fix or fail over the failing dependency.'],
      },
      firing: {
        name: 'one response in ten is a 502',
        series: [
          counterInput(http.count, { job: JOB, [L.httpMethod]: 'POST', [L.httpStatus]: '200' }, 54),
          counterInput(http.count, { job: JOB, [L.httpMethod]: 'POST', [L.httpStatus]: '502' }, 6),
        ],
        labels: { job: JOB },
        value: '10%',
      },
      silent: {
        name: 'one 503 in sixty-one stays quiet',
        series: [
          counterInput(http.count, { job: JOB, [L.httpMethod]: 'POST', [L.httpStatus]: '200' }, 60),
          counterInput(http.count, { job: JOB, [L.httpMethod]: 'POST', [L.httpStatus]: '503' }, 1),
        ],
      },
    },
    {
      name: 'AgentLlmErrorRateHigh',
      severity: 'warning',
      for: '5m',
      expr: promql`${R.llmErrorRatio} > ${t.llmErrorRatio} and on (${L.job}, ${L.provider}, ${L.model}) ${R.llmCalls} > ${min}`,
      summary: `{{ $value | humanizePercentage }} of {{ $labels.${L.model} }} calls fail`,
      description: `{{ $value | humanizePercentage }} of the {{ $labels.${L.provider} }} {{ $labels.${L.model} }} calls of {{ $labels.job }} failed ${ratioWindow} (threshold ${pct(t.llmErrorRatio)}).`,
      panel: 'llmErrors',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `More than ${pct(t.llmErrorRatio)} of the calls to one model fail.`,
        impact: 'Agent answers fail or fall back to another model; retries add cost.',
        diagnose: [
          'Overview → "LLM errors by type": rate limits (429), timeouts, or provider outages.',
          'Check the provider\'s status page and the account\'s rate limits and quota.',
        ],
        mitigate: ['Back off and retry with jitter, fall back to another model or provider, raise the quota.'],
      },
      firing: {
        name: 'one call in five is rate-limited',
        series: [
          counterInput(llm.count, llmLabels, 40),
          counterInput(llm.count, { ...llmLabels, [L.errorType]: 'rate_limit_exceeded' }, 10),
        ],
        labels: { job: JOB, [L.provider]: 'openai', [L.model]: 'gpt-4o' },
        value: '20%',
      },
      silent: {
        name: 'one failure in a hundred stays quiet',
        series: [
          counterInput(llm.count, llmLabels, 99),
          counterInput(llm.count, { ...llmLabels, [L.errorType]: 'rate_limit_exceeded' }, 1),
        ],
      },
    },
  ];
}
