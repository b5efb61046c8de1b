/**
 * The process's last finished jobs (`runJob`), for the status page and the JSON summary's `jobs`
 * section. Job ids are user data: kept here, shown on the page, never a metric attribute. Memory
 * is bounded: `RECENT_JOBS_KEPT` entries, each id and name cut to `MAX_JOB_TEXT` characters.
 */

/** Jobs kept and listed, the most recent first. */
export const RECENT_JOBS_KEPT = 20;
/** Longest job id or name kept, in UTF-16 code units; longer ones are cut. */
export const MAX_JOB_TEXT = 200;

/** One finished job, as the summary's `jobs.recent` lists it. */
export interface RecentJob {
  /** The job's id (`runJob`'s `id`), cut to `MAX_JOB_TEXT`. */
  id: string;
  /** The job's kind (`runJob`'s `name`), or null without one. */
  name: string | null;
  /** Unix time the job ended, seconds (three decimals). */
  end_time: number;
  /** Wall time of the job, milliseconds (three decimals). */
  duration_ms: number;
  llm_calls: number;
  /** Sum of the job's LLM call durations, milliseconds (three decimals). */
  llm_ms: number;
  failed_llm_calls: number;
  tool_calls: number;
  failed_tool_calls: number;
  /** Whether the job's function threw or its promise rejected. */
  failed: boolean;
}

const cut = (text: string): string => (text.length > MAX_JOB_TEXT ? text.slice(0, MAX_JOB_TEXT) : text);

/** A ring of the last `RECENT_JOBS_KEPT` finished jobs and the count of all of them. */
class RecentJobs {
  private readonly ring: RecentJob[] = [];
  private next = 0;
  /** Jobs finished since start (or since `clear()`). */
  finished = 0;

  add(job: RecentJob): void {
    const entry = { ...job, id: cut(job.id), name: job.name === null ? null : cut(job.name) };
    if (this.ring.length < RECENT_JOBS_KEPT) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % RECENT_JOBS_KEPT;
    this.finished++;
  }

  /** The kept jobs, the most recent first (copies). */
  list(): RecentJob[] {
    const out: RecentJob[] = [];
    for (let i = 1; i <= this.ring.length; i++) out.push({ ...this.ring[(this.next - i + RECENT_JOBS_KEPT) % RECENT_JOBS_KEPT]! });
    return out;
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
    this.finished = 0;
  }
}

export const recentJobs = new RecentJobs();
