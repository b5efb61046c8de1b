/**
 * The summary's `jobs` section: the last jobs (`runJob`) to finish, from the store's bounded
 * list (src/store/recent-jobs.ts), merged across a cluster's processes by end time.
 */
import { RECENT_JOBS_KEPT, recentJobs, type RecentJob } from '../../store/recent-jobs';

/** The jobs that finished, in this process and a cluster's workers. */
export interface JobsSummary {
  /** Jobs finished since start. */
  finished: number;
  /** Most jobs `recent` lists (20). */
  max_listed: number;
  /** The last jobs to finish, the most recent first. */
  recent: RecentJob[];
}

/** One process's share, in plain JSON (sent over IPC by cluster workers). */
export interface JobsPart {
  finished: number;
  recent: RecentJob[];
}

/** This process's finished jobs. */
export function jobsPart(): JobsPart {
  return { finished: recentJobs.finished, recent: recentJobs.list() };
}

/**
 * The processes' jobs merged: the most recent first, at most RECENT_JOBS_KEPT. A part without
 * jobs (a worker of an older agentmeter) counts as none.
 */
export function jobsSummary(parts: readonly (JobsPart | undefined)[]): JobsSummary {
  const all = parts.flatMap((p) => (Array.isArray(p?.recent) ? p.recent : []));
  // A stable sort: jobs that ended in the same millisecond keep their process's order.
  const recent = all.sort((a, b) => b.end_time - a.end_time).slice(0, RECENT_JOBS_KEPT);
  const finished = parts.reduce((n, p) => n + (typeof p?.finished === 'number' ? p.finished : 0), 0);
  return { finished, max_listed: RECENT_JOBS_KEPT, recent };
}
