// The `agentmeter` command as a user runs it: dist/cli/main.js in a child process (npm test
// builds first), exit status and both streams checked exactly.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/child';
import { PACKAGE_VERSION } from '../../../src/version';

function agentmeter(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15000 });
  return { status, stdout, stderr };
}

describe('agentmeter help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the commands and exits 0', (flag) => {
    const { status, stdout, stderr } = agentmeter(flag);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: agentmeter \[options\] \[command\]\n/);
    expect(stdout).toMatch(/\n {2}demo \[options\] +run a simulated agent/);
    expect(stdout).toMatch(/\n {2}help \[command\] +print usage of a command\n/);
  });

  it.each([['demo', '--help'], ['demo', '-h'], ['help', 'demo']])('%s %s prints the demo usage and exits 0 without starting it', (...args) => {
    const { status, stdout, stderr } = agentmeter(...args);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: agentmeter demo \[options\]\n/);
    for (const flag of ['--port <n>', '--summary-port <n>', '--seconds <n>', '--requests <n>', '--fault-burst', '--fault-after <s>', '--fault-seconds <s>']) expect(stdout).toContain(flag);
    expect(stdout).not.toContain('metrics at');
  });

  it.each([['--version'], ['-V'], ['version']])('%s prints the package version', (flag) => {
    expect(agentmeter(flag)).toEqual({ status: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });
});

describe('agentmeter usage errors: one line naming the problem, one hint, exit 2', () => {
  it.each([
    [['frob'], "agentmeter: unknown command 'frob'\n(run \"agentmeter --help\" for usage)\n"],
    [['dmeo'], "agentmeter: unknown command 'dmeo'\n(Did you mean demo?)\n"],
    [['--frob'], "agentmeter: unknown option '--frob'\n(run \"agentmeter --help\" for usage)\n"],
    [['demo', '--frob'], "agentmeter: unknown option '--frob'\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--prot', '0'], "agentmeter: unknown option '--prot'\n(Did you mean --port?)\n"],
    [['demo', '--port', 'abc'], "agentmeter: option '--port <n>' argument 'abc' is invalid. expected a port from 0 to 65535.\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--port', '70000'], "agentmeter: option '--port <n>' argument '70000' is invalid. expected a port from 0 to 65535.\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--seconds', '-1'], "agentmeter: option '--seconds <n>' argument '-1' is invalid. expected a non-negative integer.\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--requests', '2.5'], "agentmeter: option '--requests <n>' argument '2.5' is invalid. expected a non-negative integer.\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--seconds'], "agentmeter: option '--seconds <n>' argument missing\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', '--fault-seconds', 'x'], "agentmeter: option '--fault-seconds <s>' argument 'x' is invalid. expected a non-negative integer.\n(run \"agentmeter demo --help\" for usage)\n"],
    [['demo', 'extra'], "agentmeter: too many arguments for 'demo'. Expected 0 arguments but got 1: extra.\n(run \"agentmeter demo --help\" for usage)\n"],
  ])('%j', (args, message) => {
    expect(agentmeter(...args)).toEqual({ status: 2, stdout: '', stderr: message });
  });
});

describe('agentmeter demo piped into a reader that stops early', () => {
  it('ends quietly with status 0 on EPIPE', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--summary-port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `| head -1`: read the first line, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(0);
    expect(stderr).toBe('');
  }, 20000);
});
