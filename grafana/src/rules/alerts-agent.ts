/** Alerts on the agent's own work: tools, action log, caches, routing. */
import { METRICS } from '../../../src/catalog';
import { counter, histogram, L } from '../promql/names';
import { promql } from '../promql/expr';
import type { MixinConfig } from '../config';
import type { RecordingRules } from './recording';
import { counterInput, histogramInput } from './promtool-series';
import { FAULT_BURST, JOB, RATIO_WINDOW as ratioWindow, pct, secs, type AlertSpec } from './alert-spec';

export function agentAlerts(config: MixinConfig, R: RecordingRules): AlertSpec[] {
  const t = config.thresholds;
  const min = t.minEventsPerSecond;
  const tool = histogram('toolDuration');
  const routing = histogram('routingDuration');
  const action = histogram('actionLogDuration');
  const toolLabels = { job: JOB, [L.tool]: 'web_search' };
  const routingLabels = { job: JOB, [L.strategy]: 'semantic', [L.outcome]: 'success' };
  const cacheLabels = { job: JOB, [L.cache]: 'embeddings' };
  const actionLabels = { job: JOB, [L.agent]: 'support' };
  return [
    {
      name: 'AgentToolErrorRateHigh',
      severity: 'critical',
      for: '5m',
      expr: promql`${R.toolErrorRatio} > ${t.toolErrorRatio} and on (${L.job}, ${L.tool}) ${R.toolCalls} > ${min}`,
      summary: `Tool {{ $labels.${L.tool} }} fails {{ $value | humanizePercentage }} of its calls`,
      description: `{{ $value | humanizePercentage }} of the calls to tool {{ $labels.${L.tool} }} in {{ $labels.job }} failed ${ratioWindow} (threshold ${pct(t.toolErrorRatio)}).`,
      panel: 'toolSuccess',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `More than ${pct(t.toolErrorRatio)} of one tool's calls end with an error (\`${L.errorType}\` set) ${ratioWindow}.`,
        impact: 'Agents that depend on the tool give wrong or no answers; retries add load and latency.',
        diagnose: [
          'Overview → "Top error types" names the error; Tool detail (click the tool) shows when it started and whether all instances are affected.',
          'Check the tool\'s dependency (the search API, database or SMTP server behind it) and recent deploys.',
          'Correlate with "Tool latency": timeouts show as both errors and a p99 at the timeout.',
        ],
        mitigate: [
          'Roll back a deploy that coincides with the start; fail over or disable the tool in the agent\'s tool list while its dependency is down.',
          'If one instance is bad (Tool detail, per instance), take it out of rotation.',
        ],
      },
      firing: {
        name: 'one tool fails 20% of its calls',
        series: [
          counterInput(tool.count, toolLabels, 48),
          counterInput(tool.count, { ...toolLabels, [L.errorType]: 'TimeoutError' }, 12),
        ],
        labels: { job: JOB, [L.tool]: 'web_search' },
        value: '20%',
      },
      silent: {
        name: 'a tool failing 5% of its calls stays quiet',
        series: [
          counterInput(tool.count, toolLabels, 57),
          counterInput(tool.count, { ...toolLabels, [L.errorType]: 'TimeoutError' }, 3),
        ],
      },
    },
    {
      name: 'AgentToolLatencyHigh',
      severity: 'warning',
      for: '10m',
      expr: promql`${R.toolP95} > ${t.toolP95Seconds} and on (${L.job}, ${L.tool}) ${R.toolCalls} > ${min}`,
      summary: `Tool {{ $labels.${L.tool} }} p95 latency is {{ $value | humanizeDuration }}`,
      description: `95% of the calls to tool {{ $labels.${L.tool} }} in {{ $labels.job }} took up to {{ $value | humanizeDuration }} ${ratioWindow} (threshold ${secs(t.toolP95Seconds)}).`,
      panel: 'toolLatency',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `The 95th percentile of one tool's call duration is above ${secs(t.toolP95Seconds)} ${ratioWindow}.`,
        impact: 'Agent responses that use the tool are slow; requests pile up (see "Sessions and concurrency").',
        diagnose: [
          'Tool detail → latency heatmap: a second band means a slow dependency or timeouts; a shift of the whole band means general slowness.',
          'Compare p50 and p99: a high p99 with a normal p50 points at a few slow calls (retries, cold caches).',
          'Check the event-loop delay panel: a blocked event loop makes every tool look slow.',
        ],
        mitigate: [
          'Lower the tool\'s timeout or add a cache in front of it; scale the dependency.',
          'If the event loop is blocked, find the synchronous work (CPU profile) and move it off the loop.',
        ],
      },
      firing: {
        name: 'every call takes 2.56-5.12 s',
        series: histogramInput(tool, toolLabels, METRICS.toolDuration.buckets, [[5.12, 60]]),
        labels: { job: JOB, [L.tool]: 'web_search', quantile: '0.95' },
        value: '4.992s',
      },
      silent: {
        name: 'calls of 160-320 ms stay quiet',
        series: histogramInput(tool, toolLabels, METRICS.toolDuration.buckets, [[0.32, 60]]),
      },
    },
    {
      name: 'AgentActionLogSlow',
      severity: 'warning',
      for: '10m',
      expr: promql`${R.actionP95} > ${t.actionLogP95Seconds} and on (${L.job}, ${L.agent}) ${R.actionEvents} > ${min}`,
      summary: `Agent {{ $labels.${L.agent} }} actions take {{ $value | humanizeDuration }} at p95`,
      description: `The p95 duration of actions logged by agent {{ $labels.${L.agent} }} in {{ $labels.job }} is {{ $value | humanizeDuration }} ${ratioWindow} (threshold ${secs(t.actionLogP95Seconds)}).`,
      panel: 'actionLogLatency',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `95% of the actions an agent logs take longer than ${secs(t.actionLogP95Seconds)} ${ratioWindow}.`,
        impact: 'Users wait for the agent\'s actions (emails, tickets, updates); queues behind the agent grow.',
        diagnose: [
          'Overview → "Action-log rate by status": are actions also failing or being cancelled?',
          'Look at the tools and LLM calls the action uses (their latency panels) for the slow step.',
        ],
        mitigate: ['Fix or bypass the slow step; shed load by pausing non-urgent agent actions.'],
      },
      firing: {
        name: 'every action takes 1.28-2.56 s',
        series: [
          ...histogramInput(action, actionLabels, METRICS.actionLogDuration.buckets, [[2.56, 60]]),
          counterInput(counter('actionLogEvents'), { ...actionLabels, [L.actionType]: 'send_email', [L.actionStatus]: 'success' }, 60),
        ],
        labels: { job: JOB, [L.agent]: 'support', quantile: '0.95' },
        value: '2.496s',
      },
      silent: {
        name: 'actions of 160-320 ms stay quiet',
        series: [
          ...histogramInput(action, actionLabels, METRICS.actionLogDuration.buckets, [[0.32, 60]]),
          counterInput(counter('actionLogEvents'), { ...actionLabels, [L.actionType]: 'send_email', [L.actionStatus]: 'success' }, 60),
        ],
      },
    },
    {
      name: 'AgentCacheHitRateLow',
      severity: 'warning',
      for: '15m',
      expr: promql`${R.cacheHitRatio} < ${t.cacheHitRatio} and on (${L.job}, ${L.cache}) ${R.cacheRequests} > ${min}`,
      summary: `Cache {{ $labels.${L.cache} }} hit rate is {{ $value | humanizePercentage }}`,
      description: `Only {{ $value | humanizePercentage }} of the lookups in cache {{ $labels.${L.cache} }} of {{ $labels.job }} hit ${ratioWindow} (threshold ${pct(t.cacheHitRatio)}).`,
      panel: 'cacheHitRate',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `Fewer than ${pct(t.cacheHitRatio)} of a cache's lookups are hits ${ratioWindow}.`,
        impact: 'More calls reach the expensive backend (embeddings, LLM, tools): higher latency and cost.',
        diagnose: [
          'Overview → "Evictions and size rejections": a spike of evictions (by reason) or rejections means the cache is too small or entries too large.',
          'A drop right after a deploy or restart is a cold cache and recovers by itself; a change in traffic (new keys) does not.',
        ],
        mitigate: ['Raise the cache size or TTL, warm it after restarts, or fix a key that changes on every request.'],
      },
      firing: {
        name: 'half of the lookups miss',
        series: [
          counterInput(counter('cacheRequests'), { ...cacheLabels, [L.cacheResult]: 'hit' }, 30),
          counterInput(counter('cacheRequests'), { ...cacheLabels, [L.cacheResult]: 'miss' }, 30),
        ],
        labels: { job: JOB, [L.cache]: 'embeddings' },
        value: '50%',
      },
      silent: {
        name: 'a 90% hit rate stays quiet',
        series: [
          counterInput(counter('cacheRequests'), { ...cacheLabels, [L.cacheResult]: 'hit' }, 54),
          counterInput(counter('cacheRequests'), { ...cacheLabels, [L.cacheResult]: 'miss' }, 6),
        ],
      },
    },
    {
      name: 'AgentRoutingTargetMissed',
      severity: 'warning',
      for: '10m',
      expr: promql`${R.routingWithinTarget} < ${t.routingWithinTargetRatio} and on (${L.job}, ${L.strategy}) ${R.routings} > ${min}`,
      summary: `Only {{ $value | humanizePercentage }} of routings finish within ${secs(t.routingTargetSeconds)}`,
      description: `{{ $value | humanizePercentage }} of the {{ $labels.${L.strategy} }} routing decisions of {{ $labels.job }} finished within ${secs(t.routingTargetSeconds)} ${ratioWindow}; at least ${pct(t.routingWithinTargetRatio)} should.`,
      panel: 'routingWithinTarget',
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `Fewer than ${pct(t.routingWithinTargetRatio)} of routing decisions finish within ${secs(t.routingTargetSeconds)} (read exactly from the histogram bucket at the target). This is the one routing-latency alert: a p95 above the target is the same condition, and the routing SLO's burn-rate alerts page on the budget over longer windows.`,
        impact: 'The routing latency objective is being missed; users see slower first responses.',
        diagnose: [
          'Overview → "Routing latency p50 / p95 / p99": a p95 above the target is the same condition; a p99 far above it is a slow tail.',
          'Overview → "Routing cache hit rate": a drop means more full routings (embedding lookups, LLM classification).',
          '"Candidates": more candidates per decision cost more time.',
          'Check the embeddings cache and the classifier model\'s latency (LLM panels).',
        ],
        mitigate: ['Restore the routing cache, reduce candidates (pre-filter), or use a faster classifier.'],
      },
      firing: {
        name: '80% of routings within the target',
        series: histogramInput(routing, routingLabels, METRICS.routingDuration.buckets, [[0.1, 48], [0.25, 12]]),
        labels: { job: JOB, [L.strategy]: 'semantic' },
        value: '80%',
      },
      silent: {
        name: 'all routings within 50 ms stay quiet',
        series: histogramInput(routing, routingLabels, METRICS.routingDuration.buckets, [[0.05, 60]]),
      },
    },
  ];
}
