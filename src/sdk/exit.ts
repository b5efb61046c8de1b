/**
 * Flush on SIGTERM, SIGINT and beforeExit without changing how the app exits: when agentmeter
 * is the only listener of a signal, it flushes and then re-raises the signal so the process
 * ends as it would have (same signal, same exit status); when the app listens too, the app
 * decides and agentmeter only flushes.
 */
import { diag } from '@opentelemetry/api';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the handlers; returns a function that removes them. */
export function flushOnExit(flush: () => Promise<void>, timeoutMillis: number): () => void {
  let flushing: Promise<void> | undefined;
  const flushOnce = (): Promise<void> => {
    flushing ??= Promise.race([
      flush().catch((err: unknown) => diag.error('agentmeter: final flush failed', err)),
      new Promise<void>((resolve) => setTimeout(resolve, timeoutMillis).unref()),
    ]);
    return flushing;
  };
  const onBeforeExit = (): void => {
    void flushOnce();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    const appListens = process.listenerCount(signal) > 1;
    uninstall();
    void flushOnce().then(() => {
      if (!appListens) process.kill(process.pid, signal);
    });
  };
  const uninstall = (): void => {
    process.off('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return uninstall;
}
