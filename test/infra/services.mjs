// Brings up every real service the integration tests use, idempotently, on free loopback
// ports; records what it started in <dir>/services.json; stops only those processes.
// Tests that crash and restart a service go through killService/restartService so the record
// always holds the live pid.
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stopProcess } from './process.mjs';
import { startPrometheus } from './prometheus.mjs';
import { startKafka, restartKafka } from './kafka.mjs';
import { startCollector, restartCollector } from './collector.mjs';
import { startPostgres, restartPostgres, stopPostgres } from './postgres.mjs';

/** Topic and consumer group the shared Collector reads. */
export const COLLECTOR_TOPIC = 'otlp_metrics';

function stateFile(dir) {
  return join(dir, 'services.json');
}

export function readState(dir) {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(readFileSync(stateFile(dir), 'utf8'));
}

function writeState(dir, services) {
  writeFileSync(stateFile(dir), JSON.stringify(services, null, 2));
}

const STARTERS = {
  prometheus: (dir) => startPrometheus(join(dir, 'prometheus')),
  kafka: (dir) => startKafka(join(dir, 'kafka')),
  collector: (dir, services) =>
    startCollector(join(dir, 'collector'), 'kafka-to-prometheus.yaml', {
      KAFKA_BROKERS: services.kafka.brokers,
      KAFKA_TOPIC: COLLECTOR_TOPIC,
      KAFKA_GROUP_ID: 'agentmeter-test',
    }),
  postgres: (dir) => startPostgres(join(dir, 'postgres')),
};

const RESTARTERS = { kafka: restartKafka, collector: restartCollector, postgres: restartPostgres };

/** Stops one service: its own way when it has one (PostgreSQL: fast shutdown), then its temp files. */
async function stopService(service) {
  if (service?.stopSignal) await stopPostgres(service);
  else await stopProcess(service?.pid);
  if (service?.removeOnStop) rmSync(service.removeOnStop, { recursive: true, force: true });
}

/**
 * Starts the services (all, or those named in `only`) not already running under `dir`. Returns
 * `{ services, started }`: addresses of all, and the names this call started.
 */
export async function up(dir, only = Object.keys(STARTERS)) {
  mkdirSync(dir, { recursive: true });
  const services = readState(dir) ?? {};
  const started = [];
  for (const name of Object.keys(STARTERS).filter((n) => only.includes(n))) {
    if (services[name] && isAlive(services[name].pid)) continue;
    services[name] = { ...(await STARTERS[name](dir, services)), infraDir: dir };
    started.push(name);
    writeState(dir, services);
  }
  // Prometheus scrapes the Collector's exporter.
  if (services.prometheus && services.collector) writeFileSync(
    join(services.prometheus.collectorTargetsDir, 'collector.json'),
    JSON.stringify([{ targets: [services.collector.prometheusEndpoint], labels: { path: 'collector' } }]),
  );
  return { services, started };
}

/** Stops the named services (all recorded ones by default) and forgets them. */
export async function down(dir, names) {
  const services = readState(dir);
  if (!services) return;
  const stopping = names ?? Object.keys(services);
  await Promise.all(stopping.map((name) => stopService(services[name])));
  for (const name of stopping) delete services[name];
  if (Object.keys(services).length === 0) rmSync(stateFile(dir), { force: true });
  else writeState(dir, services);
}

/** SIGKILL a service, as in a crash. */
export async function killService(dir, name) {
  const services = readState(dir);
  await stopProcess(services[name].pid, 0);
}

/** Starts a killed service again with the same ports and data; returns its new record. */
export async function restartService(dir, name) {
  const services = readState(dir);
  services[name] = { ...(await RESTARTERS[name](services[name])), infraDir: dir };
  writeState(dir, services);
  return services[name];
}
