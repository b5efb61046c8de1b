// PostgreSQL 15 from Debian: a throwaway cluster (initdb in a temp dir) on a free loopback port.
// Binaries: Debian's postgresql-15 when installed (as root, `apt-get install postgresql-15` is the
// simple route), else the .deb packages unpacked (never installed) into the cache, like
// Prometheus. initdb refuses to run as root, so as root the cluster runs as `nobody`.
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cacheDir } from './cache.mjs';
import { freePort, isAlive, run, sleep, startProcess, stopProcess, waitFor } from './process.mjs';

const MAJOR = '15';
const SYSTEM_BINDIR = `/usr/lib/postgresql/${MAJOR}/bin`;
/** The superuser initdb creates; tests connect as it (trust authentication on loopback only). */
export const POSTGRES_USER = 'agentmeter';
const UNPRIVILEGED = { user: 'nobody', group: 'nogroup', uid: 65534, gid: 65534 };

const isRoot = () => process.getuid?.() === 0;

/** Runs a command as the cluster's owner: `nobody` under root, else the current user. */
function asOwner(command, args) {
  if (!isRoot()) return { command, args };
  return { command: 'setpriv', args: [`--reuid=${UNPRIVILEGED.uid}`, `--regid=${UNPRIVILEGED.gid}`, '--clear-groups', '--', command, ...args] };
}

async function installed(pkg) {
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
    return stdout.includes('install ok installed');
  } catch {
    return false;
  }
}

async function aptDownload(packages, cwd) {
  try {
    await run('apt-get', ['download', ...packages], { cwd });
  } catch {
    // A fresh machine may have no package lists yet.
    await run('apt-get', ['update', '-qq']);
    await run('apt-get', ['download', ...packages], { cwd });
  }
}

/** Unpacks postgresql-15, its client and the libraries it needs that the system lacks. */
async function unpackDebian(root) {
  const { stdout } = await run('apt-cache', ['depends', '--no-recommends', '--no-suggests', `postgresql-${MAJOR}`]);
  const libs = [...stdout.matchAll(/Depends: (lib[^\s<>]+)/g)].map((m) => m[1]);
  const missing = [];
  for (const lib of new Set(libs)) if (!(await installed(lib))) missing.push(lib);
  const work = mkdtempSync(join(tmpdir(), 'agentmeter-deb-'));
  try {
    await aptDownload([`postgresql-${MAJOR}`, `postgresql-client-${MAJOR}`, ...missing], work);
    for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) await run('dpkg-deb', ['-x', join(work, deb), root]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(root, 'unpacked.complete'), new Date().toISOString());
}

/**
 * `{ bindir, env }` of a PostgreSQL 15 server: AGENTMETER_POSTGRES_BINDIR, else the system's
 * postgresql-15, else Debian's packages unpacked into the cache (AGENTMETER_POSTGRES_SOURCE=deb
 * forces that route).
 */
export async function ensurePostgresBinaries() {
  if (process.env.AGENTMETER_POSTGRES_BINDIR) return { bindir: process.env.AGENTMETER_POSTGRES_BINDIR, root: undefined };
  if (process.env.AGENTMETER_POSTGRES_SOURCE !== 'deb' && existsSync(join(SYSTEM_BINDIR, 'postgres')) && existsSync(join(SYSTEM_BINDIR, 'initdb'))) {
    return { bindir: SYSTEM_BINDIR, root: undefined };
  }
  const root = cacheDir(`postgresql-${MAJOR}`);
  if (!existsSync(join(root, 'unpacked.complete'))) await unpackDebian(root);
  return { bindir: join(root, 'usr', 'lib', 'postgresql', MAJOR, 'bin'), root };
}

/** LD_LIBRARY_PATH for libraries unpacked beside the server (empty for a system install). */
function libraryPath(root) {
  if (root === undefined) return {};
  const usrLib = join(root, 'usr', 'lib');
  const dirs = existsSync(usrLib) ? readdirSync(usrLib).filter((d) => d.endsWith('-linux-gnu')).map((d) => join(usrLib, d)) : [];
  return dirs.length === 0 ? {} : { LD_LIBRARY_PATH: [...dirs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}

async function accessibleToOwner(path) {
  if (!isRoot()) return true;
  const { command, args } = asOwner('test', ['-x', path]);
  try {
    await run(command, args);
    return true;
  } catch {
    return false;
  }
}

/** SELECT 1 succeeds on `url`. */
async function accepting(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** initdb a cluster in a fresh temp dir, then start it on a free loopback port. */
export async function startPostgres(dir) {
  mkdirSync(dir, { recursive: true });
  let { bindir, root } = await ensurePostgresBinaries();
  // Everything the cluster's owner touches sits in one temp dir, removed when the service stops.
  const home = mkdtempSync(join(tmpdir(), 'agentmeter-pg-'));
  chmodSync(home, 0o755);
  if (!(await accessibleToOwner(join(bindir, 'postgres')))) {
    // The cache sits under root's home, which `nobody` cannot enter: run a copy.
    cpSync(root, join(home, 'install'), { recursive: true });
    chmodSync(join(home, 'install'), 0o755);
    bindir = bindir.replace(root, join(home, 'install'));
    root = join(home, 'install');
  }
  const data = join(home, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (isRoot()) chownSync(data, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  const logPath = join(dir, 'postgres.log');
  const env = libraryPath(root);
  const initdb = asOwner(join(bindir, 'initdb'), ['-D', data, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  try {
    await run(initdb.command, initdb.args, { env: { ...process.env, ...env }, cwd: home });
  } catch (err) {
    writeFileSync(logPath, `${err.stdout ?? ''}${err.stderr ?? ''}`);
    throw new Error(`initdb failed; log: ${logPath}\n${err.stderr ?? err.message}`);
  }
  const port = await freePort();
  const service = {
    port,
    host: '127.0.0.1',
    user: POSTGRES_USER,
    url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`,
    bindir,
    env,
    home,
    dataDir: data,
    logPath,
    owner: isRoot() ? UNPRIVILEGED.user : userInfo().username,
    // Fast shutdown (SIGINT): smart shutdown (SIGTERM) would wait for every client to leave.
    stopSignal: 'SIGINT',
    removeOnStop: home,
  };
  return restartPostgres(service);
}

/**
 * Starts (again) the cluster described by `service`, same data and port. After a SIGKILL only
 * the postmaster is gone (PostgreSQL puts each backend in a process group of its own); until the
 * backends notice and exit, and the old postmaster is reaped, a new one refuses to start ("lock
 * file already exists", "shared memory block is still in use"): try again for a while.
 */
export async function restartPostgres(service) {
  const { command, args } = asOwner(join(service.bindir, 'postgres'), [
    '-D', service.dataDir,
    '-p', String(service.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${service.dataDir}`,
    '-c', 'max_connections=200',
    '-c', 'log_min_messages=warning',
  ]);
  const deadline = Date.now() + 30000;
  for (;;) {
    const pid = startProcess(command, args, { logPath: service.logPath, env: service.env, cwd: service.home });
    try {
      await waitFor('PostgreSQL', () => accepting(service.url), { logPath: service.logPath, pid, timeoutMillis: 60000 });
      return { ...service, pid };
    } catch (err) {
      if (isAlive(pid) || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** Fast shutdown: SIGINT, then SIGKILL of the process group after `graceMillis`. */
export async function stopPostgres(service, graceMillis = 10000) {
  if (!service?.pid || !isAlive(service.pid)) return;
  try {
    process.kill(service.pid, service.stopSignal ?? 'SIGINT');
  } catch {
    // already gone
  }
  const deadline = Date.now() + graceMillis;
  while (isAlive(service.pid) && Date.now() < deadline) await sleep(50);
  await stopProcess(service.pid, 0);
}
