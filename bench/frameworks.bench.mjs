// What each zero-code hook adds to a framework's tool step, next to the framework's own cost of
// that step. Each bench/frameworks/<name>.mjs is run inside an app installed from npm (its
// `// deps:` line names the packages; agentmeter comes from an `npm pack` of this repo), under
// `--require agentmeter/register` with no exporter, once with every instrumentation off and once
// with the defaults, in alternating rounds; the script prints one JSON line
// ({framework, version, microsPerToolStep, toolStepsPerRun}). The GenAI span bridge is measured
// in process: one span through the bridge against the same span through the no-op provider.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { fmt, nsPerOpInterleaved, table } from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(process.env.AGENTMETER_CACHE_DIR ?? join(homedir(), '.cache', 'agentmeter'), 'bench-frameworks');

function npm(args, cwd) {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** The packed agentmeter, once per run. */
let packed;
function agentmeterTarball() {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-bench-pack-'));
  const name = npm(['pack', '--pack-destination', dir], ROOT).trim().split('\n').pop();
  packed = readFileSync(join(dir, name));
  rmSync(dir, { recursive: true, force: true });
  return packed;
}

/** node_modules of an app with `deps` and agentmeter, cached by both. */
function install(deps) {
  const tarball = agentmeterTarball();
  const key = createHash('sha256').update(JSON.stringify({ deps, node: process.version })).update(tarball).digest('hex').slice(0, 16);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, 'installed'))) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'agentmeter.tgz'), tarball);
  writeFileSync(join(partial, 'package.json'), JSON.stringify({ name: 'bench-app', private: true, dependencies: { ...deps, agentmeter: 'file:agentmeter.tgz' } }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], partial);
  writeFileSync(join(partial, 'installed'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

function runScript(appDir, script, hooksOn) {
  return new Promise((resolveRun, reject) => {
    const env = { ...process.env, OTEL_METRICS_EXPORTER: 'none', AGENTMETER_INSTRUMENTATIONS: hooksOn ? '' : 'none' };
    if (hooksOn) delete env.AGENTMETER_INSTRUMENTATIONS;
    const child = spawn(process.execPath, ['--require', 'agentmeter/register', script], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0) reject(new Error(`${basename(script)} exited ${code}: ${err}`));
      else resolveRun(JSON.parse(line));
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The bridge's cost per GenAI span, in process. */
async function bridgeCost() {
  const { installSpanBridge, uninstallSpanBridge } = await import('../dist/instrumentations/genai-spans/install.js');
  const attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' };
  const span = (n) => {
    const tracer = trace.getTracer('bench-framework');
    for (let i = 0; i < n; i++) tracer.startSpan('execute_tool search', { attributes }).end();
  };
  const off = nsPerOpInterleaved([['noop', span]], { iterations: 100000 }).get('noop');
  installSpanBridge();
  const on = nsPerOpInterleaved([['bridge', span]], { iterations: 100000 }).get('bridge');
  uninstallSpanBridge();
  return { off, on };
}

export async function runFrameworks({ rounds = 3 } = {}) {
  const rows = [];
  const scripts = readdirSync(join(ROOT, 'bench', 'frameworks')).filter((f) => f.endsWith('.mjs')).sort();
  for (const file of scripts) {
    const path = join(ROOT, 'bench', 'frameworks', file);
    const deps = JSON.parse(/^\/\/ deps: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1] ?? '{}');
    const installed = install(deps);
    const app = mkdtempSync(join(tmpdir(), 'agentmeter-bench-app-'));
    symlinkSync(join(installed, 'node_modules'), join(app, 'node_modules'), 'dir');
    copyFileSync(path, join(app, file));
    const off = [];
    const on = [];
    let info;
    for (let r = 0; r < rounds; r++) {
      off.push((await runScript(app, file, false)).microsPerToolStep);
      info = await runScript(app, file, true);
      on.push(info.microsPerToolStep);
    }
    rmSync(app, { recursive: true, force: true });
    const base = median(off);
    const hooked = median(on);
    rows.push([`${info.framework} ${info.version}`, fmt(base), fmt(hooked), fmt((hooked - base) / (info.toolStepsPerRun ?? 1)), `${fmt(((hooked - base) / base) * 100)} %`]);
  }
  const bridge = await bridgeCost();
  rows.push(['GenAI span bridge (one `execute_tool` span, in process)', fmt(bridge.off / 1000, 2), fmt(bridge.on / 1000, 2), fmt((bridge.on - bridge.off) / 1000, 2), '—']);
  return {
    markdown: table(['framework (real package from npm)', 'tool step, hooks off (µs)', 'hooks on (µs)', 'added per tool execution (µs)', 'added'], rows),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // As bench/run.mjs does: recording on, no endpoint, no instrumentations of its own.
  (await import('agentmeter')).default.start({ metricsExporters: [], instrumentations: [] });
  console.log((await runFrameworks()).markdown);
}
