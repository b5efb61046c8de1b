/**
 * Recording rules of the SLOs (grafana/src/slos.ts): each SLO's error ratio over every window of
 * the SRE workbook, its average over the budget period, and the budget left. Names follow
 * `level:metric:operations`, e.g. `job_tool:agentmeter_slo_tool_success_errors:ratio_rate1h`.
 */
import { Recorded, promql } from '../promql/expr';
import type { MixinConfig } from '../config';
import { SLO_WINDOWS, checkTiers, errorBudget, sloSpecs, type SloSpec, type SloWindow } from '../slos';

const UNITS: ReadonlyArray<readonly [string, number]> = [['y', 365 * 86400000], ['w', 7 * 86400000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]];

/**
 * A Prometheus duration as Prometheus prints it (prometheus/common model.Duration: years and
 * weeks only when they divide it, so `28d` is `4w` but `30d` stays), so the loaded rules read
 * back exactly as committed.
 */
export function canonicalDuration(text: string): string {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.map((p) => p[0]).join('') !== text || parts.length === 0) throw new Error(`${text} is not a Prometheus duration`);
  let millis = parts.reduce((n, p) => n + Number(p[1]) * UNITS.find(([u]) => u === p[2])![1], 0);
  let out = '';
  for (const [unit, size] of UNITS) {
    if ((unit === 'y' || unit === 'w') && millis % size !== 0) continue;
    const n = Math.floor(millis / size);
    if (n > 0) out += `${n}${unit}`;
    millis -= n * size;
  }
  return out === '' ? '0s' : out;
}

export interface SloRules {
  readonly slo: SloSpec;
  /** Error ratio (bad / all events) over each window of SLO_WINDOWS its alert tiers use, and 5m. */
  readonly errorRatio: ReadonlyMap<SloWindow, Recorded>;
  /**
   * The 5-minute error ratio averaged over the budget period. A time average, not an event
   * average: cheap to evaluate, and the same as the event ratio when traffic is steady.
   */
  readonly periodErrorRatio: Recorded;
  /** Share of the period's error budget left: 1 - period error ratio / budget (negative: overspent). */
  readonly budgetRemaining: Recorded;
}

export function sloRecordingRules(config: MixinConfig): SloRules[] {
  return sloSpecs(config).map((slo) => {
    checkTiers(slo);
    const errorRatio = new Map<SloWindow, Recorded>();
    // The windows its tiers read, and 5m (the period average): a rule nothing reads is not recorded.
    const used = new Set<string>(['5m', ...[...slo.settings.page, ...slo.settings.ticket].flatMap((t) => [t.longWindow, t.shortWindow])]);
    for (const w of SLO_WINDOWS.filter((x) => used.has(x))) {
      if (canonicalDuration(w) !== w) throw new Error(`window ${w} prints as ${canonicalDuration(w)}`);
      // A counter without error series yet: 0 errors wherever there are events.
      const bad = slo.badMayBeAbsent ? `(${slo.bad(w)} or 0 * ${slo.total(w)})` : slo.bad(w);
      errorRatio.set(w, new Recorded(`${slo.level}:${slo.metric}_errors:ratio_rate${w}`, promql`${bad} / ${slo.total(w)}`));
    }
    const period = config.slos.period;
    const periodErrorRatio = new Recorded(
      `${slo.level}:${slo.metric}_errors:ratio_avg${period}`,
      promql`avg_over_time(${errorRatio.get('5m')!}[${canonicalDuration(period)}])`,
    );
    const budgetRemaining = new Recorded(
      `${slo.level}:${slo.metric}_error_budget_remaining:ratio${period}`,
      promql`1 - ${periodErrorRatio} / ${errorBudget(slo)}`,
    );
    return { slo, errorRatio, periodErrorRatio, budgetRemaining };
  });
}

/** Every SLO recording rule, in evaluation order (a rule after those it reads). */
export function orderedSloRules(rules: readonly SloRules[]): Recorded[] {
  return rules.flatMap((r) => [...r.errorRatio.values(), r.periodErrorRatio, r.budgetRemaining]);
}
