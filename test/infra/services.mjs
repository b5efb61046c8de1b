// Brings up every real service the integration tests use, idempotently, on free loopback
// ports; records what it started in <dir>/services.json; stops only those processes.
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stopProcess } from './process.mjs';
import { startPrometheus } from './prometheus.mjs';

function stateFile(dir) {
  return join(dir, 'services.json');
}

function readState(dir) {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(readFileSync(stateFile(dir), 'utf8'));
}

/**
 * Starts the services that are not already running under `dir`. Returns
 * `{ services, started }`: addresses of all, and the names this call started.
 */
export async function up(dir) {
  mkdirSync(dir, { recursive: true });
  const previous = readState(dir) ?? {};
  const services = {};
  const started = [];
  if (previous.prometheus && isAlive(previous.prometheus.pid)) {
    services.prometheus = previous.prometheus;
  } else {
    services.prometheus = await startPrometheus(join(dir, 'prometheus'));
    started.push('prometheus');
  }
  writeFileSync(stateFile(dir), JSON.stringify(services, null, 2));
  return { services, started };
}

/** Stops the named services (all recorded ones by default) and forgets them. */
export async function down(dir, names) {
  const services = readState(dir);
  if (!services) return;
  const stopping = names ?? Object.keys(services);
  await Promise.all(stopping.map((name) => stopProcess(services[name]?.pid)));
  for (const name of stopping) delete services[name];
  if (Object.keys(services).length === 0) rmSync(stateFile(dir), { force: true });
  else writeFileSync(stateFile(dir), JSON.stringify(services, null, 2));
}
