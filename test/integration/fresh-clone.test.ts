// The README's first two commands, typed first on a fresh clone: nothing installed, nothing
// built. `npm run demo` is run with an end-of-life Node first on PATH (it must fetch a
// supported Node itself); `npm test` with the current line. Each gets its own copy of the
// working tree as git would check it out (tracked and unignored files, no node_modules/dist).
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../infra/child';
import { NODE_LINES, ensureNode } from '../../scripts/node-runtime.mjs';

/** The Node line that reached end of life in April 2026; a newcomer may still have it. */
const END_OF_LIFE_NODE = '20.20.2';

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-clone-'));
  copies.push(dir);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(dir, file));
    } catch (err) {
      // A tracked file deleted in the working tree is not part of the checkout.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return dir;
}

function npm(cwd: string, args: string[], nodeBin: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Only the chosen Node and the system's tools: no node_modules/.bin of this repo.
    const env = { ...process.env, PATH: `${nodeBin}:/usr/local/bin:/usr/bin:/bin`, CI: 'true', NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    delete env.AGENTMETER_INFRA_DIR;
    delete env.VITEST;
    delete env.VITEST_WORKER_ID;
    delete env.NODE_OPTIONS;
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('a fresh clone', () => {
  it('`npm run demo -- --seconds 5` on an end-of-life Node fetches Node 26, installs, builds, prints live numbers and exits 0', async () => {
    const dir = freshCopy();
    const oldNode = ensureNode(END_OF_LIFE_NODE);
    const { status, stdout, stderr } = await npm(dir, ['run', 'demo', '--', '--seconds', '5', '--port', '0', '--summary-port', '0'], oldNode);
    expect(status, `stderr: ${stderr}`).toBe(0);
    expect(stderr).toContain(`agentmeter: Node v${END_OF_LIFE_NODE} is older than the supported 22.15.0; running under Node ${NODE_LINES.current}`);
    expect(stderr).toContain('agentmeter: installing dependencies (npm ci)');
    expect(stderr).toContain('agentmeter: compiling src/ (tsc)');
    expect(stdout).toMatch(/agentmeter demo: metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    // The live numbers: one line per simulated tool with a call count.
    expect(stdout).toMatch(/ {2}tool {2}web_search +calls +\d+ +failed +\d+ +avg +[\d.]+ ms/);
    expect(stdout).toMatch(/ {2}cache embeddings +hit rate +[\d.]+ %/);
    expect(stdout).toContain('agentmeter demo: stopped');
  }, 300000);

  it('`npm test` on Node 26 installs, builds and runs the tests it is given', async () => {
    const dir = freshCopy();
    const { status, stdout, stderr } = await npm(dir, ['test', '--', '--project', 'unit', 'test/unit/version.test.ts', 'test/unit/cli/main.test.ts'], dirname(process.execPath));
    expect(status, `stdout: ${stdout}\nstderr: ${stderr}`).toBe(0);
    expect(stderr).not.toContain('is older than the supported');
    expect(stderr).toContain('agentmeter: installing dependencies (npm ci)');
    expect(stderr).toContain('agentmeter: compiling src/ (tsc)');
    expect(stdout).toMatch(/Test Files +2 passed \(2\)/);
  }, 300000);
});
