/**
 * Substitutes Grafana's variables in a panel query the way Grafana's Prometheus data source does
 * before sending it, so tests can run the committed dashboards' queries against a real
 * Prometheus:
 *
 * - `$__interval`: time range / max data points, rounded by Grafana's table (rangeutil
 *   roundInterval), never below the data source's scrape interval (its "timeInterval");
 * - `$__rate_interval`: max(`$__interval` + scrape interval, 4 × scrape interval);
 * - `$__range`: the time range in seconds, e.g. `300s`;
 * - template variables (`$name` or `${name}`): for multi-value variables used with `=~`, one
 *   value as itself, several as `(a|b)` with regex metacharacters escaped, "All" as the
 *   variable's allValue (`.*` here); textbox variables as typed.
 */

/** Grafana's rangeutil roundInterval, in milliseconds (the part up to one day). */
export function roundInterval(ms: number): number {
  const table: Array<[number, number]> = [
    [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000],
    [7500, 5000], [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000],
    [210000, 120000], [450000, 300000], [750000, 600000], [1050000, 900000], [1500000, 1200000],
    [2700000, 1800000], [5400000, 3600000], [9000000, 7200000], [16200000, 10800000],
    [32400000, 21600000], [86400000, 43200000],
  ];
  for (const [below, value] of table) if (ms < below) return value;
  return 86400000;
}

export interface GrafanaContext {
  /** The dashboard's time range, in seconds. */
  rangeSeconds: number;
  /** The data source's scrape interval ("timeInterval"), in seconds. */
  scrapeIntervalSeconds: number;
  /** Data points the panel asks for (about its width in pixels); Grafana's default is 1000ish. */
  maxDataPoints: number;
  /** Selected values per variable; `'All'` selects the all value. */
  variables: Readonly<Record<string, readonly string[] | 'All'>>;
  /** The all value of each multi-value variable. */
  allValues?: Readonly<Record<string, string>>;
}

const seconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** `$__interval` in milliseconds. */
export function intervalMillis(ctx: GrafanaContext): number {
  const raw = (ctx.rangeSeconds * 1000) / ctx.maxDataPoints;
  return Math.max(roundInterval(raw), ctx.scrapeIntervalSeconds * 1000);
}

/** `$__rate_interval` in milliseconds. */
export function rateIntervalMillis(ctx: GrafanaContext): number {
  const scrape = ctx.scrapeIntervalSeconds * 1000;
  return Math.max(intervalMillis(ctx) + scrape, 4 * scrape);
}

const escapeRegex = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');

function variableValue(name: string, ctx: GrafanaContext): string {
  const selected = ctx.variables[name];
  if (selected === undefined) throw new Error(`the query uses $${name}, which the context does not set`);
  if (selected === 'All') {
    const all = ctx.allValues?.[name];
    if (all === undefined) throw new Error(`$${name} is "All" but has no all value`);
    return all;
  }
  if (selected.length === 1) return selected[0]!;
  return `(${selected.map(escapeRegex).join('|')})`;
}

export function interpolate(expr: string, ctx: GrafanaContext): string {
  return expr
    .replaceAll('$__rate_interval', seconds(rateIntervalMillis(ctx)))
    .replaceAll('$__interval', seconds(intervalMillis(ctx)))
    .replaceAll('$__range', `${ctx.rangeSeconds}s`)
    .replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g, (_m, braced: string | undefined, bare: string | undefined) =>
      variableValue((braced ?? bare)!, ctx),
    );
}
