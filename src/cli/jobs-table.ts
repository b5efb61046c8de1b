/**
 * The table `agentmeter jobs` prints by default: aligned columns, numbers right-aligned, names
 * from the files shown as text (control characters replaced, long names cut).
 */
import type { FailedToolRow, JobsReport, LlmCallRow, ToolRow } from '../jobs/report';

/** Longest name shown in a cell; the JSON output keeps names whole. */
const MAX_CELL = 48;

/** Text from a file or a folder name without control characters: a name could move the cursor. */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** A cell of text from a file: printable, bounded. */
export function cellText(value: string | null): string {
  if (value === null) return '-';
  const chars = [...printable(value)];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : chars.join('');
}

/** `98.4 ms` below a second, `2.10 s` from there on. */
export function durationText(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const count = (n: number): string => n.toLocaleString('en-US');
const width = (s: string): number => [...s].length;

/** Columns padded to their widest cell, two spaces apart; `right` columns (numbers) right-aligned. */
export function table(headers: readonly string[], rows: readonly string[][], right: readonly boolean[]): string[] {
  const widths = headers.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]!))));
  const line = (cells: readonly string[]): string =>
    `  ${cells
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - width(cell));
        return right[c] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd()}`;
  return [line(headers), ...rows.map(line)];
}

function slowestTable(rows: readonly LlmCallRow[]): string[] {
  return table(
    ['#', 'duration', 'job', 'provider', 'model', 'phase', 'result'],
    rows.map((r, i) => [String(i + 1), durationText(r.duration_ms), cellText(r.job), cellText(r.provider), cellText(r.model), cellText(r.phase), r.success ? 'ok' : cellText(r.error ?? 'failed')]),
    [true, true, false, false, false, false, false],
  );
}

function toolsTable(rows: readonly ToolRow[]): string[] {
  return table(
    ['tool', 'calls', 'failed', 'total time', 'mean'],
    rows.map((r) => [cellText(r.tool), count(r.calls), count(r.failed), durationText(r.total_ms), durationText(r.total_ms / r.calls)]),
    [false, true, true, true, true],
  );
}

function failedTable(rows: readonly FailedToolRow[]): string[] {
  return table(
    ['tool', 'error', 'calls'],
    rows.map((r) => [cellText(r.tool), cellText(r.error), count(r.count)]),
    [false, false, true],
  );
}

/** `search×2 run_sql×1`: a job's failed calls per tool, whatever their error types. */
function failedByTool(tools: readonly ToolRow[]): string {
  const failed = tools.filter((t) => t.failed > 0);
  return failed.length === 0 ? '-' : cellText(failed.map((t) => `${t.tool}×${t.failed}`).join(' '));
}

/** The report as text, one section per question. */
export function formatReport(report: JobsReport, top: number): string {
  const { totals, lines } = report;
  const jobs = totals.jobs === 1 ? '1 job' : `${count(totals.jobs)} jobs`;
  const out: string[] = [
    `${jobs}: ${count(lines.used)} calls from ${count(lines.read)} lines (${count(lines.malformed)} malformed, ${count(lines.ignored)} other)`,
    '',
    `LLM time: ${durationText(totals.llm_ms)} in ${count(totals.llm_calls)} calls`,
    `Tool calls: ${count(totals.tool_calls)}, ${count(totals.failed_tool_calls)} failed`,
    '',
    `Slowest LLM calls (top ${top})`,
  ];
  out.push(...(report.slowest_llm_calls.length === 0 ? ['  none'] : slowestTable(report.slowest_llm_calls)));
  out.push('', 'Tool calls by tool');
  out.push(...(report.tools.length === 0 ? ['  none'] : toolsTable(report.tools)));
  out.push('', 'Failed tools');
  out.push(...(report.failed_tools.length === 0 ? ['  none'] : failedTable(report.failed_tools)));
  out.push('', 'Per job');
  out.push(
    ...table(
      ['job', 'LLM calls', 'LLM time', 'slowest LLM', 'tool calls', 'failed', 'failed tools'],
      report.jobs.map((j) => [
        cellText(j.job),
        count(j.llm_calls),
        durationText(j.llm_ms),
        j.slowest_llm === null ? '-' : durationText(j.slowest_llm.duration_ms),
        count(j.tool_calls),
        count(j.failed_tool_calls),
        failedByTool(j.tools),
      ]),
      [false, true, true, true, true, true, false],
    ),
  );
  return `${out.join('\n')}\n`;
}
