/** The one place that makes a recording helper safe: off when disabled, never throws. */
import { diag } from '@opentelemetry/api';
import { state } from '../store/registry';

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

/** Reports a helper that failed (a bug or hostile input such as a throwing getter). */
export function recordingFailed(helper: string, err: unknown): void {
  diag.error(`agentmeter: ${helper} failed; the sample was not recorded`, err);
}
