// Structure of the committed dashboards: stable unique uids, the datasource variable everywhere,
// the variables the issue asks for, a description on every panel, a sane grid.
import { describe, expect, it } from 'vitest';
import { dashboards } from './files';
import { ALL_VALUE } from '../../../grafana/src/dashboards/common';
import { DEFAULT_CONFIG } from '../../../grafana/src/config';
import { dashboardPanels } from '../../../grafana/src/queries';

const all = dashboards();
const list = [...all.values()];
const panelsOf = (d: (typeof list)[number]) => dashboardPanels(d);
/** Rows and panels alike, those inside collapsed rows included. */
const gridItemsOf = (d: (typeof list)[number]) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

it.each([...all.entries()])('%s: "All" of the job variable is its listed jobs, not .* (which matches every job of a shared Prometheus)', (_f, d) => {
  const job = d.templating.list.find((v) => v.name === 'job');
  if (job !== undefined) expect(job).not.toHaveProperty('allValue');
});

describe('dashboards', () => {
  it('are the four dashboards, with stable uids named after their files', () => {
    expect([...all.keys()].sort()).toEqual(['agentmeter-overview.json', 'agentmeter-pipeline.json', 'agentmeter-slos.json', 'agentmeter-tool-detail.json']);
    for (const [file, d] of all) expect(`${d.uid}.json`).toBe(file);
    expect(new Set(list.map((d) => d.title)).size).toBe(4);
  });

  it('have at least 25 panels between them, each with a title and a description of what a bad value means', () => {
    const panels = list.flatMap(panelsOf);
    expect(panels.length).toBeGreaterThanOrEqual(25);
    for (const p of panels) {
      expect(p.title, JSON.stringify(p.gridPos)).not.toBe('');
      expect(p.description ?? '', p.title).toMatch(/Bad|Normal|Red above|Red below/);
      expect(p.description!.length, p.title).toBeGreaterThan(60);
    }
  });

  it.each(list.map((d) => [d.title, d] as const))('%s: every panel and query uses the ${datasource} variable', (_t, d) => {
    for (const p of panelsOf(d)) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets!.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource?.uid, p.title).toBe('${datasource}');
    }
    const ds = d.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const v of d.templating.list.filter((x) => x.type === 'query')) expect(v.datasource?.uid, v.name).toBe('${datasource}');
  });

  it.each(list.map((d) => [d.title, d] as const))('%s: panel ids are unique and panels fit a 24-column grid without overlapping', (_t, d) => {
    const ids = gridItemsOf(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of gridItemsOf(d)) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('the overview has variables for data source, service/job, tool, cache, agent and model; multi-value ones use .* for All, job its listed values', () => {
    const overview = all.get('agentmeter-overview.json')!;
    expect(overview.templating.list.map((v) => v.name)).toEqual(['datasource', 'job', 'tool', 'cache', 'agent', 'model']);
    for (const v of overview.templating.list.filter((x) => x.type === 'query')) {
      expect(v, v.name).toMatchObject({ multi: true, includeAll: true });
      expect(v.allValue, v.name).toBe(v.name === 'job' ? undefined : ALL_VALUE);
      expect(String(v.query), v.name).toMatch(/^label_values\(/);
    }
  });

  it('every query filters by the job variable (or names the Collector job), so a service never mixes with another', () => {
    for (const d of list) {
      for (const p of panelsOf(d)) {
        for (const t of p.targets!) expect(t.expr, `${d.title} / ${p.title}`).toMatch(/job=~"\$job|job="\$collector_job"|job=~"\$job\|\$collector_job"/);
      }
    }
  });

  it('the overview links its tool panels to Tool detail, and the pipeline dashboard defaults to the Collector job of the shipped Prometheus config', () => {
    const overview = all.get('agentmeter-overview.json')!;
    const links = panelsOf(overview).filter((p) => p.title.startsWith('Tool')).flatMap((p) => p.fieldConfig?.defaults?.links ?? []);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.url).toMatch(/^\/d\/agentmeter-tool-detail\?.*var-tool=\$\{__field\.labels\.gen_ai_tool_name\}/);
    const pipeline = all.get('agentmeter-pipeline.json')!;
    expect(pipeline.templating.list.find((v) => v.name === 'collector_job')).toMatchObject({ type: 'textbox', query: DEFAULT_CONFIG.collectorJob });
  });

  it('a panel plotting an alert\'s recording rule draws the alert threshold', () => {
    const overview = all.get('agentmeter-overview.json')!;
    const routing = panelsOf(overview).find((p) => p.title.startsWith('Routing duration'))!;
    expect(routing.fieldConfig!.defaults!.thresholds!.steps.map((s) => s.value)).toEqual([null, DEFAULT_CONFIG.thresholds.routingTargetSeconds]);
    expect(routing.targets!.map((t) => t.expr)).toEqual([
      'job_strategy_quantile:agent_routing_duration_seconds:histogram_quantile5m{quantile="0.5", job=~"$job"}',
      'job_strategy_quantile:agent_routing_duration_seconds:histogram_quantile5m{quantile="0.95", job=~"$job"}',
    ]);
  });
});

it('"Health state" counts instances (unit short), coloured by state', () => {
  const health = panelsOf(all.get('agentmeter-overview.json')!).find((p) => p.title === 'Health state')!;
  expect(health.fieldConfig?.defaults?.unit).toBe('short');
});

it('legends name the job wherever a query returns one series per job (recording rules kept by job, sums by job)', () => {
  for (const [file, d] of all) {
    for (const p of panelsOf(d)) {
      for (const t of (p as { targets?: Array<{ expr?: string; legendFormat?: string }> }).targets ?? []) {
        const perJob = /^job[_a-z]*:/.test(t.expr ?? '') || /by \((\w+, )*job[,)]/.test(t.expr ?? '');
        if (perJob && t.legendFormat !== undefined) expect(t.legendFormat, `${file} ${p.title}`).toContain('{{job}}');
      }
    }
  }
});

it('opens only the rows that begin on the first screen (24 grid units); the rows below are collapsed and carry their panels', () => {
  const rows = (file: string) => all.get(file)!.panels.filter((p) => p.type === 'row').map((r) => `${r.collapsed ? 'collapsed' : 'open'} ${r.title} (${r.collapsed ? r.panels!.length : 0})`);
  expect(rows('agentmeter-pipeline.json')).toEqual([
    'open Freshness (0)', 'open agentmeter (0)', 'open Routing events, DB writer, cluster (0)', 'collapsed Kafka exporter (5)', 'collapsed Collector (5)',
  ]);
  expect(rows('agentmeter-overview.json')).toEqual([
    'open Service (0)', 'open Tools (0)', 'open Caches (0)', 'collapsed Routing (6)', 'collapsed Agents (4)', 'collapsed LLM calls (4)', 'collapsed LLM cost (5)',
    'collapsed Action log (3)', 'collapsed Publishing (3)', 'collapsed Database (3)', 'collapsed HTTP (3)', 'collapsed Runtime (2)',
  ]);
  expect(rows('agentmeter-slos.json')).toEqual(['open Tool success (0)', 'open Tool latency (0)', 'open Routing latency (0)', 'collapsed Cache hit ratio (2)', 'collapsed LLM success (2)']);
  expect(rows('agentmeter-tool-detail.json')).toEqual(['open Tool (0)']);
  // An open row's panels follow it at the top level; every row below the first collapsed one is collapsed too.
  for (const [file, d] of all) {
    const top = d.panels.filter((p) => p.type !== 'row');
    const open = d.panels.filter((p) => p.type === 'row' && !p.collapsed);
    expect(top.every((p) => p.gridPos.y < 24 + 8), file).toBe(true);
    expect(open.every((r) => r.gridPos.y < 24), file).toBe(true);
  }
});
