// A user's app as npm installs it: real packages from the registry, and agentmeter from an
// `npm pack` of this repo (so `files`, `exports` and the peer range are what users get). The
// install is cached under the agentmeter cache dir, keyed by the dependencies, the tarball's
// bytes and the Node and npm versions; each run gets a throwaway app dir that links to it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { ROOT } from './child';
import { cacheDir } from './cache.mjs';

export interface NpmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the npm that ships with the Node running the tests. */
export function npm(args: string[], cwd: string): Promise<NpmResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: `${stderr}${String(err)}` }));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const STALE_MILLIS = 2 * 3600 * 1000;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export interface InstalledApp {
  /** The cached install: package.json, package-lock.json, node_modules, agentmeter.tgz. */
  dir: string;
  /** npm's output from the install (kept with the cache, so a cached run can check it too). */
  installLog: string;
}

/** How the app's dependencies are installed. */
export interface InstallOptions {
  /**
   * `npm install --legacy-peer-deps`: for a set whose peers conflict as they do for users (e.g.
   * an exporter whose peer range stops below the OpenTelemetry API agentmeter needs). Peers are
   * then not installed on their own: list each one.
   */
  legacyPeerDeps?: boolean;
}

/** Packs this repo (its dist/ as built) and installs it with `dependencies` into a cached app. */
export async function installApp(dependencies: Record<string, string>, options: InstallOptions = {}): Promise<InstalledApp> {
  const packDir = mkdtempSync(join(tmpdir(), 'agentmeter-pack-'));
  try {
    const packed = await npm(['pack', '--pack-destination', packDir], ROOT);
    const name = packed.stdout.trim().split('\n').pop() ?? '';
    if (packed.code !== 0 || !existsSync(join(packDir, name))) {
      throw new Error(`npm pack in ${ROOT} failed (exit ${packed.code}; is dist/ built? run npm run build): ${packed.stderr}`);
    }
    const tarball = readFileSync(join(packDir, name));
    const npmVersion = (await npm(['--version'], ROOT)).stdout.trim();
    const flags = options.legacyPeerDeps === true ? ['--legacy-peer-deps'] : [];
    const key = sha256(JSON.stringify({ dependencies, ...(flags.length > 0 ? { flags } : {}), tarball: sha256(tarball), node: process.version, npm: npmVersion })).slice(0, 16);
    const root = cacheDir('coexist-app');
    const dir = join(root, key);
    if (existsSync(join(dir, 'install.log'))) utimesSync(dir, new Date(), new Date());
    else await install(root, dir, dependencies, tarball, flags);
    return { dir, installLog: readFileSync(join(dir, 'install.log'), 'utf8') };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

async function install(root: string, dir: string, dependencies: Record<string, string>, tarball: Buffer, flags: string[]): Promise<void> {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'agentmeter.tgz'), tarball);
  const pkg = { name: 'coexist-app', version: '1.0.0', private: true, dependencies: { ...dependencies, agentmeter: 'file:agentmeter.tgz' } };
  writeFileSync(join(partial, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const result = await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...flags], partial);
  if (result.code !== 0) throw new Error(`npm install in ${partial} failed (exit ${result.code}): ${result.stderr}`);
  // Written last: its presence marks a complete install.
  writeFileSync(join(partial, 'install.log'), `${result.stdout}${result.stderr}`);
  // Each install is ~130 MB: drop the ones no run has used for two hours (a run touches its dir).
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    if (path !== partial && Date.now() - statSync(path).mtimeMs > STALE_MILLIS) rmSync(path, { recursive: true, force: true });
  }
  try {
    renameSync(partial, dir);
  } catch (err) {
    // A concurrent run finished the same install first: use theirs.
    if (!existsSync(join(dir, 'install.log'))) throw err;
    rmSync(partial, { recursive: true, force: true });
  }
}

/** A fresh app dir under the OS temp dir: the fixtures, and node_modules linked to the install. */
export function throwawayApp(installed: InstalledApp, fixtures: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-coexist-'));
  symlinkSync(join(installed.dir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const fixture of fixtures) copyFileSync(fixture, join(dir, basename(fixture)));
  return dir;
}

/**
 * What a new user runs: `npm install agentmeter @opentelemetry/api@1.10` in an empty app, with
 * no lockfile, so npm resolves every range as it does for them.
 */
export const PLAIN_INSTALL_DEPENDENCIES: Record<string, string> = { '@opentelemetry/api': '1.10' };

/** The packed tarball installed as a new user installs it (cached like any other app). */
export function plainInstall(): Promise<InstalledApp> {
  return installApp(PLAIN_INSTALL_DEPENDENCIES);
}
