import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiagLogLevel } from '@opentelemetry/api';
import { logLevelFromEnv, stderrDiagLogger } from '../../../src/sdk/stderr-logger';

afterEach(() => vi.restoreAllMocks());

describe('the register diagnostics logger', () => {
  it('writes every level to stderr and nothing to stdout (an MCP stdio server’s protocol channel)', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const level of ['error', 'warn', 'info', 'debug', 'verbose'] as const) stderrDiagLogger[level](`${level} %s`, 'line', { n: 1 });
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.mock.calls.map((c) => c[0])).toEqual(['error line { n: 1 }\n', 'warn line { n: 1 }\n', 'info line { n: 1 }\n', 'debug line { n: 1 }\n', 'verbose line { n: 1 }\n']);
  });

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['debug', DiagLogLevel.DEBUG],
    [' WARN ', DiagLogLevel.WARN],
    ['none', DiagLogLevel.NONE],
  ])('OTEL_LOG_LEVEL=%j is level %j', (raw, level) => {
    expect(logLevelFromEnv(raw)).toBe(level);
  });
});
