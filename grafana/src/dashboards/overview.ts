/**
 * Overview: the on-call's first screen. Where an alert watches a signal, the panel plots the
 * very recording rule the alert evaluates (5-minute window) with the alert's threshold as a
 * dashed line, so what you see is what pages you. Other panels use `$__rate_interval`.
 */
import { counter, gauge, histogram, instrumentationGauge, instrumentationHistogram, L } from '../promql/names';
import { match, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import { TOTAL_TOKEN_TYPES } from '../../../src/catalog-vocabulary';
import type { RecordingRules } from '../rules/recording';
import { llmCostPanels } from './llm-cost';
import { datasourceVariable, type DashboardSpec, type PanelSpec, type VariableSpec } from './common';

export const OVERVIEW_UID = 'agentmeter-overview';
export const TOOL_DETAIL_UID = 'agentmeter-tool-detail';
export const PIPELINE_UID = 'agentmeter-pipeline';

const RI = '$__rate_interval';
const J = match.re(L.job, '$job');
const T = match.re(L.tool, '$tool');
const C = match.re(L.cache, '$cache');
const A = match.re(L.agent, '$agent');
const M = match.re(L.model, '$model');
const rate = (series: string, ...matchers: string[]): string => `rate(${selector(series, ...matchers)}[${RI}])`;
const sumBy = (labels: string[], inner: string): string => `sum by (${labels.join(', ')}) (${inner})`;
const quantile = (q: number, bucket: string, labels: string[], ...matchers: string[]): string =>
  `histogram_quantile(${q}, ${sumBy([...labels, L.le], rate(bucket, ...matchers))})`;
const pct = (r: number): string => `${+(r * 100).toFixed(2)}%`;
const secs = (s: number): string => (s < 1 ? `${s * 1000} ms` : `${s} s`);

/** Variables: data source, job, and the bounded names a panel filters on. */
export function overviewVariables(): VariableSpec[] {
  const toolCount = histogram('toolDuration').count;
  return [
    datasourceVariable(),
    { name: 'job', label: 'Service (job)', kind: 'query', multi: true, allAsListed: true, query: `label_values(${gauge('buildInfo')}, ${L.job})`, description: 'Prometheus job: the scrape job on the direct path, service.name on the Collector path.' },
    { name: 'tool', label: 'Tool', kind: 'query', multi: true, query: `label_values(${selector(toolCount, J)}, ${L.tool})`, description: 'gen_ai.tool.name' },
    { name: 'cache', label: 'Cache', kind: 'query', multi: true, query: `label_values(${selector(counter('cacheRequests'), J)}, ${L.cache})`, description: 'agent.cache.name' },
    { name: 'agent', label: 'Agent', kind: 'query', multi: true, query: `label_values(${selector(counter('routingDecisions'), J)}, ${L.agent})`, description: 'gen_ai.agent.name (routing target, action-log author)' },
    { name: 'model', label: 'Model', kind: 'query', multi: true, query: `label_values(${selector(histogram('llmDuration').count, J)}, ${L.model})`, description: 'gen_ai.request.model' },
  ];
}

export function overviewDashboard(config: MixinConfig, R: RecordingRules): DashboardSpec {
  const t = config.thresholds;
  const tool = histogram('toolDuration');
  const candidates = histogram('routingCandidates');
  const confidence = histogram('routingConfidence');
  const publish = histogram('publishDuration');
  const db = histogram('dbDuration');
  const http = instrumentationHistogram('httpServerDuration');
  const toolLink = {
    title: 'Tool detail: ${__field.labels.' + L.tool + '}',
    url: `/d/${TOOL_DETAIL_UID}?\${datasource:queryparam}&\${job:queryparam}&var-tool=\${__field.labels.${L.tool}}&\${__url_time_range}`,
  };
  const redBelow = (x: number): PanelSpec['steps'] => [[null, 'red'], [x, 'green']];
  const redAbove = (x: number): PanelSpec['steps'] => [[null, 'green'], [x, 'red']];
  const ratio = { unit: 'percentunit', min: 0, max: 1 };

  const service: PanelSpec[] = [
    {
      key: 'health', title: 'Health state', kind: 'stat', width: 6, unit: 'short',
      description: 'Number of instances of the selected jobs in each health state, as the service reports it with setHealth. Bad: any instance "unhealthy" (alert AgentServiceUnhealthy) or "degraded".',
      queries: [{ expr: sumBy([L.health], selector(gauge('health'), J)), legend: `{{${L.health}}}`, instant: true }],
      colors: { healthy: 'green', degraded: 'orange', unhealthy: 'red' },
    },
    {
      key: 'requestRate', title: 'Request rate', kind: 'timeseries', width: 6, unit: 'reqps',
      description: 'Requests handled per second (agent.requests, trackRequest). Bad: a sudden drop to zero (traffic lost upstream) or a spike beyond what the service was sized for.',
      queries: [{ expr: sumBy([L.job], rate(counter('requests'), J)), legend: '{{job}}' }],
    },
    {
      key: 'sessions', title: 'Sessions and concurrency', kind: 'timeseries', width: 12, unit: 'short',
      description: 'Open sessions (agent.sessions.active) and requests in flight (agent.requests.active). Bad: in-flight requests climbing while the request rate stays flat means requests are stuck waiting on a slow dependency.',
      queries: [
        { expr: sumBy([L.job], selector(gauge('activeSessions'), J)), legend: '{{job}} sessions' },
        { expr: sumBy([L.job], selector(gauge('activeRequests'), J)), legend: '{{job}} requests in flight' },
      ],
    },
  ];

  const tools: PanelSpec[] = [
    {
      key: 'toolCallRate', title: 'Tool-call rate', kind: 'timeseries', width: 6, unit: 'ops', links: [toolLink],
      description: 'Tool calls per second by tool, failed calls included. Bad: a tool dropping to zero while requests continue (the agent stopped using it, or calls never finish). Click a series for Tool detail.',
      queries: [{ expr: sumBy([L.tool], rate(tool.count, J, T)), legend: `{{${L.tool}}}` }],
    },
    {
      key: 'toolSuccess', title: 'Tool success rate (5 min)', kind: 'timeseries', width: 6, ...ratio, links: [toolLink],
      steps: redBelow(1 - t.toolErrorRatio),
      description: `Share of each tool's calls without error.type over 5 minutes (recording rule ${R.toolErrorRatio.name}). Bad: below ${pct(1 - t.toolErrorRatio)}, the dashed line; alert AgentToolErrorRateHigh.`,
      queries: [{ expr: `1 - ${R.toolErrorRatio.select(J, T)}`, legend: `{{job}} {{${L.tool}}}` }],
    },
    {
      key: 'toolLatency', title: 'Tool latency p50 / p95 / p99 (5 min)', kind: 'timeseries', width: 6, unit: 's', links: [toolLink],
      steps: redAbove(t.toolP95Seconds),
      description: `Percentiles of tool-call duration per tool over 5 minutes (recording rules ${R.toolP95.name}). Bad: p95 above ${secs(t.toolP95Seconds)} (dashed line; alert AgentToolLatencyHigh); a p99 far above p95 means a slow tail (timeouts, retries).`,
      queries: [
        { expr: R.toolP50.select(J, T), legend: `{{job}} {{${L.tool}}} p50` },
        { expr: R.toolP95.select(J, T), legend: `{{job}} {{${L.tool}}} p95` },
        { expr: R.toolP99.select(J, T), legend: `{{job}} {{${L.tool}}} p99` },
      ],
    },
    {
      key: 'topErrors', title: 'Top error types', kind: 'bargauge', width: 6, unit: 'short',
      description: 'The ten tool / error.type pairs with the most failed calls in the dashboard\'s time range. Bad: any error type growing fast; the name says where to look (TimeoutError: dependency slow, a code: dependency refusing).',
      queries: [{ expr: `topk(10, ${sumBy([L.tool, L.errorType], `increase(${selector(tool.count, J, T, match.ne(L.errorType, ''))}[$__range])`)})`, legend: `{{${L.tool}}}: {{${L.errorType}}}`, instant: true }],
    },
  ];

  const caches: PanelSpec[] = [
    {
      key: 'cacheHitRate', title: 'Cache hit rate per cache (5 min)', kind: 'timeseries', width: 8, ...ratio,
      steps: redBelow(t.cacheHitRatio),
      description: `Hits / lookups per cache over 5 minutes (${R.cacheHitRatio.name}). Bad: below ${pct(t.cacheHitRatio)} (dashed line; alert AgentCacheHitRateLow): more calls reach the expensive backend.`,
      queries: [{ expr: R.cacheHitRatio.select(J, C), legend: `{{job}} {{${L.cache}}}` }],
    },
    {
      key: 'cacheHitRateOverall', title: 'Cache hit rate, all caches (5 min)', kind: 'gauge', width: 4, ...ratio,
      steps: [[null, 'red'], [t.cacheHitRatio, 'orange'], [0.8, 'green']],
      description: `Hits / lookups over all caches of each job, 5 minutes (${R.jobCacheHitRatio.name}). Bad: red below ${pct(t.cacheHitRatio)}, orange below 80%.`,
      queries: [{ expr: R.jobCacheHitRatio.select(J), legend: '{{job}}', instant: true }],
    },
    {
      key: 'cacheEvictions', title: 'Evictions and size rejections', kind: 'timeseries', width: 6, unit: 'ops',
      description: 'Entries evicted per second by reason (size, ttl, manual) and entries rejected because they exceed the size limit. Bad: size evictions or rejections rising with a falling hit rate: the cache is too small for the working set.',
      queries: [
        { expr: sumBy([L.cache, L.evictionReason], rate(counter('cacheEvictions'), J, C)), legend: `{{${L.cache}}} evicted ({{${L.evictionReason}}})` },
        { expr: sumBy([L.cache], rate(counter('cacheSizeRejections'), J, C)), legend: `{{${L.cache}}} rejected (too large)` },
      ],
    },
    {
      key: 'cacheSize', title: 'Cache size', kind: 'timeseries', width: 6, unit: 'bytes',
      description: 'Bytes held by each cache (agent.cache.size). Bad: pinned at its limit together with many size evictions; or falling to zero (the cache was flushed).',
      queries: [{ expr: sumBy([L.job, L.cache], selector(gauge('cacheSize'), J, C)), legend: `{{job}} {{${L.cache}}}` }],
    },
  ];

  const routingPanels: PanelSpec[] = [
    {
      key: 'routingLatency', title: `Routing duration p50 / p95 vs ${secs(t.routingTargetSeconds)} target (5 min)`, kind: 'timeseries', width: 8, unit: 's',
      steps: redAbove(t.routingTargetSeconds),
      description: `Percentiles of the time to pick an agent, per strategy (${R.routingP95.name}). Bad: p95 above the ${secs(t.routingTargetSeconds)} target (dashed line; the same condition as alert AgentRoutingTargetMissed).`,
      queries: [
        { expr: R.routingP50.select(J), legend: `{{job}} {{${L.strategy}}} p50` },
        { expr: R.routingP95.select(J), legend: `{{job}} {{${L.strategy}}} p95` },
      ],
    },
    {
      key: 'routingWithinTarget', title: `Routings within ${secs(t.routingTargetSeconds)} (5 min)`, kind: 'timeseries', width: 8, ...ratio,
      steps: redBelow(t.routingWithinTargetRatio),
      description: `Share of routing decisions that finished within ${secs(t.routingTargetSeconds)}, read exactly from the histogram bucket at the target (${R.routingWithinTarget.name}). Bad: below ${pct(t.routingWithinTargetRatio)} (dashed line; alert AgentRoutingTargetMissed).`,
      queries: [{ expr: R.routingWithinTarget.select(J), legend: `{{job}} {{${L.strategy}}}` }],
    },
    {
      key: 'routingCacheHit', title: 'Routing cache hit rate (5 min)', kind: 'timeseries', width: 8, ...ratio,
      description: `Share of routing decisions served from the routing cache (${R.routingCacheHitRatio.name}). Bad: a drop means every request pays for a full routing; expect routing latency to rise with it.`,
      queries: [{ expr: R.routingCacheHitRatio.select(J), legend: '{{job}}' }],
    },
    {
      key: 'routingCandidates', title: 'Candidates per decision', kind: 'timeseries', width: 8, unit: 'short',
      description: 'Mean and p95 of candidate agents evaluated per routing decision. Bad: growth means each decision does more work (and takes longer); a p95 at the top bucket means the candidate list is unbounded.',
      queries: [
        { expr: `${sumBy([L.strategy], rate(candidates.sum, J))} / ${sumBy([L.strategy], rate(candidates.count, J))}`, legend: `{{${L.strategy}}} mean` },
        { expr: quantile(0.95, candidates.bucket, [L.strategy], J), legend: `{{${L.strategy}}} p95` },
      ],
    },
    {
      key: 'routingConfidence', title: 'Route confidence', kind: 'timeseries', width: 8, unit: 'percentunit', min: 0, max: 1,
      description: 'Mean confidence of the selected route and its 10th percentile (the least confident tenth). Bad: a falling p10 means many requests go to an agent the router is unsure of: expect fallbacks and wrong answers.',
      queries: [
        { expr: `${sumBy([L.strategy], rate(confidence.sum, J))} / ${sumBy([L.strategy], rate(confidence.count, J))}`, legend: `{{${L.strategy}}} mean` },
        { expr: quantile(0.1, confidence.bucket, [L.strategy], J), legend: `{{${L.strategy}}} p10` },
      ],
    },
    {
      key: 'routingDecisions', title: 'Routing decisions by agent and outcome', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Decisions per second by selected agent and outcome (success, fallback, error). Bad: fallbacks or errors growing, or one agent suddenly receiving everything.',
      queries: [{ expr: sumBy([L.agent, L.outcome], rate(counter('routingDecisions'), J, A)), legend: `{{${L.agent}}} {{${L.outcome}}}` }],
    },
  ];

  const llmPanels: PanelSpec[] = [
    {
      key: 'llmLatency', title: 'LLM latency by model p50 / p95 (5 min)', kind: 'timeseries', width: 6, unit: 's',
      description: `Percentiles of GenAI operation duration per provider and model (${R.llmP95.name}). Bad: a rising p95 slows every agent answer; compare with the provider's status.`,
      queries: [
        { expr: R.llmP50.select(J, M), legend: `{{job}} {{${L.model}}} p50` },
        { expr: R.llmP95.select(J, M), legend: `{{job}} {{${L.model}}} p95` },
      ],
    },
    {
      key: 'llmTokens', title: 'Tokens per second by model', kind: 'timeseries', width: 6, unit: 'short',
      description: 'Input and output tokens per second per model (gen_ai.client.token.usage). Input counts cached tokens too and output counts reasoning tokens, so the cache_read, cache_write and reasoning types are parts of these two and are left out here: adding them would count those tokens twice. Bad: an unexpected rise is cost; input tokens growing per call means prompts are bloating.',
      queries: [{ expr: sumBy([L.model, L.tokenType], rate(histogram('llmTokens').sum, J, M, match.re(L.tokenType, TOTAL_TOKEN_TYPES.join('|')))), legend: `{{${L.model}}} {{${L.tokenType}}}` }],
    },
    {
      key: 'llmErrors', title: 'LLM error rate by model (5 min)', kind: 'timeseries', width: 6, ...ratio,
      steps: redAbove(t.llmErrorRatio),
      description: `Share of failed GenAI operations per model (${R.llmErrorRatio.name}). Bad: above ${pct(t.llmErrorRatio)} (dashed line; alert AgentLlmErrorRateHigh); see "LLM errors by type".`,
      queries: [{ expr: R.llmErrorRatio.select(J, M), legend: `{{job}} {{${L.model}}}` }],
    },
    {
      key: 'llmErrorTypes', title: 'LLM errors by type', kind: 'timeseries', width: 6, unit: 'ops',
      description: 'Failed GenAI operations per second by model and error.type. Bad: rate_limit_exceeded means quota; timeouts mean the provider is slow.',
      queries: [{ expr: sumBy([L.model, L.errorType], rate(histogram('llmDuration').count, J, M, match.ne(L.errorType, ''))), legend: `{{${L.model}}} {{${L.errorType}}}` }],
    },
  ];

  const agent = histogram('agentDuration');
  const agentPanels: PanelSpec[] = [
    {
      key: 'agentRate', title: 'Agent invocations by agent', kind: 'timeseries', width: 6, unit: 'ops',
      description: 'Agent runs per second by agent (gen_ai.invoke_agent.duration), failed ones included; from the AI SDK, the OpenAI Agents SDK, LangChain, Mastra, GenAI spans or recordAgentInvocation. Bad: an agent dropping to zero while requests continue.',
      queries: [{ expr: sumBy([L.agent], rate(agent.count, J)), legend: `{{${L.agent}}}` }],
    },
    {
      key: 'agentLatency', title: 'Agent invocation p50 / p95', kind: 'timeseries', width: 6, unit: 's',
      description: 'Percentiles of agent run duration, from start to final answer, by agent. Bad: a rising p95 with flat LLM and tool latency means more steps per run (loops, retries).',
      queries: [
        { expr: quantile(0.5, agent.bucket, [L.agent], J), legend: `{{${L.agent}}} p50` },
        { expr: quantile(0.95, agent.bucket, [L.agent], J), legend: `{{${L.agent}}} p95` },
      ],
    },
    {
      key: 'agentErrors', title: 'Failed agent invocations by type', kind: 'timeseries', width: 6, unit: 'ops',
      description: 'Failed agent runs per second by agent and error.type (a run limit reached, a model or tool error that ended the run). Bad: any sustained rate.',
      queries: [{ expr: sumBy([L.agent, L.errorType], rate(agent.count, J, match.ne(L.errorType, ''))), legend: `{{${L.agent}}} {{${L.errorType}}}` }],
    },
    {
      key: 'agentHandoffs', title: 'Handoffs between agents', kind: 'timeseries', width: 6, unit: 'ops',
      description: 'Handoffs per second from one agent (gen_ai.agent.name) to another (agent.handoff.target). Bad: handoffs going back and forth between two agents (a loop).',
      queries: [{ expr: sumBy([L.agent, L.handoffTarget], rate(counter('agentHandoffs'), J)), legend: `{{${L.agent}}} → {{${L.handoffTarget}}}` }],
    },
  ];

  const actionPanels: PanelSpec[] = [
    {
      key: 'actionLogRate', title: 'Action-log rate by status', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Logged agent actions per second by status (success, failure, cancelled). Bad: failures or cancellations growing.',
      queries: [{ expr: sumBy([L.actionStatus], rate(counter('actionLogEvents'), J, A)), legend: `{{${L.actionStatus}}}` }],
    },
    {
      key: 'actionLogFailures', title: 'Action failures by error type', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Failed agent actions per second by agent and error.type (agent.action_log.errors). Bad: any sustained rate; the type names the cause.',
      queries: [{ expr: sumBy([L.agent, L.errorType], rate(counter('actionLogErrors'), J, A)), legend: `{{${L.agent}}} {{${L.errorType}}}` }],
    },
    {
      key: 'actionLogLatency', title: 'Action-log p50 / p95 (5 min)', kind: 'timeseries', width: 8, unit: 's',
      steps: redAbove(t.actionLogP95Seconds),
      description: `Percentiles of logged action duration per agent (${R.actionP95.name}). Bad: p95 above ${secs(t.actionLogP95Seconds)} (dashed line; alert AgentActionLogSlow).`,
      queries: [
        { expr: R.actionP50.select(J, A), legend: `{{job}} {{${L.agent}}} p50` },
        { expr: R.actionP95.select(J, A), legend: `{{job}} {{${L.agent}}} p95` },
      ],
    },
  ];

  const publishPanels: PanelSpec[] = [
    {
      key: 'publishRate', title: 'Publish rate by destination', kind: 'timeseries', width: 8, unit: 'ops',
      description: 'Messages published per second by destination (messaging.client.sent.messages), failed ones included. Bad: a drop to zero while the app is busy (publishing stopped).',
      queries: [{ expr: sumBy([L.destination], rate(counter('publishMessages'), J)), legend: `{{${L.destination}}}` }],
    },
    {
      key: 'publishFailures', title: 'Publish failure ratio (5 min)', kind: 'timeseries', width: 8, ...ratio,
      steps: redAbove(t.publishFailureRatio),
      description: `Share of published messages that failed, per destination (${R.publishFailureRatio.name}). Bad: above ${pct(t.publishFailureRatio)} (dashed line; alert AgentPublishFailureRateHigh).`,
      queries: [{ expr: R.publishFailureRatio.select(J), legend: `{{job}} {{${L.destination}}}` }],
    },
    {
      key: 'publishLatency', title: 'Publish duration p95', kind: 'timeseries', width: 8, unit: 's',
      description: 'p95 of publish (send) duration per destination. Bad: rising latency is the broker or network slowing down, usually before failures start.',
      queries: [{ expr: quantile(0.95, publish.bucket, [L.destination], J), legend: `{{${L.destination}}} p95` }],
    },
  ];

  const dbPanels: PanelSpec[] = [
    {
      key: 'dbLatency', title: 'DB operation p95', kind: 'timeseries', width: 8, unit: 's',
      description: 'p95 of database operation duration by operation and table (db.client.operation.duration). Bad: a slow table or operation holds pool connections and slows every request.',
      queries: [{ expr: quantile(0.95, db.bucket, [L.dbOperation, L.dbCollection], J), legend: `{{${L.dbOperation}}} {{${L.dbCollection}}}` }],
    },
    {
      key: 'dbPool', title: 'Connection pool use', kind: 'timeseries', width: 8, ...ratio,
      steps: redAbove(t.dbPoolUsageRatio),
      description: `Used / maximum connections per pool (${R.dbPoolUsage.name}). Bad: above ${pct(t.dbPoolUsageRatio)} (dashed line; alert AgentDbPoolNearExhaustion): new queries will wait for a connection.`,
      queries: [{ expr: R.dbPoolUsage.select(J), legend: `{{job}} {{${L.pool}}}` }],
    },
    {
      key: 'dbConnections', title: 'Connections by state', kind: 'timeseries', width: 8, unit: 'short',
      description: 'Connections per pool by state (idle, used) and the pool maximum. Bad: idle at zero with used at the maximum.',
      queries: [
        { expr: sumBy([L.pool, L.connectionState], selector(gauge('dbConnections'), J)), legend: `{{${L.pool}}} {{${L.connectionState}}}` },
        { expr: sumBy([L.pool], selector(gauge('dbConnectionsMax'), J)), legend: `{{${L.pool}}} max` },
      ],
    },
  ];

  const httpPanels: PanelSpec[] = [
    {
      key: 'httpRate', title: 'HTTP request rate by status', kind: 'timeseries', width: 8, unit: 'reqps',
      description: 'HTTP requests served per second by response status (official http instrumentation, http.server.request.duration). Bad: 5xx series appearing; a drop of 2xx.',
      queries: [{ expr: sumBy([L.httpStatus], rate(http.count, J)), legend: `{{${L.httpStatus}}}` }],
    },
    {
      key: 'http5xx', title: 'HTTP 5xx ratio (5 min)', kind: 'timeseries', width: 8, ...ratio,
      steps: redAbove(t.http5xxRatio),
      description: `Share of HTTP responses with a 5xx status (${R.http5xxRatio.name}). Bad: above ${pct(t.http5xxRatio)} (dashed line; alert AgentHttp5xxRateHigh).`,
      queries: [{ expr: R.http5xxRatio.select(J), legend: '{{job}}' }],
    },
    {
      key: 'httpLatency', title: 'HTTP request duration p95', kind: 'timeseries', width: 8, unit: 's',
      description: 'p95 of HTTP server request duration per job. Bad: rising with tool, LLM or DB latency (a dependency) or alone (the service itself, see event-loop delay).',
      queries: [{ expr: quantile(0.95, http.bucket, [L.job], J), legend: '{{job}} p95' }],
    },
  ];

  const runtimePanels: PanelSpec[] = [
    {
      key: 'eventLoopDelay', title: 'Event-loop delay p99', kind: 'timeseries', width: 12, unit: 's',
      steps: redAbove(0.1),
      description: 'p99 event-loop delay per instance (nodejs.eventloop.delay.p99, runtime instrumentation). Bad: above 100 ms means synchronous work blocks the process: every request and timer is late.',
      queries: [{ expr: `max by (${L.job}, ${L.instance}) (${selector(instrumentationGauge('eventLoopDelayP99'), J)})`, legend: '{{job}} {{instance}}' }],
    },
    {
      key: 'heap', title: 'Heap used and size', kind: 'timeseries', width: 12, unit: 'bytes',
      description: 'V8 heap used and heap size per instance (v8js.memory.heap.used, v8js.memory.heap.space.size). Bad: used growing steadily without falling back after GC: a leak.',
      queries: [
        { expr: sumBy([L.job, L.instance], selector(instrumentationGauge('heapUsed'), J)), legend: '{{job}} {{instance}} used' },
        { expr: sumBy([L.job, L.instance], selector(instrumentationGauge('heapSpaceSize'), J)), legend: '{{job}} {{instance}} size' },
      ],
    },
  ];

  return {
    uid: OVERVIEW_UID,
    title: 'agentmeter / Overview',
    description: 'The on-call\'s first screen for an AI-agent or MCP tool service instrumented with agentmeter.',
    variables: overviewVariables(),
    rows: [
      { title: 'Service', panels: service },
      { title: 'Tools', panels: tools },
      { title: 'Caches', panels: caches },
      { title: 'Routing', panels: routingPanels },
      { title: 'Agents', panels: agentPanels },
      { title: 'LLM calls', panels: llmPanels },
      { title: 'LLM cost', panels: llmCostPanels(config) },
      { title: 'Action log', panels: actionPanels },
      { title: 'Publishing', panels: publishPanels },
      { title: 'Database', panels: dbPanels },
      { title: 'HTTP', panels: httpPanels },
      { title: 'Runtime', panels: runtimePanels },
    ],
  };
}
