/** The structured logger job events go to: console-style by default, pino-compatible. */

/** Anything with pino's `info(object, message)` shape, e.g. a pino logger. */
export interface JobLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s="]/.test(text) ? JSON.stringify(text) : text;
}

/** `event key=value ...`, the line the default logger prints. */
export function keyValueLine(event: string, fields: Record<string, unknown>): string {
  const parts = [event];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && key !== 'event') parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

/**
 * Writes the key=value line to stderr (the default "console" logger): stdout may be the app's
 * protocol channel (an MCP stdio server), so only a logger the app sets writes anywhere else.
 */
export const consoleJobLogger: JobLogger = {
  info(_fields, message) {
    process.stderr.write(`${message}\n`);
  },
};

let current: JobLogger = consoleJobLogger;

/** Sends job log lines to `logger` (e.g. a pino instance); `undefined` restores the default. */
export function setJobLogger(logger: JobLogger | undefined): void {
  current = logger ?? consoleJobLogger;
}

export function jobLogger(): JobLogger {
  return current;
}
