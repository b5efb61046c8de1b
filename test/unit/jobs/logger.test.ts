// The default job logger must keep stdout free: it may be an MCP stdio server's protocol channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleJobLogger } from '../../../src/jobs/logger';

afterEach(() => vi.restoreAllMocks());

describe('consoleJobLogger', () => {
  it('writes the line to stderr and nothing to stdout', () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    consoleJobLogger.info({ job_id: 'job-1' }, 'tool_call_complete job_id=job-1 tool=search');
    expect(stderr.mock.calls).toEqual([['tool_call_complete job_id=job-1 tool=search\n']]);
    expect(stdout).not.toHaveBeenCalled();
  });
});
