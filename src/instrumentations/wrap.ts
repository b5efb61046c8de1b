/**
 * Method wrapping for agentmeter's instrumentations, without shimmer's markers. A later shimmer
 * patch by another instrumentation (InstrumentationBase._wrap) unwraps any method it finds
 * marked as wrapped before wrapping it, which would silently remove ours (see sdk/coexist.ts);
 * unmarked, ours is simply wrapped in turn and both run.
 */

/** Any function, as found on a module's exports. */
export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const originals = new WeakMap<AnyFunction, AnyFunction>();

/** Replaces `target[name]` with `wrap(original)`; false when there is no such method. */
export function wrapMethod(target: object, name: string, wrap: (original: AnyFunction) => AnyFunction): boolean {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') return false;
  if (originals.has(original as AnyFunction)) return true;
  const wrapped = wrap(original as AnyFunction);
  originals.set(wrapped, original as AnyFunction);
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: own?.enumerable ?? false });
  return true;
}

/** Puts the original back if `target[name]` is still agentmeter's wrapper. */
export function unwrapMethod(target: object, name: string): void {
  const current = (target as Record<string, unknown>)[name];
  const original = typeof current === 'function' ? originals.get(current as AnyFunction) : undefined;
  if (original === undefined) return;
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value: original, writable: true, configurable: true, enumerable: own?.enumerable ?? false });
}

/** True for promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** How a call ended: its (awaited) result, or what it threw or rejected with. */
export type CallOutcome = { result: unknown; failure?: undefined } | { result?: undefined; failure: { error: unknown } };

/**
 * Calls `run` and tells `done` how it ended, once: at once for a synchronous result or throw,
 * when settled for a thenable. Returns what `run` returns (a thenable chained so the caller sees
 * the same value or rejection) and rethrows the original error.
 */
export function observeCall(run: () => unknown, done: (outcome: CallOutcome) => void): unknown {
  let pending: unknown;
  try {
    pending = run();
  } catch (err) {
    done({ failure: { error: err } });
    throw err;
  }
  if (!isThenable(pending)) {
    done({ result: pending });
    return pending;
  }
  return pending.then(
    (result) => {
      done({ result });
      return result;
    },
    (err: unknown) => {
      done({ failure: { error: err } });
      throw err;
    },
  );
}
