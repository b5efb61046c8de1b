/**
 * The answers `agentmeter jobs` gives, from the lines of `metrics.jsonl` files (src/jobs/scope.ts
 * writes them): the slowest LLM calls, total LLM time, tool calls by tool and failed tools, per
 * job and across jobs. Pure: lines in, a report out; reading files is src/jobs/read.ts.
 *
 * Sums add up in a fixed order (a job's lines in file order; across jobs, the jobs' sums in job
 * order), so the totals are exactly those of a jq program that adds in the same order.
 */

/** At most this many distinct tool names (and error types per tool) are kept; later ones count as `_other`. */
export const MAX_NAMES = 1000;
/** The name later distinct names are counted under once `MAX_NAMES` is reached. */
export const OTHER_NAME = '_other';

/** One LLM call, as the report lists it. */
export interface LlmCallRow {
  /** The job folder's name. */
  job: string;
  /** 1-based line number in the job's metrics.jsonl. */
  line: number;
  provider: string;
  model: string;
  phase: string | null;
  duration_ms: number;
  success: boolean;
  error: string | null;
}

/** Tool calls of one tool. */
export interface ToolRow {
  tool: string;
  calls: number;
  failed: number;
  /** Sum of the calls' durations, milliseconds. */
  total_ms: number;
}

/** Failed calls of one tool with one error type (`null`: the line named none). */
export interface FailedToolRow {
  tool: string;
  error: string | null;
  count: number;
}

/** The answers for one job. */
export interface JobRow {
  job: string;
  llm_calls: number;
  /** Sum of the LLM calls' durations, milliseconds. */
  llm_ms: number;
  /** The job's slowest LLM call, or `null` without one. */
  slowest_llm: LlmCallRow | null;
  tool_calls: number;
  failed_tool_calls: number;
  tools: ToolRow[];
  failed_tools: FailedToolRow[];
}

/** What happened to the lines read. */
export interface LineCounts {
  /** Lines read, of every kind. */
  read: number;
  /** Tool and LLM call lines the answers count. */
  used: number;
  /** Well-formed lines of another event (blank lines too): left out, for lines a later version may add. */
  ignored: number;
  /** Not JSON, too long, not an object, or a tool/LLM call line with a missing or mistyped field. */
  malformed: number;
}

/** The whole report, as `agentmeter jobs --json` prints it. */
export interface JobsReport {
  totals: { jobs: number; llm_calls: number; llm_ms: number; tool_calls: number; failed_tool_calls: number };
  slowest_llm_calls: LlmCallRow[];
  tools: ToolRow[];
  failed_tools: FailedToolRow[];
  jobs: JobRow[];
  lines: LineCounts;
}

type ParsedLine =
  | { kind: 'tool'; tool: string; durationMs: number; success: boolean; error: string | null }
  | { kind: 'llm'; provider: string; model: string; phase: string | null; durationMs: number; success: boolean; error: string | null }
  | { kind: 'ignored' }
  | { kind: 'malformed' };

const MALFORMED: ParsedLine = { kind: 'malformed' };
const IGNORED: ParsedLine = { kind: 'ignored' };

const isDuration = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Classifies one line of metrics.jsonl (`undefined`: a line over the length bound). */
export function parseJobLine(text: string | undefined): ParsedLine {
  if (text === undefined) return MALFORMED;
  if (text.trim() === '') return IGNORED;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return MALFORMED;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return MALFORMED;
  const line = value as Record<string, unknown>;
  // A missing `error` or `phase` reads as null, as jq's `.error` does.
  const { event, duration_ms: durationMs, success } = line;
  const error = line.error ?? null;
  if (event === 'tool_call') {
    const { tool } = line;
    if (typeof tool !== 'string' || !isDuration(durationMs) || typeof success !== 'boolean' || !isNullableString(error)) return MALFORMED;
    return { kind: 'tool', tool, durationMs, success, error };
  }
  if (event === 'llm_call') {
    const { provider, model } = line;
    const phase = line.phase ?? null;
    if (typeof provider !== 'string' || typeof model !== 'string' || !isNullableString(phase)) return MALFORMED;
    if (!isDuration(durationMs) || typeof success !== 'boolean' || !isNullableString(error)) return MALFORMED;
    return { kind: 'llm', provider, model, phase, durationMs, success, error };
  }
  return IGNORED;
}

/** Slowest first; ties by job, then line: the same order whatever order the calls came in. */
export function slowerFirst(a: LlmCallRow, b: LlmCallRow): number {
  if (a.duration_ms !== b.duration_ms) return b.duration_ms - a.duration_ms;
  if (a.job !== b.job) return a.job < b.job ? -1 : 1;
  return a.line - b.line;
}

/** Keeps the `limit` slowest LLM calls seen, in `slowerFirst` order. */
class SlowestCalls {
  readonly rows: LlmCallRow[] = [];
  constructor(private readonly limit: number) {}

  offer(row: LlmCallRow): void {
    const rows = this.rows;
    if (rows.length === this.limit && (this.limit === 0 || slowerFirst(row, rows[rows.length - 1]!) >= 0)) return;
    // Binary search for the first kept row that `row` sorts before: a large --top stays cheap.
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (slowerFirst(row, rows[mid]!) < 0) high = mid;
      else low = mid + 1;
    }
    rows.splice(low, 0, row);
    if (rows.length > this.limit) rows.pop();
  }
}

interface ToolTally {
  calls: number;
  failed: number;
  totalMs: number;
  errors: Map<string | null, number>;
}

/** A name kept under the cap, or `_other` once `MAX_NAMES` distinct names are in `map`. */
function capped<K>(map: Map<K, unknown>, name: K, other: K): K {
  return map.has(name) || map.size < MAX_NAMES ? name : other;
}

function tallyOf(tools: Map<string, ToolTally>, name: string): ToolTally {
  const key = capped(tools, name, OTHER_NAME);
  let tally = tools.get(key);
  if (tally === undefined) {
    tally = { calls: 0, failed: 0, totalMs: 0, errors: new Map() };
    tools.set(key, tally);
  }
  return tally;
}

function addErrors(into: Map<string | null, number>, error: string | null, count: number): void {
  const key = capped(into, error, OTHER_NAME);
  into.set(key, (into.get(key) ?? 0) + count);
}

const byCallsThenName = (a: ToolRow, b: ToolRow): number => b.calls - a.calls || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0);

/** `null` before any text, as jq orders them. */
function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

const byCountThenNames = (a: FailedToolRow, b: FailedToolRow): number =>
  b.count - a.count || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0) || compareNullable(a.error, b.error);

function toolRows(tools: Map<string, ToolTally>): { tools: ToolRow[]; failed: FailedToolRow[] } {
  const rows: ToolRow[] = [];
  const failed: FailedToolRow[] = [];
  for (const [tool, t] of tools) {
    rows.push({ tool, calls: t.calls, failed: t.failed, total_ms: t.totalMs });
    for (const [error, count] of t.errors) failed.push({ tool, error, count });
  }
  return { tools: rows.sort(byCallsThenName), failed: failed.sort(byCountThenNames) };
}

/** The answers for one job, fed its lines in file order. */
export class JobTally {
  llmCalls = 0;
  llmMs = 0;
  slowest: LlmCallRow | null = null;
  toolCalls = 0;
  failedToolCalls = 0;
  readonly tools = new Map<string, ToolTally>();
  readonly lines: LineCounts = { read: 0, used: 0, ignored: 0, malformed: 0 };
  /** Line numbers of the first few malformed lines, for the diagnostic. */
  readonly firstMalformed: number[] = [];

  constructor(readonly job: string, private readonly keepLlm: SlowestCalls = new SlowestCalls(0)) {}

  /** Adds one line (`text` undefined: the line was over the length bound). */
  add(number: number, text: string | undefined): void {
    this.lines.read++;
    const parsed = parseJobLine(text);
    if (parsed.kind === 'malformed') {
      this.lines.malformed++;
      if (this.firstMalformed.length < 3) this.firstMalformed.push(number);
      return;
    }
    if (parsed.kind === 'ignored') {
      this.lines.ignored++;
      return;
    }
    this.lines.used++;
    if (parsed.kind === 'tool') {
      this.toolCalls++;
      const tally = tallyOf(this.tools, parsed.tool);
      tally.calls++;
      tally.totalMs += parsed.durationMs;
      if (!parsed.success) {
        this.failedToolCalls++;
        tally.failed++;
        addErrors(tally.errors, parsed.error, 1);
      }
      return;
    }
    this.llmCalls++;
    this.llmMs += parsed.durationMs;
    const row: LlmCallRow = {
      job: this.job,
      line: number,
      provider: parsed.provider,
      model: parsed.model,
      phase: parsed.phase,
      duration_ms: parsed.durationMs,
      success: parsed.success,
      error: parsed.error,
    };
    if (this.slowest === null || slowerFirst(row, this.slowest) < 0) this.slowest = row;
    this.keepLlm.offer(row);
  }

  /** This job's slowest calls, at most the report's top count. */
  get slowestCalls(): LlmCallRow[] {
    return this.keepLlm.rows;
  }

  row(): JobRow {
    const { tools, failed } = toolRows(this.tools);
    return {
      job: this.job,
      llm_calls: this.llmCalls,
      llm_ms: this.llmMs,
      slowest_llm: this.slowest,
      tool_calls: this.toolCalls,
      failed_tool_calls: this.failedToolCalls,
      tools,
      failed_tools: failed,
    };
  }
}

/** A fresh tally for a job, keeping its `top` slowest LLM calls for the report's list. */
export function jobTally(job: string, top: number): JobTally {
  return new JobTally(job, new SlowestCalls(top));
}

/** Folds the jobs' tallies, in the order given (sort them by job first), into the report. */
export function buildReport(jobs: readonly JobTally[], top: number): JobsReport {
  const slowest = new SlowestCalls(top);
  const tools = new Map<string, ToolTally>();
  const totals = { jobs: jobs.length, llm_calls: 0, llm_ms: 0, tool_calls: 0, failed_tool_calls: 0 };
  const lines: LineCounts = { read: 0, used: 0, ignored: 0, malformed: 0 };
  for (const job of jobs) {
    totals.llm_calls += job.llmCalls;
    totals.llm_ms += job.llmMs;
    totals.tool_calls += job.toolCalls;
    totals.failed_tool_calls += job.failedToolCalls;
    for (const row of job.slowestCalls) slowest.offer(row);
    for (const [name, t] of job.tools) {
      const into = tallyOf(tools, name);
      into.calls += t.calls;
      into.failed += t.failed;
      into.totalMs += t.totalMs;
      for (const [error, count] of t.errors) addErrors(into.errors, error, count);
    }
    lines.read += job.lines.read;
    lines.used += job.lines.used;
    lines.ignored += job.lines.ignored;
    lines.malformed += job.lines.malformed;
  }
  const rows = toolRows(tools);
  return { totals, slowest_llm_calls: slowest.rows, tools: rows.tools, failed_tools: rows.failed, jobs: jobs.map((j) => j.row()), lines };
}
