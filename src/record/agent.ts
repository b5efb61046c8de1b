/**
 * Agents and workflows: `gen_ai.invoke_agent.duration`, `gen_ai.workflow.duration` and
 * `agent.handoffs`. Not on the per-call hot path (one sample per agent run), so through guarded().
 */
import { failureType } from '../attributes';
import { guard, instruments } from '../store/registry';
import { guarded } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_AGENT_NAME, ATTR_ERROR_TYPE, ATTR_HANDOFF_TARGET, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_WORKFLOW_NAME } from '../catalog-vocabulary';

const agentDuration = withKeys(instruments.agentDuration, ATTR_AGENT_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_ERROR_TYPE);
const agentHandoffs = withKeys(instruments.agentHandoffs, ATTR_AGENT_NAME, ATTR_HANDOFF_TARGET);
const workflowDuration = withKeys(instruments.workflowDuration, ATTR_WORKFLOW_NAME, ATTR_ERROR_TYPE);

/** One finished agent invocation. */
export interface AgentInvocation {
  /** Agent name (`gen_ai.agent.name`), e.g. `triage`; bounded by the attribute cap. */
  agent: string;
  /** Duration in seconds, from the start to the final answer (or the error). */
  seconds: number;
  /** Provider (`gen_ai.provider.name`) when one serves the whole run. */
  provider?: string;
  /** Requested model (`gen_ai.request.model`) when one serves the whole run. */
  model?: string;
  /** Set on failure: an Error or an error type string. */
  error?: unknown;
}

/** One handoff of control from one agent to another. */
export interface AgentHandoff {
  /** The agent handing off (`gen_ai.agent.name`). */
  from: string;
  /** The agent taking over (`agent.handoff.target`). */
  to: string;
}

/** One finished workflow. */
export interface Workflow {
  /** Workflow name (`gen_ai.workflow.name`), when it has one; bounded by the attribute cap. */
  workflow?: string;
  /** Duration in seconds. */
  seconds: number;
  /** Set on failure: an Error or an error type string. */
  error?: unknown;
}

/** Records one agent invocation; never throws (bad input is dropped and counted). */
export const recordAgentInvocation = guarded('recordAgentInvocation', (run: AgentInvocation): void => {
  const seconds = guard.measurement(run.seconds, 'agent seconds');
  if (seconds < 0) return;
  const agent = guard.name(run.agent, 'agent');
  if (agent === undefined) return;
  agentDuration.get4(agent, guard.optionalName(run.provider, 'provider'), guard.optionalName(run.model, 'model'), failureType(run.error)).record(seconds);
});

/** Counts one handoff; never throws. */
export const recordAgentHandoff = guarded('recordAgentHandoff', (handoff: AgentHandoff): void => {
  const from = guard.name(handoff.from, 'handoff from');
  const to = guard.name(handoff.to, 'handoff to');
  if (from === undefined || to === undefined) return;
  agentHandoffs.get2(from, to).add(1);
});

/** Records one workflow; never throws. */
export const recordWorkflow = guarded('recordWorkflow', (workflow: Workflow): void => {
  const seconds = guard.measurement(workflow.seconds, 'workflow seconds');
  if (seconds < 0) return;
  workflowDuration.get2(guard.optionalName(workflow.workflow, 'workflow'), failureType(workflow.error)).record(seconds);
});
