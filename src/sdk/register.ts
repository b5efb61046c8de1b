/**
 * `node --require agentmeter/register app.js` and `node --import agentmeter/register app.mjs`:
 * installs the ESM loader hooks, starts agentmeter from the environment and flushes on exit. A
 * configuration error, or another OpenTelemetry SDK in the process, gets one line on stderr
 * (never stdout: MCP stdio servers speak on it), and the app runs on. Inside a package manager's
 * own process (`npx`, `npm exec`, an install script) it does nothing at all (launcher.ts).
 */
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { installEsmHooks } from './esm-hooks';
import { launcherProcess } from './launcher';
import { startReporting } from './start';
import { withStderrDiagnostics } from './stderr-logger';

// The register hook has no caller to throw to or return to: stderr is its only voice.
const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** Set by register.mjs: this process preloads agentmeter with --import. */
const viaImport = (globalThis as Record<symbol, unknown>)[Symbol.for('agentmeter.register.import')] === true;
/** `node -e` / `-p`: import-in-the-middle's in-thread hooks, installed from --require, fail the eval'd script. */
const evaluating = process.execArgv.some((arg) => /^(-e|--eval|-p|--print)(=|$)/.test(arg) || /^-[a-z]*[ep]$/.test(arg));

// The main thread only: preloads also run in worker threads, among them the thread of the
// off-thread ESM loader that module.register starts (Node < 22.22), which must not start a second agentmeter.
if (isMainThread && launcherProcess() === undefined) {
  // A script given to --require -e is CommonJS (measured through require hooks); its import()s are not.
  const notice = viaImport || !evaluating ? installEsmHooks(pathToFileURL(__filename).href) : undefined;
  if (notice !== undefined) say(notice);
  // OTEL_LOG_LEVEL diagnostics go to stderr too, never to stdout (see stderr-logger.ts).
  withStderrDiagnostics(() => {
    try {
      startReporting({ flushOnExit: true }, say);
    } catch (err) {
      say(`agentmeter: metrics disabled: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
