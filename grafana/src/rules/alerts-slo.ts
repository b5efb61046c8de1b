/**
 * Multi-window, multi-burn-rate alerts on each SLO's error budget (the SRE workbook, "Alerting on
 * SLOs", approach 6): a tier fires when the error ratio over its long window and over its short
 * window both exceed `burnRate` times the budget. `$value` is the long window's burn rate.
 * Each SLO gets a page alert (critical) and a ticket alert (warning) when it has tiers for them.
 */
import type { BurnRateTier, MixinConfig } from '../config';
import { promql, type Expr } from '../promql/expr';
import { errorBudget } from '../slos';
import { sloRecordingRules, type SloRules } from './slo-recording';
import { FAULT_BURST, pct, type AlertSpec, type AlertTestCase, type Severity } from './alert-spec';

/** Burn rates of the promtool cases: a fast burn (above every page tier), a slow one, and exactly the budget. */
export const FAST_BURN = 16;
export const SLOW_BURN = 2;

/** `ratio_long / budget > rate and ratio_short / budget > rate`, one tier per `or` branch. */
function burnExpr(rules: SloRules, tiers: readonly BurnRateTier[]): Expr {
  const budget = errorBudget(rules.slo);
  const ratio = (w: string) => rules.errorRatio.get(w as never)!;
  const branches = tiers.map(
    (t) => promql`${ratio(t.longWindow)} / ${budget} > ${t.burnRate} and ${ratio(t.shortWindow)} / ${budget} > ${t.burnRate}`,
  );
  // `and` binds tighter than `or` in PromQL: no parentheses needed between tiers.
  return branches.reduce((acc, b) => promql`${acc} or ${b}`);
}

export const tierText = (t: BurnRateTier): string => `${t.burnRate}x over ${t.longWindow} and ${t.shortWindow}`;

function testCase(rules: SloRules, name: string, burn: number, fires: boolean): AlertTestCase {
  const ratio = Number((burn * errorBudget(rules.slo)).toPrecision(12));
  return {
    name,
    series: rules.slo.inputs(ratio),
    ...(fires ? { labels: { ...rules.slo.testLabels }, value: burn.toFixed(2) } : {}),
  };
}

export function sloAlerts(config: MixinConfig): AlertSpec[] {
  const period = config.slos.period;
  return sloRecordingRules(config).flatMap((rules) => {
    const { slo } = rules;
    const budget = errorBudget(slo);
    const objective = `${pct(slo.settings.objective)} of events good over ${period}`;
    const panel = `slo${slo.name}Burn`;
    const alert = (severity: Severity, kind: 'Page' | 'Ticket', tiers: readonly BurnRateTier[], firing: AlertTestCase, silent: AlertTestCase): AlertSpec => ({
      name: `AgentSlo${slo.name}${kind}`,
      severity,
      // A page waits out one bad scrape; a ticket waits long enough not to open for a blip.
      for: kind === 'Page' ? '2m' : '15m',
      expr: burnExpr(rules, tiers),
      summary: `${slo.subject} burns the ${slo.title} error budget at {{ printf "%.2f" $value }}x`,
      description: `${slo.subject} spends its ${slo.title} error budget (objective ${objective}, budget ${pct(budget)} bad) {{ printf "%.2f" $value }} times as fast as the objective allows, over both windows of a tier (${tiers.map(tierText).join('; ')}).`,
      panel,
      triggers: [FAULT_BURST],
      runbook: {
        meaning: `The ${slo.title} SLO (good event: ${slo.good}; objective ${objective}) is burning its error budget at ${tiers.map(tierText).join(', or ')}. At ${tiers[0]!.burnRate}x the whole ${period} budget is gone in ${budgetLasts(period, tiers[0]!.burnRate)}.`,
        impact: kind === 'Page'
          ? 'Users see the failures or slowness now, and the period\'s budget will be spent within days if nothing changes.'
          : 'The objective will be missed over the period at this pace; nothing is on fire, but the trend needs an owner.',
        diagnose: [
          `SLOs dashboard → "${slo.title}: burn rate": which tier's window is above its line, and since when.`,
          slo.diagnose,
          `SLOs dashboard → "${slo.title}: error budget left": how much of the ${period} budget is left.`,
        ],
        mitigate: [
          'Fix or roll back what the overview points at (a deploy, a dependency, a model or provider); the alert resolves once the short window\'s ratio falls below the tier.',
          `If the objective is wrong for this service, change slos.${slo.key} in grafana/src/config.ts and regenerate (npm run grafana; docs/slos.md).`,
        ],
      },
      firing,
      silent,
    });
    const out: AlertSpec[] = [];
    if (slo.settings.page.length > 0) {
      out.push(alert('critical', 'Page', slo.settings.page,
        testCase(rules, `a fast burn (${FAST_BURN}x the budget) pages`, FAST_BURN, true),
        testCase(rules, `a slow burn (${SLOW_BURN}x the budget) does not page`, SLOW_BURN, false)));
    }
    if (slo.settings.ticket.length > 0) {
      out.push(alert('warning', 'Ticket', slo.settings.ticket,
        testCase(rules, `a slow burn (${SLOW_BURN}x the budget) opens a ticket`, SLOW_BURN, true),
        testCase(rules, 'burning exactly the budget (1x) stays silent', 1, false)));
    }
    return out;
  });
}

/** How long the period's budget lasts at `burnRate`, in words. */
export function budgetLasts(period: string, burnRate: number): string {
  const m = /^(\d+)d$/.exec(period);
  if (m === null) return `1/${burnRate} of ${period}`;
  const hours = (Number(m[1]) * 24) / burnRate;
  return hours < 48 ? `${+hours.toFixed(1)} hours` : `${+(hours / 24).toFixed(1)} days`;
}
