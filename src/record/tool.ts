/** Tool calls: `gen_ai.execute_tool.duration`, from which calls, failures and percentiles follow. */
import { diag } from '@opentelemetry/api';
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { toolWindows } from '../store/windows';
import { ATTR_AGENT_NAME, ATTR_ERROR_TYPE, ATTR_TOOL_NAME } from '../catalog-vocabulary';
import { jobState, recordJobToolCall } from '../jobs/scope';
import { withKeys } from '../store/instrument';

/** One finished tool call. */
export interface ToolCall {
  /** Tool name, e.g. `web_search`; bounded by the attribute cap. */
  tool: string;
  /** Duration in seconds (non-negative, finite). */
  seconds: number;
  /** Set on failure: an Error (its `code` or class name becomes `error.type`) or an error type string. */
  error?: unknown;
  /** The agent the tool ran for (`gen_ai.agent.name`), when there is one; bounded by the attribute cap. */
  agent?: string;
}

/** Records one tool call. Never throws; bad input is dropped and counted in `agentmeter.dropped`. */
export function recordToolCall(call: ToolCall): void {
  if (!state.enabled) return;
  // A function of its own rather than a guarded() closure: one shared closure body calling
  // every helper is a megamorphic call site V8 will not inline (bench/hot-path).
  try {
    record(call.tool, call.seconds, call.error, call.agent);
  } catch (err) {
    recordingFailed('recordToolCall', err);
  }
}

// Resolved once: the hot path then reads a module constant instead of walking the registry.
const toolDuration = withKeys(instruments.toolDuration, ATTR_TOOL_NAME, ATTR_AGENT_NAME, ATTR_ERROR_TYPE);

function record(toolName: unknown, seconds: unknown, error: unknown, agentName?: unknown): void {
  const value = guard.measurement(seconds, 'tool call seconds');
  if (value < 0) return;
  const tool = guard.name(toolName, 'tool');
  if (tool === undefined) return;
  const agent = guard.optionalName(agentName, 'agent');
  const type = failureType(error);
  const point = toolDuration.get3(tool, agent, type);
  point.record(value);
  if (toolWindows.enabled) toolWindows.add(point.attributes[ATTR_TOOL_NAME] as string, value);
  if (jobState.active !== 0) recordJobToolCall(tool, value, type);
}

/**
 * Runs `fn`, records its duration under `tool` and, if it throws or its promise rejects, the
 * error's type. Returns what `fn` returns and rethrows the original error unchanged.
 */
export function timeToolCall<T>(tool: string, fn: () => T): T {
  if (!state.enabled) return fn();
  const start = performance.now();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    // Whatever was thrown, `throw undefined` included, the call failed.
    recordSafely(tool, start, thrownValue(err));
    throw err;
  }
  if (thenable(result)) {
    try {
      return result.then(
        (value) => {
          recordSafely(tool, start, undefined);
          return value;
        },
        (err: unknown) => {
          recordSafely(tool, start, thrownValue(err));
          throw err;
        },
      ) as T;
    } catch {
      // A thenable whose then() throws (or whose getter does, the second time): handed back as is.
    }
  }
  recordSafely(tool, start, undefined);
  return result;
}

function recordSafely(tool: string, start: number, error: unknown): void {
  try {
    record(tool, (performance.now() - start) / 1000, error);
  } catch (err) {
    diag.error('agentmeter: timeToolCall failed to record', err);
  }
}

/** A thrown or rejected value as a failure: one that failureType() would read as "no failure" becomes `_OTHER`. */
function thrownValue(err: unknown): unknown {
  return err === undefined || err === null || err === false ? '_OTHER' : err;
}

/** isPromiseLike() that never throws: a result whose `then` getter throws is a plain value here. */
function thenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return isPromiseLike(value);
  } catch {
    return false;
  }
}

/** True for promises and other thenables. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
