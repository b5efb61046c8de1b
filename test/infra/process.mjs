// Start, probe and stop the service processes the tests use. Only processes started here are
// ever stopped: each is tracked by the pid this module spawned.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, readFileSync, existsSync } from 'node:fs';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** `count` distinct free ports: each is held until all are picked, so two calls cannot pick the same one. */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      server.unref();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const [port] = await freePorts(1);
  return port;
}

/** Spawns a detached service with stdout and stderr to `logPath`; returns its pid. */
export function startProcess(command, args, { logPath, env, cwd }) {
  const log = openSync(logPath, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  return child.pid;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMillis`; resolves once the process is gone. */
export async function stopProcess(pid, graceMillis = 5000) {
  if (!pid || !isAlive(pid)) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + graceMillis;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns truthy; throws with the log's tail after `timeoutMillis`. */
export async function waitFor(what, probe, { timeoutMillis = 30000, logPath, pid } = {}) {
  const deadline = Date.now() + timeoutMillis;
  let lastError;
  while (Date.now() < deadline) {
    if (pid && !isAlive(pid)) break;
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(200);
  }
  const tail = logPath && existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n') : '';
  throw new Error(
    `${what} did not become ready${pid && !isAlive(pid) ? ' (process exited)' : ''}; log: ${logPath ?? 'none'}` +
      (lastError ? `; last error: ${lastError.message}` : '') +
      (tail ? `\n--- last log lines ---\n${tail}` : ''),
  );
}
