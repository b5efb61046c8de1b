/**
 * The demo's jobs: every 5th request runs as a job (runJob) in a folder of its own, so the
 * status page's job table and `agentmeter jobs <dir>` have something to show. Only the last 100
 * folders are kept: a demo left running for hours uses a few hundred KB of disk, not more; the
 * folder is removed when the process exits (a stop, or an exit on EPIPE), so runs and the tests
 * that start demos leave nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob } from '../index';

/** One request in this many runs as a job. */
export const DEMO_JOB_EVERY = 5;
/** Job folders kept; older ones are removed. */
export const DEMO_JOBS_KEPT = 100;

export class DemoJobs {
  /** The folder of the job folders: a fresh one under the OS's temporary directory. */
  readonly dir = mkdtempSync(join(tmpdir(), 'agentmeter-demo-jobs-'));
  private requests = 0;

  constructor() {
    // Synchronous, so it also runs on process.exit(); an async rm would never finish there.
    process.once('exit', () => {
      try {
        rmSync(this.dir, { recursive: true, force: true });
      } catch {
        // A folder that cannot be removed stays in the temporary directory; the exit goes on.
      }
    });
  }

  /** Runs one request's `work`, as a job when its turn comes; resolves with what `work` resolves with. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (++this.requests % DEMO_JOB_EVERY !== 0) return work();
    const n = this.requests / DEMO_JOB_EVERY;
    // Zero-padded, so folder (and `agentmeter jobs`) order is run order.
    const folder = (k: number): string => join(this.dir, `request-${String(k).padStart(6, '0')}`);
    const id = `request-${String(n).padStart(6, '0')}`;
    return runJob({ id, name: 'demo-request', dir: folder(n) }, work)
      .then((done) => done.result)
      .finally(() => {
        if (n > DEMO_JOBS_KEPT) void rm(folder(n - DEMO_JOBS_KEPT), { recursive: true, force: true }).catch(() => undefined);
      });
  }
}
