/**
 * `node --require agentmeter/register app.js`: starts agentmeter from the environment and
 * flushes on exit. A configuration error, or another OpenTelemetry SDK in the process, gets one
 * line on stderr (never stdout: MCP stdio servers speak on it), and the app runs on.
 */
import { diag } from '@opentelemetry/api';
import { startReporting } from './start';
import { logLevelFromEnv, stderrDiagLogger } from './stderr-logger';

// The register hook has no caller to throw to or return to: stderr is its only voice.
const say = (line: string): void => void process.stderr.write(`${line}\n`);
// OTEL_LOG_LEVEL diagnostics go to stderr too. NodeSDK would install a console logger that
// writes info and debug to stdout, so it does not see the variable while it starts.
const logLevel = logLevelFromEnv(process.env.OTEL_LOG_LEVEL);
const requestedLogLevel = process.env.OTEL_LOG_LEVEL;
if (logLevel !== undefined) {
  diag.setLogger(stderrDiagLogger, { logLevel, suppressOverrideMessage: true });
  delete process.env.OTEL_LOG_LEVEL;
}
try {
  startReporting({ flushOnExit: true }, say);
} catch (err) {
  say(`agentmeter: metrics disabled: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  if (requestedLogLevel !== undefined) process.env.OTEL_LOG_LEVEL = requestedLogLevel;
}
