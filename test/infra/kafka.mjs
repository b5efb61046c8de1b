// Apache Kafka 3.9.1 in KRaft mode (one node, broker + controller) from Maven Central jars,
// on free loopback ports. `startKafka` formats the storage once; `restartKafka` reuses it.
// Clients reach it on a PLAINTEXT listener and on a SASL/SCRAM over TLS one (kafka-auth.mjs);
// the controller and inter-broker traffic stay on PLAINTEXT listeners.
import { existsSync, mkdirSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './cache.mjs';
import { freePorts, run, startProcess, waitFor, stopProcess } from './process.mjs';
import { AUTH_LISTENER, authenticatedListener } from './kafka-auth.mjs';
import { createConnection } from 'node:net';

const VERSION = '3.9.1';
const here = dirname(fileURLToPath(import.meta.url));

/** The classpath directory with every jar the broker needs, resolved once with Maven. */
export async function ensureKafkaLibs() {
  const root = cacheDir(`kafka-${VERSION}`);
  const libs = join(root, 'libs');
  const marker = join(root, 'libs.complete');
  if (existsSync(marker)) return libs;
  copyFileSync(join(here, 'kafka', 'pom.xml'), join(root, 'pom.xml'));
  await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${VERSION}`))) throw new Error(`Maven did not fetch kafka_2.13-${VERSION} into ${libs}`);
  writeFileSync(marker, new Date().toISOString());
  return libs;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function javaArgs(libs, dir, mainClass, args) {
  return ['-Xms256m', '-Xmx512m', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`, '-cp', `${libs}/*`, mainClass, ...args];
}

/** Formats and starts a broker under `dir`; returns its service record. */
export async function startKafka(dir) {
  const libs = await ensureKafkaLibs();
  mkdirSync(dir, { recursive: true });
  const [port, controllerPort, authPort] = await freePorts(3);
  const auth = await authenticatedListener(dir, authPort);
  const data = join(dir, 'data');
  writeFileSync(
    join(dir, 'server.properties'),
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},${auth.listener}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port},${auth.listener}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,${AUTH_LISTENER}:SASL_SSL`,
      ...auth.properties,
      `log.dirs=${data}`,
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'log4j.properties'),
    'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
  );
  const { stdout } = await run('java', javaArgs(libs, dir, 'kafka.tools.StorageTool', ['random-uuid']));
  const clusterId = stdout.trim().split('\n').pop();
  await run('java', javaArgs(libs, dir, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', join(dir, 'server.properties'), ...auth.formatArgs]));
  // `auth`: address, user, password and CA file of the SASL/SCRAM over TLS listener.
  const service = { dir, libs, port, controllerPort, brokers: `127.0.0.1:${port}`, authPort, auth: auth.service, logPath: join(dir, 'kafka.log') };
  return restartKafka(service);
}

/** Starts (again) the broker described by `service`, keeping its data and ports. */
export async function restartKafka(service) {
  const pid = startProcess('java', javaArgs(service.libs, service.dir, 'kafka.Kafka', [join(service.dir, 'server.properties')]), {
    logPath: service.logPath,
  });
  // Both client listeners: a test may use either as soon as this returns.
  const ports = [service.port, service.authPort];
  await waitFor('Kafka broker', async () => (await Promise.all(ports.map(portOpen))).every(Boolean), { logPath: service.logPath, pid, timeoutMillis: 60000 });
  return { ...service, pid };
}

/** SIGKILL, as in a crash. */
export async function killKafka(service) {
  await stopProcess(service.pid, 0);
}
