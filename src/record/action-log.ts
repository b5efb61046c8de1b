/** Action-log events: duration, count by agent/action/status, errors by type. */
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_ACTION_STATUS, ATTR_ACTION_TYPE, ATTR_AGENT_NAME, ATTR_ERROR_TYPE } from '../catalog-vocabulary';

const actionLogDuration = withKeys(instruments.actionLogDuration, ATTR_AGENT_NAME, ATTR_ACTION_TYPE);
const actionLogErrors = withKeys(instruments.actionLogErrors, ATTR_AGENT_NAME, ATTR_ERROR_TYPE);
const actionLogEvents = withKeys(instruments.actionLogEvents, ATTR_AGENT_NAME, ATTR_ACTION_TYPE, ATTR_ACTION_STATUS);

/** One agent action written to the action log. */
export interface ActionLogEvent {
  /** Agent that acted (`gen_ai.agent.name`). */
  agent: string;
  /** Action type, e.g. `send_email`; bounded by the attribute cap. */
  action: string;
  /** `success` (default), `failure` or `cancelled`; `failure` when `error` is set. */
  status?: 'success' | 'failure' | 'cancelled';
  /** Duration in seconds, when known. */
  seconds?: number;
  /** The failure: an Error or an error type string; counted in `agent.action_log.errors`. */
  error?: unknown;
}

/** Records one ActionLogEvent; never throws (bad input is dropped and counted). */
export function recordActionLog(event: ActionLogEvent): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure: a closure shared by every helper makes one
  // megamorphic call site for all of them (bench/overhead: ten helpers per request).
  try {
    actionLog(event);
  } catch (err) {
    recordingFailed('recordActionLog', err);
  }
}

function actionLog(event: ActionLogEvent): void {
  const agent = guard.name(event.agent, 'agent');
  const action = guard.name(event.action, 'action');
  if (agent === undefined || action === undefined) return;
  const type = failureType(event.error);
  const failed = type !== '';
  const status = event.status ?? (failed ? 'failure' : 'success');
  if (event.seconds !== undefined) {
    const seconds = guard.measurement(event.seconds, 'action seconds');
    if (seconds < 0) return;
    actionLogDuration.get2(agent, action).record(seconds);
  }
  actionLogEvents.get3(agent, action, status).add(1);
  if (failed || status === 'failure') {
    actionLogErrors.get2(agent, failed ? type : '_OTHER').add(1);
  }
}
