/**
 * The diagnostics logger `register` installs for OTEL_LOG_LEVEL. The API's DiagConsoleLogger,
 * which NodeSDK would install, writes info and debug through console.info/console.debug, that
 * is to stdout: an MCP stdio server's protocol channel, where one stray line breaks the session.
 * This one writes every level to stderr.
 */
import { formatWithOptions } from 'node:util';
import type { DiagLogger, DiagLogLevel } from '@opentelemetry/api';
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
