// The docs as a user of the npm package gets them: README.md and docs/*.md read from
// node_modules/agentmeter of a plain install of the packed tarball. Every link resolves there,
// and every code block labelled `<!-- run: cjs -->` / `<!-- run: esm -->` runs as pasted, with
// the command its first line states, and prints what the `<!-- output -->` block after it shows.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainInstall, throwawayApp, type InstalledApp } from '../infra/npm-app';
import { brokenLinks, codeBlocks, type CodeBlock } from '../infra/markdown';
import { freePort } from '../infra/process.mjs';

/** How long one block may take, start to exit. */
const BLOCK_TIMEOUT_MILLIS = 20000;
/**
 * The ports the docs show, and the variables that set them: the test moves each to a free port
 * so that parallel runs cannot collide, and maps it back in what a block prints.
 */
const DOCUMENTED_PORTS = { OTEL_EXPORTER_PROMETHEUS_PORT: 9464, AGENTMETER_SUMMARY_PORT: 9109 };

let installed: InstalledApp;
let packageDir: string;
let docFiles: string[];
let repositoryUrl: string;
beforeAll(async () => {
  installed = await plainInstall();
  packageDir = join(installed.dir, 'node_modules', 'agentmeter');
  docFiles = ['README.md', ...readdirSync(join(packageDir, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { repository: { url: string } };
  repositoryUrl = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
}, 900000);

describe('the docs inside node_modules/agentmeter', () => {
  it('are all there: the README and one file a topic under docs/', () => {
    expect(docFiles).toEqual([
      'README.md',
      'docs/alerts.md',
      'docs/benchmarks.md',
      'docs/capacity.md',
      'docs/coexistence.md',
      'docs/configuration.md',
      'docs/dashboards.md',
      'docs/design.md',
      'docs/development.md',
      'docs/errors.md',
      'docs/exemplars.md',
      'docs/helpers.md',
      'docs/kafka.md',
      'docs/llm-cost.md',
      'docs/many-processes.md',
      'docs/metrics.md',
      'docs/routing-events.md',
      'docs/runbooks.md',
      'docs/scaling.md',
      'docs/security.md',
      'docs/slos.md',
      'docs/summary-and-jobs.md',
      'docs/zero-code.md',
    ]);
  });

  it('come with the licence the manifest names', () => {
    expect(readFileSync(join(packageDir, 'LICENSE'), 'utf8').trimStart().split('\n')[0]!.trim()).toBe('Apache License');
    expect((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { license: string }).license).toBe('Apache-2.0');
  });

  it('link only to files and headings in the package, or to https URLs (this project only under its repository)', () => {
    expect(repositoryUrl).toBe('https://github.com/agentmeter/agentmeter');
    expect(brokenLinks(packageDir, docFiles, repositoryUrl)).toEqual([]);
  });
});

interface RunnableBlock extends CodeBlock {
  file: string;
}

const runnable = (): RunnableBlock[] =>
  docFiles.flatMap((file) => codeBlocks(readFileSync(join(packageDir, file), 'utf8')).filter((b) => b.run !== undefined).map((b) => ({ ...b, file })));

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runBlock(args: string[], cwd: string, ports: Record<string, number>): Promise<Ran> {
  return new Promise((resolve) => {
    // As pasted into a shell: no OTEL_* or AGENTMETER_* settings of the test run leak in.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, BLOCK_TIMEOUT_MILLIS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The file name and node arguments from a block's first line, `// app.js: node --require agentmeter/register app.js`. */
function command(block: RunnableBlock): { fileName: string; args: string[] } {
  const first = block.code.split('\n')[0]!;
  const m = /^\/\/ (app\.(?:js|cjs|mjs)): node ((?:\S+ )*)(app\.(?:js|cjs|mjs))$/.exec(first);
  if (!m || m[1] !== m[3]) {
    throw new Error(`${block.file}:${block.line}: a runnable block's first line says how to run it, e.g. "// app.js: node --require agentmeter/register app.js"; found "${first}"`);
  }
  const fileName = m[1]!;
  const wanted = block.run === 'esm' ? /\.mjs$/ : /\.c?js$/;
  if (!wanted.test(fileName)) throw new Error(`${block.file}:${block.line}: a ${block.run} block is saved as ${block.run === 'esm' ? 'app.mjs' : 'app.js or app.cjs'}, not ${fileName}`);
  return { fileName, args: [...m[2]!.trim().split(' ').filter((a) => a !== ''), fileName] };
}

describe('code blocks labelled runnable', () => {
  it('are the ones a newcomer pastes: README first example and start() in code, the helpers and summary examples', () => {
    expect(runnable().map((b) => `${b.file} ${b.run} ${command(b).args.join(' ')}`)).toEqual([
      'README.md cjs --require agentmeter/register app.js',
      'README.md esm app.mjs',
      'docs/helpers.md cjs --require agentmeter/register app.js',
      'docs/summary-and-jobs.md cjs app.js',
    ]);
  });

  it('each run as pasted against the plain install: exit 0 in time, nothing on stderr, exactly the output shown', async () => {
    const failures: string[] = [];
    for (const block of runnable()) {
      const { fileName, args } = command(block);
      const dir = throwawayApp(installed, []);
      try {
        writeFileSync(join(dir, fileName), block.code);
        const ports: Record<string, number> = {};
        for (const variable of Object.keys(DOCUMENTED_PORTS)) ports[variable] = await freePort();
        const ran = await runBlock(args, dir, ports);
        let stdout = ran.stdout;
        for (const [variable, documented] of Object.entries(DOCUMENTED_PORTS)) stdout = stdout.replaceAll(`127.0.0.1:${ports[variable]}`, `127.0.0.1:${documented}`);
        const where = `${block.file}:${block.line} (node ${args.join(' ')})`;
        if (ran.timedOut) failures.push(`${where}: still running after ${BLOCK_TIMEOUT_MILLIS} ms`);
        else if (ran.code !== 0) failures.push(`${where}: exit ${ran.code ?? ran.signal}; stderr: ${ran.stderr}`);
        else if (ran.stderr !== '') failures.push(`${where}: wrote to stderr: ${ran.stderr}`);
        else if (block.output === undefined) failures.push(`${where}: no <!-- output --> block after it says what it prints`);
        else if (stdout !== block.output) failures.push(`${where}: printed ${JSON.stringify(stdout)}, the docs show ${JSON.stringify(block.output)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(failures).toEqual([]);
  }, 120000);
});

