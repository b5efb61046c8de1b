// What `npm test`, `npm run demo` and `npm run bench` run: the set-up a fresh clone needs, then
// the task. Runs on any Node with no dependencies installed:
//   1. on a Node older than engines.node, fetch the current line from the npm registry (once,
//      cached outside the repo) and run again under it;
//   2. `npm ci` when node_modules is missing or differs from package-lock.json;
//   3. compile src/ when anything it is built from changed;
//   4. the task: test [vitest args] | demo [demo flags] | bench [bench args] |
//      bench:overhead [args] | bench:capacity [args] | soak [--minutes N ...].
// Set-up messages go to stderr, so the task's stdout stays its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_NODE, NODE_LINES, atLeast, ensureNode } from './node-runtime.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP_DIR = join(ROOT, 'node_modules', '.agentmeter');
const BUILD_STAMP = join(STAMP_DIR, 'build-stamp');
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

const TASKS = {
  test: (args) =>
    // Extra args select tests (`npm test -- test/unit/cli`); the package type-shape check
    // belongs to the whole suite only.
    args.length > 0 ? [['vitest', 'run', ...args]] : [['vitest', 'run'], ['attw', '--pack', '.', '--quiet']],
  demo: (args) => [['node', 'dist/cli/main.js', 'demo', ...args]],
  bench: (args) => [['node', 'bench/run.mjs', ...args]],
  'bench:overhead': (args) => [['node', 'bench/overhead/run.mjs', ...args]],
  'bench:capacity': (args) => [['node', 'bench/collector-capacity.bench.mjs', ...args]],
  soak: (args) => [['node', 'bench/soak/run.mjs', ...args]],
};

function say(message) {
  process.stderr.write(`agentmeter: ${message}\n`);
}

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Runs a command with the project's bins and this Node first on PATH; resolves with its exit
 * status. SIGTERM sent to this script is passed on; Ctrl-C (SIGINT) and a closed terminal
 * (SIGHUP) already reach the whole process group, so this script only waits for the task to
 * finish its own shutdown (passing them on would deliver them twice).
 */
function run(command, args, { stdio = 'inherit', env = process.env } = {}) {
  const bin = command === 'node' ? process.execPath : command;
  const path = [join(ROOT, 'node_modules', '.bin'), dirname(process.execPath), env.PATH].join(':');
  const child = spawn(bin, args, { cwd: ROOT, stdio, env: { ...env, PATH: path } });
  const forward = (signal) => {
    if (signal === 'SIGTERM') child.kill(signal);
  };
  for (const signal of Object.keys(SIGNAL_NUMBERS)) process.on(signal, forward);
  return new Promise((resolveStatus, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const name of Object.keys(SIGNAL_NUMBERS)) process.off(name, forward);
      // Killed by a signal: report it as a shell would (130 for Ctrl-C).
      resolveStatus(code ?? 128 + (SIGNAL_NUMBERS[signal] ?? 1));
    });
  });
}

function underSupportedNode() {
  const bin = ensureNode(NODE_LINES.current);
  say(`Node ${process.version} is older than the supported ${MIN_NODE}; running under Node ${NODE_LINES.current} from ${bin}`);
  return run(join(bin, 'node'), process.argv.slice(1), { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
}

/** True when node_modules holds exactly what package-lock.json asks for (npm's own record). */
function dependenciesCurrent() {
  const installedFile = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(installedFile)) return false;
  const wanted = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const installed = JSON.parse(readFileSync(installedFile, 'utf8')).packages;
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    // npm leaves out optional packages built for other platforms.
    if (installed[path]?.version !== entry.version && !entry.optional) return false;
  }
  return true;
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function buildCurrent() {
  if (!existsSync(BUILD_STAMP) || !existsSync(join(ROOT, 'dist', 'index.js'))) return false;
  const built = statSync(BUILD_STAMP).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMtime(join(ROOT, input)) <= built);
}

async function main() {
  const [task, ...args] = process.argv.slice(2);
  if (!TASKS[task]) {
    process.stderr.write(`usage: node scripts/run.mjs ${Object.keys(TASKS).join('|')} [args...]  (got "${task ?? ''}")\n`);
    return 2;
  }
  if (!atLeast(process.version, MIN_NODE)) return underSupportedNode();
  if (!dependenciesCurrent()) {
    say('installing dependencies (npm ci), node_modules is missing or differs from package-lock.json');
    // npm's own output goes to stderr with the other set-up messages.
    const status = await run('npm', ['ci', '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
    if (status !== 0) return status;
  }
  if (!buildCurrent()) {
    say('compiling src/ (tsc)');
    const status = await run('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { stdio: ['ignore', 2, 2] });
    if (status !== 0) return status;
    mkdirSync(STAMP_DIR, { recursive: true });
    writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
  }
  for (const [command, ...commandArgs] of TASKS[task](args)) {
    const status = await run(command, commandArgs);
    if (status !== 0) return status;
  }
  return 0;
}

process.exitCode = await main();
