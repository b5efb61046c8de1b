/**
 * Panels and dashboards as data (PanelSpec, DashboardSpec), turned into Grafana JSON with the
 * foundation SDK's typed builders. Keeping the spec separate lets docs/dashboards.md and the
 * tests read the same list of panels the JSON is built from.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';

/** The data source every panel and variable uses: the dashboard's `datasource` variable. */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface QuerySpec {
  readonly expr: string;
  readonly legend?: string;
  /** Instant query (stat, gauge, bar gauge); default a range query. */
  readonly instant?: boolean;
  /** `heatmap` for bucket series drawn as a heatmap. */
  readonly format?: 'heatmap';
  /** Also ask Prometheus for the exemplars of the query's bucket series (trace links); default false. */
  readonly exemplars?: boolean;
}

export type PanelKind = 'timeseries' | 'stat' | 'gauge' | 'heatmap' | 'bargauge';

/** A threshold: values from `from` upwards get `color`; the first step starts at -Infinity. */
export type Step = readonly [from: number | null, color: string];

export interface PanelSpec {
  /** Stable key, unique across all dashboards (alerts and tests refer to panels by it). */
  readonly key: string;
  readonly title: string;
  /** What the panel shows and what a bad value means. */
  readonly description: string;
  readonly kind: PanelKind;
  readonly queries: readonly QuerySpec[];
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Threshold steps; on a time series they are drawn as lines (the alert's threshold). */
  readonly steps?: readonly Step[];
  /** Grid width (of 24); default 8. */
  readonly width?: number;
  readonly height?: number;
  /** Links on each series (e.g. drill-down to Tool detail). */
  readonly links?: ReadonlyArray<{ title: string; url: string }>;
  /** Fixed colours per series name. */
  readonly colors?: Readonly<Record<string, string>>;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** `label_values(...)` query; absent for the datasource and textbox variables. */
  readonly query?: string;
  readonly kind: 'datasource' | 'query' | 'textbox';
  /** Query variables: several values and an "All" option (`.*`). */
  readonly multi?: boolean;
  /**
   * "All" means the values the variable lists (Grafana's own regex of them), not `.*`: for `job`,
   * whose `.*` would also match every other job of a shared Prometheus (e.g. in `up`).
   */
  readonly allAsListed?: boolean;
  /** Textbox default. */
  readonly default?: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableSpec[];
  readonly rows: readonly RowSpec[];
}

/** The value Grafana substitutes for "All" in every multi-value variable here. */
export const ALL_VALUE = '.*';
export const TAGS = ['agentmeter'];

/** Common panel builder surface shared by all the SDK's panel builders used here. */
interface AnyPanelBuilder<B> {
  id(id: number): B;
  title(title: string): B;
  description(description: string): B;
  datasource(datasource: common.DataSourceRef): B;
  withTarget(target: prometheus.DataqueryBuilder): B;
  span(w: number): B;
  height(h: number): B;
  unit(unit: string): B;
  min(min: number): B;
  max(max: number): B;
  thresholds(thresholds: dashboard.ThresholdsConfigBuilder): B;
  dataLinks(links: dashboard.DashboardLinkBuilder[]): B;
  overrideByName(name: string, properties: dashboard.DynamicConfigValue[]): B;
}

function target(query: QuerySpec, refId: string): prometheus.DataqueryBuilder {
  const t = new prometheus.DataqueryBuilder().refId(refId).datasource(DATASOURCE).expr(query.expr);
  if (query.legend !== undefined) t.legendFormat(query.legend);
  if (query.instant) t.instant();
  else t.range();
  if (query.format === 'heatmap') t.format(prometheus.PromQueryFormat.Heatmap);
  if (query.exemplars) t.exemplar(true);
  return t;
}

function thresholds(steps: readonly Step[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

function configure<B extends AnyPanelBuilder<B>>(builder: B, spec: PanelSpec, id: number): B {
  builder
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .span(spec.width ?? 8)
    .height(spec.height ?? 8);
  spec.queries.forEach((q, i) => builder.withTarget(target(q, String.fromCharCode(65 + i))));
  if (spec.unit !== undefined) builder.unit(spec.unit);
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.steps !== undefined) builder.thresholds(thresholds(spec.steps));
  if (spec.links !== undefined) {
    builder.dataLinks(spec.links.map((l) => new dashboard.DashboardLinkBuilder(l.title).url(l.url)));
  }
  for (const [name, color] of Object.entries(spec.colors ?? {})) {
    builder.overrideByName(name, [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }]);
  }
  return builder;
}

function panel(spec: PanelSpec, id: number): { build(): dashboard.Panel } {
  switch (spec.kind) {
    case 'timeseries': {
      const b = configure(new timeseries.PanelBuilder(), spec, id)
        .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
        .fillOpacity(10);
      if (spec.steps !== undefined) {
        b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
      }
      return b;
    }
    case 'stat':
      return configure(new stat.PanelBuilder(), spec, id)
        .textMode(common.BigValueTextMode.ValueAndName)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    case 'gauge':
      return configure(new gauge.PanelBuilder(), spec, id)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    case 'bargauge':
      return configure(new bargauge.PanelBuilder(), spec, id)
        .displayMode(common.BarGaugeDisplayMode.Basic)
        .orientation(common.VizOrientation.Horizontal)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    case 'heatmap':
      return configure(new heatmap.PanelBuilder(), spec, id)
        .calculate(false)
        .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.unit ?? 's'))
        .showLegend();
  }
}

function variable(spec: VariableSpec): { build(): dashboard.VariableModel } {
  if (spec.kind === 'datasource') {
    return new dashboard.DatasourceVariableBuilder(spec.name).label(spec.label).description(spec.description).type('prometheus');
  }
  if (spec.kind === 'textbox') {
    return new dashboard.TextBoxVariableBuilder(spec.name).label(spec.label).description(spec.description).defaultValue(spec.default ?? '');
  }
  const v = new dashboard.QueryVariableBuilder(spec.name)
    .label(spec.label)
    .description(spec.description)
    .datasource(DATASOURCE)
    .query(spec.query!)
    .definition(spec.query!)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (spec.multi) {
    v.multi(true).includeAll(true).current({ text: 'All', value: '$__all', selected: true });
    if (spec.allAsListed !== true) v.allValue(ALL_VALUE);
  }
  return v;
}

/** Builds a dashboard's JSON model; panel ids are assigned in order, starting at 1. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(TAGS)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .link(
      new dashboard.DashboardLinkBuilder('agentmeter')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(TAGS)
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    );
  for (const v of spec.variables) builder.withVariable(variable(v));
  let id = 1;
  let top = 0;
  for (const row of spec.rows) {
    const collapsed = top >= FIRST_SCREEN_GRID_UNITS;
    const rowBuilder = new dashboard.RowBuilder(row.title).id(id++).collapsed(collapsed);
    // A collapsed row carries its panels; an open one is followed by them on the dashboard.
    if (collapsed) {
      for (const p of row.panels) rowBuilder.withPanel(panel(p, id++));
      builder.withRow(rowBuilder);
    } else {
      builder.withRow(rowBuilder);
      for (const p of row.panels) builder.withPanel(panel(p, id++));
    }
    top += 1 + rowHeight(row);
  }
  return builder.build();
}

/**
 * Grid units (30 px each) of panels a 1080p screen shows under Grafana's header: rows that begin
 * below this are collapsed, so the dashboard opens on its first screen and loads (queries) only
 * what is on it; the rest is one click away.
 */
export const FIRST_SCREEN_GRID_UNITS = 24;

/** Height of a row's panels laid out left to right on the 24-column grid, as the SDK places them. */
export function rowHeight(row: RowSpec): number {
  let height = 0;
  let x = 0;
  let line = 0;
  for (const p of row.panels) {
    x += p.width ?? 8;
    line = Math.max(line, p.height ?? 8);
    if (x >= 24) {
      height += line;
      x = 0;
      line = 0;
    }
  }
  return height + line;
}

/** Panel ids by key, as buildDashboard assigns them. */
export function panelIds(spec: DashboardSpec): Map<string, number> {
  const ids = new Map<string, number>();
  let id = 1;
  for (const row of spec.rows) {
    id++;
    for (const p of row.panels) ids.set(p.key, id++);
  }
  return ids;
}

/** The standard variables: data source, then `job`, then those a dashboard adds. */
export function datasourceVariable(): VariableSpec {
  return { name: 'datasource', label: 'Data source', kind: 'datasource', description: 'The Prometheus (or Mimir, Thanos) holding agentmeter metrics.' };
}
