// Every metric name in the committed dashboards and rule files exists: in agentmeter's catalog,
// in an official instrumentation that `register` enables, among the series Prometheus writes for
// each scrape, or as a recording rule of the committed rule file.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownSeries } from '../../../grafana/src/promql/names';
import { INSTRUMENTATION_METRICS } from '../../../grafana/src/promql/instrumentations';
import { labelValuesSelector, metricNames } from '../../../grafana/src/promql/metric-names';
import { grafanaRuleExprs, panelQueries, prometheusRuleExprs, variableQueries } from '../../../grafana/src/queries';
import { PATHS } from '../../../grafana/src/paths';
import { INSTRUMENTATIONS } from '../../../src/sdk/config';
import { dashboards, read, ROOT } from './files';
import { generate } from '../../../grafana/src/generate';
import { DEFAULT_CONFIG } from '../../../grafana/src/config';

/** The Grafana-managed rules as `grafanaManagedAlerts: true` emits them (not committed by default). */
const GRAFANA_RULES = generate({ ...DEFAULT_CONFIG, grafanaManagedAlerts: true }).get(PATHS.grafanaRules)!;

interface Use {
  where: string;
  expr: string;
}

function uses(): Use[] {
  const out: Use[] = [];
  for (const d of dashboards().values()) {
    for (const q of panelQueries(d)) out.push({ where: `dashboard "${q.dashboard}", panel "${q.panel}" (${q.refId})`, expr: q.expr });
    for (const v of variableQueries(d)) out.push({ where: `dashboard "${v.dashboard}", variable $${v.variable}`, expr: labelValuesSelector(v.query) });
  }
  for (const r of prometheusRuleExprs(PATHS.prometheusRules, read(PATHS.prometheusRules))) out.push({ where: `${r.file}: ${r.name}`, expr: r.expr });
  for (const r of grafanaRuleExprs(PATHS.grafanaRules, GRAFANA_RULES)) out.push({ where: `${r.file}: ${r.name}`, expr: r.expr });
  return out;
}

const recorded = new Set(prometheusRuleExprs(PATHS.prometheusRules, read(PATHS.prometheusRules)).filter((r) => r.kind === 'record').map((r) => r.name));

/** "<where>: <name>" for every name that is neither known nor recorded. */
function unknownNames(known: ReadonlyMap<string, string>): string[] {
  return uses().flatMap((u) => metricNames(u.expr).filter((n) => !known.has(n) && !recorded.has(n)).map((n) => `${u.where}: ${n}`));
}

describe('metric names in dashboards and rules', () => {
  it('all exist in the catalog, an official instrumentation, Prometheus\' scrape series, or the recording rules', () => {
    expect(uses().length).toBeGreaterThan(100);
    expect(unknownNames(knownSeries())).toEqual([]);
  });

  it('a renamed catalog metric fails the check, naming every panel and rule that uses it', () => {
    const known = new Map(knownSeries());
    known.delete('agent_cache_requests_total'); // as if agent.cache.requests were renamed
    const failures = unknownNames(known);
    expect(failures).toContain('dashboard "agentmeter / Overview", variable $cache: agent_cache_requests_total');
    expect(failures).toContain(`${PATHS.prometheusRules}: job_cache:agent_cache_requests:rate5m: agent_cache_requests_total`);
    expect(failures).toContain(`${PATHS.grafanaRules}: AgentCacheHitRateLow: agent_cache_requests_total`);
  });

  it('Grafana-managed rules inline the recording rules, so they work without them', () => {
    for (const r of grafanaRuleExprs(PATHS.grafanaRules, GRAFANA_RULES)) {
      expect(metricNames(r.expr).filter((n) => n.includes(':')), r.name).toEqual([]);
    }
  });

  it('every recording rule a dashboard or alert reads is defined, and every recording rule is read by something', () => {
    const used = new Set(uses().filter((u) => !u.where.includes(': job')).flatMap((u) => metricNames(u.expr)).filter((n) => n.includes(':')));
    const rules = prometheusRuleExprs(PATHS.prometheusRules, read(PATHS.prometheusRules));
    for (const r of rules.filter((x) => x.kind === 'record')) {
      const readByRule = rules.some((o) => o !== r && metricNames(o.expr).includes(r.name));
      expect(used.has(r.name) || readByRule, `${r.name} is recorded but nothing reads it`).toBe(true);
    }
    for (const name of used) expect(recorded.has(name), name).toBe(true);
  });
});

/** Every .js/.cjs file of an installed package's dist, concatenated. */
function packageSource(pkg: string): { text: string; dir: string } {
  // The package's exports hide package.json: walk up from its entry point.
  let dir = dirname(createRequire(join(ROOT, 'package.json')).resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) dir = dirname(dir);
  let text = '';
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) {
        if (f !== 'node_modules') walk(p);
      } else if (/\.c?js$/.test(f)) text += readFileSync(p, 'utf8');
    }
  };
  walk(join(dir, 'dist'));
  return { text, dir };
}

describe('official instrumentation metrics used by the dashboards', () => {
  it.each(Object.values(INSTRUMENTATION_METRICS).map((m) => [m.name, m] as const))('%s is recorded by the installed package that register enables', (_n, m) => {
    expect(INSTRUMENTATIONS).toContain(m.instrumentation);
    expect(read('src/sdk/instrumentations.ts')).toContain(`from '${m.package}'`);
    const { text, dir } = packageSource(m.package);
    if (text.includes(`"${m.name}"`)) return;
    // Not spelled out: the package uses a semantic-conventions constant; find it by value.
    const semconv = createRequire(join(dir, 'package.json'))('@opentelemetry/semantic-conventions') as Record<string, unknown>;
    const constants = Object.entries(semconv).filter(([k, v]) => k.startsWith('METRIC_') && v === m.name).map(([k]) => k);
    expect(constants.length, `no constant for ${m.name}`).toBeGreaterThan(0);
    expect(constants.some((c) => text.includes(`.${c}`)), `${m.package} does not use ${constants.join(', ')}`).toBe(true);
  });
});

describe('metricNames', () => {
  it.each([
    ['sum by (job, le) (rate(a_bucket{job=~"$job", le="0.1"}[$__rate_interval]))', ['a_bucket']],
    ['histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) > 2.5 and on (job, tool) y:z:rate5m > 0.05', ['x_bucket', 'y:z:rate5m']],
    ['(sum by (job) (up) == 0) and on (job) group by (job) (present_over_time(b_info[1h])) or sum by (job) (up{job="c"}) == 0', ['up', 'b_info']],
    ['label_replace(m, "quantile", "0.95", "", "") or 0 * n', ['m', 'n']],
    ['topk(10, sum by (t, e) (increase(c{e!=""}[$__range])))', ['c']],
    ['time() - max by (job) (s + u)', ['s', 'u']],
    ['1 - r:s:t{job=~"$job", x="a{b}"}', ['r:s:t']],
  ])('%s selects %j', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('reads the selector of a label_values variable query', () => {
    expect(labelValuesSelector('label_values(a_count{job=~"$job"}, gen_ai_tool_name)')).toBe('a_count{job=~"$job"}');
  });
});
