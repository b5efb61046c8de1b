/**
 * `node --require agentmeter/register app.js`: starts agentmeter from the environment and
 * flushes on exit. A configuration error prints one line and the app runs without metrics.
 */
import { start } from './start';

try {
  start({ flushOnExit: true });
} catch (err) {
  // The register hook has no caller to throw to: one line on stderr, then the app goes on.
  process.stderr.write(`agentmeter: metrics disabled: ${err instanceof Error ? err.message : String(err)}\n`);
}
