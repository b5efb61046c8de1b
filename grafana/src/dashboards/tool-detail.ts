/**
 * Tool detail: one tool, reached from the overview's tool panels (click a series). Raw
 * histograms over `$__rate_interval`, so it resolves finer than the 5-minute recording rules.
 */
import { gauge, histogram, L } from '../promql/names';
import { match, selector } from '../promql/expr';
import type { MixinConfig } from '../config';
import type { RecordingRules } from '../rules/recording';
import { datasourceVariable, type DashboardSpec, type PanelSpec } from './common';
import { TOOL_DETAIL_UID } from './overview';

const RI = '$__rate_interval';
const J = match.re(L.job, '$job');
const T = match.re(L.tool, '$tool');
const OK = match.eq(L.errorType, '');
const FAILED = match.ne(L.errorType, '');

export function toolDetailDashboard(config: MixinConfig, R: RecordingRules): DashboardSpec {
  const tool = histogram('toolDuration');
  const rate = (series: string, ...m: string[]): string => `rate(${selector(series, ...m)}[${RI}])`;
  const t = config.thresholds;
  const panels: PanelSpec[] = [
    {
      key: 'detailRate', title: 'Calls per second: succeeded and failed', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Calls of the tool per second, split into calls without error.type (succeeded) and with one (failed). Bad: the failed series rising, or both dropping to zero while traffic continues.',
      queries: [
        { expr: `sum(${rate(tool.count, J, T, OK)})`, legend: 'succeeded' },
        { expr: `sum(${rate(tool.count, J, T, FAILED)})`, legend: 'failed' },
      ],
      colors: { succeeded: 'green', failed: 'red' },
    },
    {
      key: 'detailErrorRatio', title: 'Error ratio (5 min)', kind: 'stat', width: 6, unit: 'percentunit',
      steps: [[null, 'green'], [t.toolErrorRatio, 'red']],
      description: `Failed / all calls of the tool over 5 minutes, all selected jobs (recording rules ${R.toolErrors.name} and ${R.toolCalls.name}). Red above ${+(t.toolErrorRatio * 100).toFixed(2)}%, the AgentToolErrorRateHigh threshold.`,
      queries: [{ expr: `sum(${R.toolErrors.select(J, T)}) / sum(${R.toolCalls.select(J, T)})`, instant: true }],
    },
    {
      key: 'detailMean', title: 'Mean latency', kind: 'stat', width: 6, unit: 's',
      description: 'Sum of call durations divided by the number of calls, over the rate interval. Bad: drifting up. The mean hides tails: read it with the percentiles.',
      queries: [{ expr: `sum(${rate(tool.sum, J, T)}) / sum(${rate(tool.count, J, T)})`, legend: 'mean' }],
    },
    {
      key: 'detailHeatmap', title: 'Latency heatmap', kind: 'heatmap', width: 12, height: 10, unit: 's',
      description: 'Calls per latency bucket over time, from the histogram buckets (gen_ai.execute_tool.duration). Bad: a second band above the main one (timeouts, a slow replica or dependency) or the main band moving up.',
      queries: [{ expr: `sum by (${L.le}) (increase(${selector(tool.bucket, J, T)}[${RI}]))`, legend: `{{${L.le}}}`, format: 'heatmap', exemplars: true }],
    },
    {
      key: 'detailPercentiles', title: 'Latency percentiles', kind: 'timeseries', width: 12, height: 10, unit: 's',
      steps: [[null, 'green'], [t.toolP95Seconds, 'red']],
      description: `p50, p90, p95 and p99 of call duration over the rate interval. Bad: p95 above ${t.toolP95Seconds} s (dashed line, the AgentToolLatencyHigh threshold).`,
      queries: [0.5, 0.9, 0.95, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (${L.le}) (${rate(tool.bucket, J, T)}))`,
        legend: `p${Math.round(q * 100)}`,
        // Exemplars once, on the p99 query: each is a recent call's trace in its latency bucket.
        exemplars: q === 0.99,
      })),
    },
    {
      key: 'detailErrors', title: 'Error types over time', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Failed calls per second by error.type. Bad: a new type appearing (a new failure mode) or one type rising.',
      queries: [{ expr: `sum by (${L.errorType}) (${rate(tool.count, J, T, FAILED)})`, legend: `{{${L.errorType}}}` }],
    },
    {
      key: 'detailByInstance', title: 'Calls per instance', kind: 'timeseries', width: 12, unit: 'ops',
      description: 'Calls of the tool per second per job and instance. Bad: one instance far from the others (a bad replica, or uneven load balancing).',
      queries: [{ expr: `sum by (${L.job}, ${L.instance}) (${rate(tool.count, J, T)})`, legend: '{{job}} {{instance}}' }],
    },
  ];
  return {
    uid: TOOL_DETAIL_UID,
    title: 'agentmeter / Tool detail',
    description: 'One tool: rate, latency heatmap and percentiles, error types. Open it from the overview\'s tool panels.',
    variables: [
      datasourceVariable(),
      { name: 'job', label: 'Service (job)', kind: 'query', multi: true, allAsListed: true, query: `label_values(${gauge('buildInfo')}, ${L.job})`, description: 'Prometheus job.' },
      { name: 'tool', label: 'Tool', kind: 'query', multi: false, query: `label_values(${selector(tool.count, J)}, ${L.tool})`, description: 'The one tool to show (gen_ai.tool.name).' },
    ],
    rows: [{ title: 'Tool', panels }],
  };
}
