import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordAgentHandoff, recordAgentInvocation, recordWorkflow } from '../../../src/record/agent';
import { recordToolCall } from '../../../src/record/tool';
import { runJob } from '../../../src/jobs/scope';
import { guard } from '../../../src/store/registry';
import { histogramOf, resetStore, valueOf } from '../helpers';

beforeEach(resetStore);

describe('agent invocations', () => {
  it('records duration by agent, with provider and model only when given, and the error type', () => {
    recordAgentInvocation({ agent: 'triage', seconds: 2.5 });
    recordAgentInvocation({ agent: 'triage', seconds: 1.5 });
    recordAgentInvocation({ agent: 'triage', seconds: 4, provider: 'openai', model: 'gpt-5', error: Object.assign(new Error('x'), { code: 'MaxTurnsExceeded' }) });
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'triage' })).toMatchObject({ count: 2, sum: 4 });
    expect(
      histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'triage', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5', 'error.type': 'MaxTurnsExceeded' }),
    ).toMatchObject({ count: 1, sum: 4 });
  });

  it('drops a run without an agent name or with a bad duration, and never throws', () => {
    const before = guard.dropped.missing_name;
    recordAgentInvocation({ agent: '', seconds: 1 });
    recordAgentInvocation({ agent: 'a', seconds: -1 });
    expect(() => recordAgentInvocation(null as never)).not.toThrow();
    expect(guard.dropped.missing_name).toBe(before + 1);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'a' })).toBeUndefined();
  });

  it('keeps hostile agent names as data: __proto__ is a label value, Object.prototype stays clean', () => {
    recordAgentInvocation({ agent: '__proto__', seconds: 1 });
    recordAgentHandoff({ from: '__proto__', to: 'constructor' });
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': '__proto__' })!.count).toBe(1);
    expect(valueOf('agent.handoffs', { 'gen_ai.agent.name': '__proto__', 'agent.handoff.target': 'constructor' })).toBe(1);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('handoffs', () => {
  it('counts each handoff by source and target agent', () => {
    recordAgentHandoff({ from: 'triage', to: 'billing' });
    recordAgentHandoff({ from: 'triage', to: 'billing' });
    recordAgentHandoff({ from: 'billing', to: 'triage' });
    expect(valueOf('agent.handoffs', { 'gen_ai.agent.name': 'triage', 'agent.handoff.target': 'billing' })).toBe(2);
    expect(valueOf('agent.handoffs', { 'gen_ai.agent.name': 'billing', 'agent.handoff.target': 'triage' })).toBe(1);
  });
});

describe('tool calls for an agent', () => {
  it('labels the agent only when one is given', () => {
    recordToolCall({ tool: 'search', seconds: 0.1, agent: 'triage' });
    recordToolCall({ tool: 'search', seconds: 0.2, agent: '' });
    recordToolCall({ tool: 'search', seconds: 0.3 });
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'triage' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search' })!.count).toBe(2);
  });
});

describe('workflows', () => {
  it('records a workflow by name, and one per runJob with the job name and its failure', async () => {
    recordWorkflow({ workflow: 'ingest', seconds: 3 });
    recordWorkflow({ seconds: 1, error: 'timeout' });
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-workflow-'));
    await runJob({ id: 'job-1', name: 'nightly', dir }, () => 1);
    await expect(runJob({ id: 'job-2', name: 'nightly', dir }, () => Promise.reject(new RangeError('no')))).rejects.toThrow('no');
    await runJob({ id: 'job-3', dir }, () => 1);
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'ingest' })).toMatchObject({ count: 1, sum: 3 });
    expect(histogramOf('gen_ai.workflow.duration', { 'error.type': 'timeout' })!.count).toBe(1);
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'nightly' })!.count).toBe(1);
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'nightly', 'error.type': 'RangeError' })!.count).toBe(1);
    // The job id is never a label: the unnamed job has no workflow name at all.
    expect(histogramOf('gen_ai.workflow.duration', {})!.count).toBe(1);
  });
});
