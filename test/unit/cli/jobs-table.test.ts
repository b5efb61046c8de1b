import { describe, expect, it } from 'vitest';
import { cellText, durationText, formatReport, printable, table } from '../../../src/cli/jobs-table';
import { buildReport, jobTally } from '../../../src/jobs/report';

describe('jobs table cells', () => {
  it.each([
    ['search', 'search'],
    [null, '-'],
    ['two\nlines', 'two?lines'],
    ['\u001b[31mred\u001b[0m', '?[31mred?[0m'],
    ['a\u2028b\u0085c', 'a?b?c'],
    ['x'.repeat(48), 'x'.repeat(48)],
    ['x'.repeat(49), `${'x'.repeat(47)}…`],
    ['é'.repeat(60), `${'é'.repeat(47)}…`],
  ])('%j → %j', (value, shown) => {
    expect(cellText(value)).toBe(shown);
  });

  it('printable keeps long text whole', () => {
    expect(printable(`runs/a\nb/${'y'.repeat(100)}`)).toBe(`runs/a?b/${'y'.repeat(100)}`);
  });

  it.each([
    [0, '0.0 ms'],
    [98.44, '98.4 ms'],
    [999.9, '999.9 ms'],
    [1000, '1.00 s'],
    [61234, '61.23 s'],
  ])('durationText(%s) = %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('pads columns to the widest cell, numbers right-aligned, no trailing spaces', () => {
    expect(table(['name', 'n', 'note'], [['a', '1', ''], ['longer', '100', 'x']], [false, true, false])).toEqual(['  name      n  note', '  a         1', '  longer  100  x']);
  });
});

describe('formatReport', () => {
  it('shows a job\'s failed calls per tool, whatever their error types', () => {
    const tally = jobTally('job-1', 10);
    ['TimeoutError', 'HTTPError', null].forEach((error, i) =>
      tally.add(i + 1, JSON.stringify({ event: 'tool_call', tool: i < 2 ? 'search' : 'run_sql', duration_ms: 10, success: false, error })),
    );
    const text = formatReport(buildReport([tally], 10), 10);
    expect(text.split('\n').at(-2)).toBe('  job-1          0    0.0 ms            -           3       3  search×2 run_sql×1');
    expect(text).toContain('\nFailed tools\n  tool     error         calls\n  run_sql  -                 1\n  search   HTTPError         1\n  search   TimeoutError      1\n');
  });
});
