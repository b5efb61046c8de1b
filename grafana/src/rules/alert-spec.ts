/**
 * What an alert is made of (expression, runbook, promtool cases, how tests trigger it) and how
 * its annotations render. The alerts themselves live in alerts-*.ts, one file per area.
 *
 * Annotation templates use a small, fixed vocabulary so tests can render them:
 * `{{ $labels.<name> }}` and `{{ $value | humanizePercentage }}`, `{{ $value | humanizeDuration }}`,
 * `{{ printf "%.2f" $value }}`, `{{ $value }}`.
 */
import type { Expr } from '../promql/expr';
import type { MixinConfig } from '../config';
import { WINDOW } from './recording';
import type { SeriesInput } from './promtool-series';
import { PATHS } from '../paths';

export type Severity = 'critical' | 'warning' | 'info';

/** What the on-call reads when paged. */
export interface Runbook {
  /** What the alert says is happening. */
  meaning: string;
  /** Who or what suffers. */
  impact: string;
  /** Where to look, in order. */
  diagnose: readonly string[];
  /** What usually fixes it. */
  mitigate: readonly string[];
}

/** A promtool case: input series, and for a firing case the alert's labels and rendered $value. */
export interface AlertTestCase {
  readonly name: string;
  readonly series: readonly SeriesInput[];
  /** Labels of the expected alert besides `alertname` and `severity` (firing case only). */
  readonly labels?: Readonly<Record<string, string>>;
  /** `$value` as the annotation templates render it (firing case only). */
  readonly value?: string;
}

/**
 * How the integration test makes the alert fire on real data, and on which export path it can
 * be seen: the demo's fault burst; a process that stops (killed); the Kafka broker killed; the
 * Collector killed. Pipeline alerts are path-specific by nature (a stalled Kafka path cannot carry
 * news of its own drops, a direct target has no Collector).
 */
export interface Trigger {
  readonly by: 'fault-burst' | 'process-killed' | 'broker-killed' | 'collector-killed';
  readonly paths: ReadonlyArray<'direct' | 'collector'>;
}
export const FAULT_BURST: Trigger = { by: 'fault-burst', paths: ['direct', 'collector'] };

export interface AlertSpec {
  readonly name: string;
  readonly severity: Severity;
  readonly for: string;
  /**
   * Hysteresis (Prometheus `keep_firing_for`, 2.42+): how long a firing alert stays firing after
   * its expression stops returning the series. For alerts one event flips (`rate(...) > 0` of a
   * counter): an intermittent drip would otherwise resolve and re-page at every gap longer than
   * the rate window. Its promtool case (prometheus.ts) checks the alert is still firing after
   * the counter stopped growing.
   */
  readonly keepFiringFor?: string;
  readonly expr: Expr;
  readonly summary: string;
  readonly description: string;
  /**
   * Key of the panel that shows what the alert watches; null for series a healthy or faulty demo
   * never writes (every panel is checked to return data), whose runbook says where to look.
   */
  readonly panel: string | null;
  /** How the integration test makes it fire (see Trigger). */
  readonly triggers: readonly Trigger[];
  readonly runbook: Runbook;
  readonly firing: AlertTestCase;
  readonly silent: AlertTestCase;
  /** Further promtool cases that must stay silent (e.g. a deliberate shutdown for the stall alert). */
  readonly alsoSilent?: readonly AlertTestCase[];
}

/** `keep_firing_for` of the alerts one event flips (see AlertSpec.keepFiringFor). */
export const KEEP_FIRING_FOR = '10m';

export const pct = (ratio: number): string => `${+(ratio * 100).toFixed(2)}%`;
export const secs = (s: number): string => (s < 1 ? `${+(s * 1000).toFixed(3)} ms` : `${s} s`);

/** Labels of the promtool cases' series. */
export const JOB = 'agent-api';
export const INSTANCE = '10.0.0.7:9464';

/** The phrase for the rules' window, e.g. "over the last 5 minutes". */
export const RATIO_WINDOW = `over the last ${WINDOW.replace('m', ' minutes')}`;

/** `for:` as rendered under `config` (tests shorten it). */
export function forDuration(alert: AlertSpec, config: MixinConfig): string {
  return config.forOverride ?? alert.for;
}

/** Renders an annotation template the way Prometheus would, for promtool's expectations. */
export function renderTemplate(template: string, labels: Readonly<Record<string, string>>, value: string): string {
  return template
    .replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_m, name: string) => {
      const v = labels[name];
      if (v === undefined) throw new Error(`template uses $labels.${name}, which the test case does not set`);
      return v;
    })
    .replace(/\{\{ (\$value( \| humanize(Percentage|Duration))?|printf "%\.2f" \$value) \}\}/g, value);
}

/** The absolute URL of an alert's section of docs/runbooks.md (its heading's GitHub anchor). */
export function runbookUrl(alertName: string, config: MixinConfig): string {
  return `${config.docsBaseUrl.replace(/\/+$/, '')}/${PATHS.runbooksDoc}#${alertName.toLowerCase()}`;
}

/** The annotations of an alert (also checks the template vocabulary). */
export function annotations(alert: AlertSpec, config: MixinConfig): Record<string, string> {
  for (const template of [alert.summary, alert.description]) {
    const leftover = renderTemplate(template, new Proxy({}, { get: () => 'x' }), 'v');
    if (leftover.includes('{{')) throw new Error(`${alert.name}: unsupported template in ${JSON.stringify(template)}`);
  }
  return {
    summary: alert.summary,
    description: alert.description,
    runbook_url: runbookUrl(alert.name, config),
  };
}
