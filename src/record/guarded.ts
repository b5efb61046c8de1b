/** The one place that makes a recording helper safe: off when disabled, never throws. */
import { guard, state } from '../store/registry';

export function guarded<A>(helper: string, body: (input: A) => void): (input: A) => void {
  return (input: A): void => {
    if (!state.enabled) return;
    try {
      body(input);
    } catch (err) {
      recordingFailed(helper, err);
    }
  };
}

/**
 * A helper that failed on its input (a throwing getter, a Proxy, a symbol where a string goes):
 * the sample is dropped and counted, with one diagnostic for the reason, not one per call. The
 * error is not passed on: its message may quote the input.
 */
export function recordingFailed(helper: string, err: unknown): void {
  guard.drop('unreadable_input', `${helper} could not read its input (${err instanceof Error ? err.name : typeof err} thrown)`);
}
