/**
 * Recording rules: the ratios and quantiles that both the alerts and the overview dashboard read,
 * over a fixed 5-minute window, aggregated per `job` (never per instance: a job may run many
 * replicas, each with its own `instance`). Names follow Prometheus' `level:metric:operations`.
 *
 * Ratios whose numerator may be absent (no errors yet) fill it with `0 * denominator`, so a
 * healthy tool shows 0 % errors instead of no data.
 */
import { ROUTING_DURATION_BUCKETS } from '../../../src/catalog-vocabulary';
import { counter, gauge, histogram, instrumentationHistogram, L } from '../promql/names';
import { Recorded, match, promql, selector, type Expr } from '../promql/expr';
import type { MixinConfig } from '../config';

/** The window of every recording rule (and so of every alert). */
export const WINDOW = '5m';

const H = {
  tool: histogram('toolDuration'),
  routing: histogram('routingDuration'),
  action: histogram('actionLogDuration'),
  llm: histogram('llmDuration'),
  http: instrumentationHistogram('httpServerDuration'),
};

const by = (...labels: string[]): string => `sum by (${labels.join(', ')})`;
const rate = (series: string): string => `rate(${series}[${WINDOW}])`;
/** `sum by (labels) (rate(series[5m]))`. */
const summedRate = (series: string, labels: string[]): string => `${by(...labels)} (${rate(series)})`;

/**
 * `le` as both exporters write it for a bucket boundary (Go's %g-like formatting of small
 * decimals). Throws when the value is not a boundary, since the share "within target" then
 * cannot be read off the histogram.
 */
export function bucketLabel(seconds: number, buckets: readonly number[]): string {
  if (!buckets.includes(seconds)) throw new Error(`${seconds} is not a bucket boundary of ${buckets.join(', ')}`);
  const text = String(seconds);
  if (/e/.test(text)) throw new Error(`cannot format le=${seconds} like Go does`);
  return text;
}

function quantiles(name: string, family: { bucket: string }, labels: string[], qs: number[]): Map<number, Recorded> {
  const out = new Map<number, Recorded>();
  for (const q of qs) {
    out.set(q, new Recorded(name, promql`histogram_quantile(${q}, ${by(...labels, L.le)} (${rate(family.bucket)}))`, { quantile: String(q) }));
  }
  return out;
}

/** `numerator or 0 * denominator`: the numerator, with 0 wherever only the denominator exists. */
function zeroFilled(numerator: string, denominator: Recorded): Expr {
  return promql`${numerator} or 0 * ${denominator}`;
}

/** Builds every recording rule; the result is keyed so alerts and panels can refer to them. */
export function recordingRules(config: MixinConfig) {
  const job = L.job;
  const t = config.thresholds;

  const toolCalls = new Recorded('job_tool:agentmeter_tool_calls:rate5m', promql`${summedRate(H.tool.count, [job, L.tool])}`);
  const toolErrors = new Recorded(
    'job_tool:agentmeter_tool_errors:rate5m',
    zeroFilled(summedRate(selector(H.tool.count, match.ne(L.errorType, '')), [job, L.tool]), toolCalls),
  );
  const toolErrorRatio = new Recorded('job_tool:agentmeter_tool_error_ratio:rate5m', promql`${toolErrors} / ${toolCalls}`);
  const toolQuantiles = quantiles('job_tool_quantile:gen_ai_execute_tool_duration_seconds:histogram_quantile5m', H.tool, [job, L.tool], [0.5, 0.95, 0.99]);

  const cacheRequests = new Recorded('job_cache:agent_cache_requests:rate5m', promql`${summedRate(counter('cacheRequests'), [job, L.cache])}`);
  const cacheHits = new Recorded(
    'job_cache:agent_cache_hits:rate5m',
    zeroFilled(summedRate(selector(counter('cacheRequests'), match.eq(L.cacheResult, 'hit')), [job, L.cache]), cacheRequests),
  );
  const cacheHitRatio = new Recorded('job_cache:agent_cache_hit_ratio:rate5m', promql`${cacheHits} / ${cacheRequests}`);
  const jobCacheHitRatio = new Recorded('job:agent_cache_hit_ratio:rate5m', promql`${by(job)} (${cacheHits}) / ${by(job)} (${cacheRequests})`);

  const routings = new Recorded('job_strategy:agent_routing:rate5m', promql`${summedRate(H.routing.count, [job, L.strategy])}`);
  const targetLe = bucketLabel(t.routingTargetSeconds, ROUTING_DURATION_BUCKETS);
  const routingWithinTarget = new Recorded(
    'job_strategy:agent_routing_within_target:ratio_rate5m',
    promql`${summedRate(selector(H.routing.bucket, match.eq(L.le, targetLe)), [job, L.strategy])} / ${routings}`,
  );
  const routingQuantiles = quantiles('job_strategy_quantile:agent_routing_duration_seconds:histogram_quantile5m', H.routing, [job, L.strategy], [0.5, 0.95, 0.99]);
  const decisions = counter('routingDecisions');
  const routingCacheHitRatio = new Recorded(
    'job:agent_routing_cache_hit_ratio:rate5m',
    promql`(${summedRate(selector(decisions, match.eq(L.routingCacheHit, 'true')), [job])} or 0 * ${summedRate(decisions, [job])}) / ${summedRate(decisions, [job])}`,
  );

  const actionEvents = new Recorded('job_agent:agent_action_log_events:rate5m', promql`${summedRate(counter('actionLogEvents'), [job, L.agent])}`);
  const actionQuantiles = quantiles('job_agent_quantile:agent_action_log_duration_seconds:histogram_quantile5m', H.action, [job, L.agent], [0.5, 0.95, 0.99]);

  const sent = counter('publishMessages');
  const publishMessages = new Recorded('job_destination:messaging_client_sent_messages:rate5m', promql`${summedRate(sent, [job, L.destination])}`);
  const publishFailures = new Recorded(
    'job_destination:messaging_client_sent_messages_failed:rate5m',
    zeroFilled(summedRate(selector(sent, match.ne(L.errorType, '')), [job, L.destination]), publishMessages),
  );
  const publishFailureRatio = new Recorded('job_destination:agentmeter_publish_failure_ratio:rate5m', promql`${publishFailures} / ${publishMessages}`);

  const llmLabels = [job, L.provider, L.model];
  const llmCalls = new Recorded('job_model:gen_ai_client_operations:rate5m', promql`${summedRate(H.llm.count, llmLabels)}`);
  const llmErrors = new Recorded(
    'job_model:gen_ai_client_operation_errors:rate5m',
    zeroFilled(summedRate(selector(H.llm.count, match.ne(L.errorType, '')), llmLabels), llmCalls),
  );
  const llmErrorRatio = new Recorded('job_model:gen_ai_client_operation_error_ratio:rate5m', promql`${llmErrors} / ${llmCalls}`);
  const llmQuantiles = quantiles('job_model_quantile:gen_ai_client_operation_duration_seconds:histogram_quantile5m', H.llm, llmLabels, [0.5, 0.95]);

  const dbPoolUsage = new Recorded(
    'job_pool:db_client_connection_usage:ratio',
    promql`${by(job, L.pool)} (${selector(gauge('dbConnections'), match.eq(L.connectionState, 'used'))}) / ${by(job, L.pool)} (${gauge('dbConnectionsMax')})`,
  );

  const httpRequests = new Recorded('job:http_server_requests:rate5m', promql`${summedRate(H.http.count, [job])}`);
  const http5xx = new Recorded('job:http_server_requests_5xx:rate5m', zeroFilled(summedRate(selector(H.http.count, match.re(L.httpStatus, '5..')), [job]), httpRequests));
  const http5xxRatio = new Recorded('job:http_server_5xx_ratio:rate5m', promql`${http5xx} / ${httpRequests}`);

  // start_time + uptime is the wall-clock time of the last collection that reached Prometheus:
  // uptime is set when a reader collects, so through the Collector it stops moving when the
  // pipeline stalls even though the Collector keeps serving the last value.
  const dataAge = new Recorded(
    'job:agentmeter_data_age:seconds',
    promql`time() - max by (${job}) (${gauge('startTime')} + ${gauge('uptime')})`,
  );

  const q = (m: Map<number, Recorded>, quantile: number): Recorded => m.get(quantile)!;
  return {
    toolCalls, toolErrors, toolErrorRatio,
    toolP50: q(toolQuantiles, 0.5), toolP95: q(toolQuantiles, 0.95), toolP99: q(toolQuantiles, 0.99),
    cacheRequests, cacheHits, cacheHitRatio, jobCacheHitRatio,
    routings, routingWithinTarget, routingCacheHitRatio,
    routingP50: q(routingQuantiles, 0.5), routingP95: q(routingQuantiles, 0.95), routingP99: q(routingQuantiles, 0.99),
    actionEvents,
    actionP50: q(actionQuantiles, 0.5), actionP95: q(actionQuantiles, 0.95), actionP99: q(actionQuantiles, 0.99),
    publishMessages, publishFailures, publishFailureRatio,
    llmCalls, llmErrors, llmErrorRatio, llmP50: q(llmQuantiles, 0.5), llmP95: q(llmQuantiles, 0.95),
    dbPoolUsage,
    httpRequests, http5xx, http5xxRatio,
    dataAge,
  };
}

export type RecordingRules = ReturnType<typeof recordingRules>;

/** The rules in the order Prometheus must evaluate them (a rule after those it reads). */
export function orderedRecordingRules(rules: RecordingRules): Recorded[] {
  const ordered: Recorded[] = [];
  const visit = (r: Recorded): void => {
    if (ordered.includes(r)) return;
    for (const dep of r.expr.references()) visit(dep);
    ordered.push(r);
  };
  for (const r of Object.values(rules)) visit(r);
  return ordered;
}
