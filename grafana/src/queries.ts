/**
 * Every PromQL expression of the shipped files, read back from the files themselves (dashboard
 * JSON, Prometheus rule file, Grafana alerting file), each labelled with where it lives. The
 * name checks and the integration test run over these, so they test what is committed.
 */
import { parse } from 'yaml';

/** One query of one panel. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly panelType: string;
  readonly refId: string;
  readonly expr: string;
  readonly instant: boolean;
}

/** One template-variable query. */
export interface VariableQuery {
  readonly dashboard: string;
  readonly variable: string;
  readonly query: string;
}

/** One rule's expression. */
export interface RuleExpr {
  readonly file: string;
  readonly group: string;
  /** The `record:` or `alert:` name, or the Grafana rule title. */
  readonly name: string;
  readonly kind: 'record' | 'alert';
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface PanelJson {
  type: string;
  title: string;
  targets?: Array<{ refId?: string; expr?: string; instant?: boolean }>;
  /** A collapsed row's own panels. */
  panels?: PanelJson[];
}

interface DashboardJson {
  title: string;
  panels?: PanelJson[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown }> };
}

/** Every panel of a dashboard, those inside collapsed rows included, rows themselves left out. */
export function dashboardPanels<P extends { type: string; panels?: P[] }>(json: { panels?: P[] }): P[] {
  return (json.panels ?? []).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export function panelQueries(json: DashboardJson): PanelQuery[] {
  return dashboardPanels<PanelJson>(json)
    .flatMap((p) =>
      (p.targets ?? []).map((t) => ({
        dashboard: json.title,
        panel: p.title,
        panelType: p.type,
        refId: t.refId ?? '',
        expr: t.expr ?? '',
        instant: t.instant === true,
      })),
    );
}

export function variableQueries(json: DashboardJson): VariableQuery[] {
  return (json.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => ({ dashboard: json.title, variable: v.name, query: typeof v.query === 'string' ? v.query : JSON.stringify(v.query) }));
}

interface PromRuleFile {
  groups: Array<{ name: string; rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string> }> }>;
}

export function prometheusRuleExprs(file: string, text: string): RuleExpr[] {
  const parsed = parse(text) as PromRuleFile;
  return parsed.groups.flatMap((g) =>
    g.rules.map((r) => ({
      file,
      group: g.name,
      name: (r.record ?? r.alert)!,
      kind: r.record !== undefined ? ('record' as const) : ('alert' as const),
      expr: r.expr,
      labels: r.labels ?? {},
    })),
  );
}

interface GrafanaRuleFile {
  groups: Array<{ name: string; rules: Array<{ title: string; labels?: Record<string, string>; data: Array<{ refId: string; datasourceUid: string; model: { expr?: string } }> }> }>;
}

/** The PromQL query node of each Grafana-managed rule. */
export function grafanaRuleExprs(file: string, text: string): RuleExpr[] {
  const parsed = parse(text) as GrafanaRuleFile;
  return parsed.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data
        .filter((d) => d.datasourceUid !== '__expr__')
        .map((d) => ({ file, group: g.name, name: r.title, kind: 'alert' as const, expr: d.model.expr ?? '', labels: r.labels ?? {} })),
    ),
  );
}
