/**
 * Job scope: inside `runJob`, tool and LLM calls recorded through the helpers also append one
 * JSON line each to `<dir>/metrics.jsonl` and log one structured line. The scope travels with
 * AsyncLocalStorage, so concurrent jobs never mix their records. Writes are queued per job and
 * batched; a failed write is counted (`agentmeter.job.write_errors`), never thrown.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { errorType } from '../attributes';
import { instruments } from '../store/registry';
import { jobLogger, keyValueLine } from './logger';
import { withKeys } from '../store/instrument';
import { recordWorkflow } from '../record/agent';
import { ATTR_ERROR_TYPE } from '../catalog-vocabulary';
import { recentJobs } from '../store/recent-jobs';
import { state } from '../store/registry';

const jobWriteErrors = withKeys(instruments.jobWriteErrors, ATTR_ERROR_TYPE);

/** What identifies a job and where its records go. */
export interface JobOptions {
  /** Job id, written on every line. */
  id: string;
  /** Directory of the job's `metrics.jsonl` (created if missing). */
  dir: string;
  /**
   * What kind of job this is, e.g. `nightly-report`: the `gen_ai.workflow.name` of the job's
   * `gen_ai.workflow.duration` sample (bounded by the attribute cap). Never the id: one value per
   * job would be a new series each time. Absent by default.
   */
  name?: string;
}

/** What `runJob` resolves with. */
export interface JobResult<T> {
  result: T;
  /** Wall time of the job in milliseconds. */
  durationMs: number;
}

interface Scope {
  id: string;
  file: string;
  ready: Promise<unknown>;
  pending: string[];
  writing: Promise<void> | undefined;
  /** What the status page lists for the job once it ends. */
  tally: { toolCalls: number; failedToolCalls: number; llmCalls: number; failedLlmCalls: number; llmSeconds: number };
}

const storage = new AsyncLocalStorage<Scope>();
/** Jobs running now; the helpers skip the scope lookup entirely while it is 0. */
export const jobState = { active: 0 };
let warned = false;

function flush(scope: Scope): Promise<void> {
  scope.writing ??= (async () => {
    await scope.ready;
    while (scope.pending.length > 0) {
      const lines = scope.pending.splice(0, scope.pending.length);
      try {
        await appendFile(scope.file, lines.join(''));
      } catch (err) {
        jobWriteErrors.get1(errorType(err)).add(lines.length);
        if (!warned) {
          warned = true;
          diag.warn(`agentmeter: cannot write ${scope.file}; job lines are counted in agentmeter.job.write_errors`, err);
        }
      }
    }
    scope.writing = undefined;
  })();
  return scope.writing;
}

function append(scope: Scope, event: string, record: Record<string, unknown>, logEvent: string): void {
  const line = { event, job_id: scope.id, ...record };
  scope.pending.push(`${JSON.stringify(line)}\n`);
  void flush(scope);
  const fields = { job_id: scope.id, ...record };
  try {
    jobLogger().info({ event: logEvent, ...fields }, keyValueLine(logEvent, fields));
  } catch (err) {
    diag.error('agentmeter: the job logger threw', err);
  }
}

function times(durationSeconds: number): { start_ts: string; end_ts: string; duration_ms: number } {
  const end = Date.now();
  const durationMs = durationSeconds * 1000;
  return { start_ts: new Date(end - durationMs).toISOString(), end_ts: new Date(end).toISOString(), duration_ms: Math.round(durationMs * 1000) / 1000 };
}

/** Called by the tool helper inside a job. */
export function recordJobToolCall(tool: string, seconds: number, type: string): void {
  const scope = storage.getStore();
  if (scope === undefined) return;
  scope.tally.toolCalls++;
  if (type !== '') scope.tally.failedToolCalls++;
  append(scope, 'tool_call', { tool, ...times(seconds), success: type === '', error: type === '' ? null : type }, 'tool_call_complete');
}

/** Called by the LLM helper inside a job. */
export function recordJobLlmCall(call: {
  phase: string | undefined;
  provider: string;
  model: string;
  seconds: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  type: string;
}): void {
  const scope = storage.getStore();
  if (scope === undefined) return;
  scope.tally.llmCalls++;
  if (call.type !== '') scope.tally.failedLlmCalls++;
  scope.tally.llmSeconds += call.seconds;
  append(
    scope,
    'llm_call',
    {
      phase: call.phase ?? null,
      provider: call.provider,
      model: call.model,
      ...times(call.seconds),
      input_tokens: call.inputTokens ?? null,
      output_tokens: call.outputTokens ?? null,
      success: call.type === '',
      error: call.type === '' ? null : call.type,
    },
    'llm_call_complete',
  );
}

// The arithmetic of the lines' duration_ms, so a one-call job shows what `agentmeter jobs` reads.
const ms = (seconds: number): number => Math.round(seconds * 1000 * 1000) / 1000;

/** Lists the job among the recent ones (the status page's table); never throws. */
function finished(options: JobOptions, scope: Scope, seconds: number, failed: boolean): void {
  try {
    const t = scope.tally;
    recentJobs.add({
      id: String(options.id),
      name: typeof options.name === 'string' ? options.name : null,
      end_time: Date.now() / 1000,
      duration_ms: ms(seconds),
      llm_calls: t.llmCalls,
      llm_ms: ms(t.llmSeconds),
      failed_llm_calls: t.failedLlmCalls,
      tool_calls: t.toolCalls,
      failed_tool_calls: t.failedToolCalls,
      failed,
    });
  } catch (err) {
    diag.error('agentmeter: could not list the finished job', err);
  }
}

/**
 * Runs `fn` as a job: its tool and LLM calls are also written to `<dir>/metrics.jsonl`.
 * Resolves with the result and the duration once every line is written; rejects with `fn`'s
 * own error, unchanged, after the same.
 */
export async function runJob<T>(options: JobOptions, fn: () => T | Promise<T>): Promise<JobResult<T>> {
  const scope: Scope = {
    id: options.id,
    file: join(options.dir, 'metrics.jsonl'),
    ready: mkdir(options.dir, { recursive: true }).catch(() => undefined),
    pending: [],
    writing: undefined,
    tally: { toolCalls: 0, failedToolCalls: 0, llmCalls: 0, failedLlmCalls: 0, llmSeconds: 0 },
  };
  const started = performance.now();
  jobState.active++;
  // A job is a workflow in the GenAI conventions' sense: one sample each, failed or not.
  let failure: unknown;
  try {
    const result = await storage.run(scope, fn);
    return { result, durationMs: performance.now() - started };
  } catch (err) {
    failure = err ?? '_OTHER';
    throw err;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    recordWorkflow({ workflow: options.name, seconds, error: failure });
    if (state.enabled) finished(options, scope, seconds, failure !== undefined);
    jobState.active--;
    while (scope.writing !== undefined || scope.pending.length > 0) await flush(scope);
  }
}

/** The id of the job the caller runs in, if any. */
export function currentJobId(): string | undefined {
  return storage.getStore()?.id;
}

/** "Execution time: 98ms" below a second, "Execution time: 1.23s" from there on. */
export function formatDuration(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return 'Execution time: unknown';
  return durationMs < 1000 ? `Execution time: ${Math.round(durationMs)}ms` : `Execution time: ${(durationMs / 1000).toFixed(2)}s`;
}
