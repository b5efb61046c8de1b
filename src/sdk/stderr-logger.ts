/**
 * The diagnostics logger `register` installs for OTEL_LOG_LEVEL. The API's DiagConsoleLogger,
 * which NodeSDK would install, writes info and debug through console.info/console.debug, that
 * is to stdout: an MCP stdio server's protocol channel, where one stray line breaks the session.
 * This one writes every level to stderr.
 */
import { formatWithOptions } from 'node:util';
import { diag, type DiagLogger, type DiagLogLevel } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';

function toStderr(message: string, ...args: unknown[]): void {
  process.stderr.write(`${formatWithOptions({ colors: false }, message, ...args)}\n`);
}

export const stderrDiagLogger: DiagLogger = {
  error: toStderr,
  warn: toStderr,
  info: toStderr,
  debug: toStderr,
  verbose: toStderr,
};

/** The level OTEL_LOG_LEVEL asks for (INFO for an unknown value, as NodeSDK does), or undefined when unset. */
export function logLevelFromEnv(raw: string | undefined): DiagLogLevel | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : diagLogLevelFromString(raw.trim());
}

/**
 * Runs `fn` (which may construct a NodeSDK) with OTEL_LOG_LEVEL honoured on stderr: the stderr
 * logger is installed at that level and the variable is hidden from NodeSDK meanwhile, so NodeSDK
 * installs no stdout logger of its own. Used by `register` and by `start()` alike.
 */
export function withStderrDiagnostics<T>(fn: () => T): T {
  const requested = process.env.OTEL_LOG_LEVEL;
  const logLevel = logLevelFromEnv(requested);
  if (logLevel === undefined) return fn();
  diag.setLogger(stderrDiagLogger, { logLevel, suppressOverrideMessage: true });
  delete process.env.OTEL_LOG_LEVEL;
  try {
    return fn();
  } finally {
    process.env.OTEL_LOG_LEVEL = requested;
  }
}
