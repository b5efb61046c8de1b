/**
 * `agentmeter routing log` (one routing event to Kafka, or PostgreSQL) and `agentmeter routing
 * consume` (the DB writer). Options and help here; the event path loads only when one runs.
 * Flags arrive as text and are only converted to JSON types here: every rule (ranges, UUID
 * form, score bounds) is the schema's, checked by src/events/validate.ts.
 */
import { Command, Option } from 'commander';
import { port, positiveInteger } from './parse';

/** The routing topic when AGENTMETER_ROUTING_EVENTS_TOPIC is unset (src/events/options.ts, not imported: help stays light). */
const DEFAULT_TOPIC = 'agent.routing.performance.v1';
/** kafkajs's broker when neither variable is set (src/exporters/kafka/options.ts). */
const DEFAULT_BROKERS = 'localhost:9092';

/** Exit status when the event is refused (the same as a usage error). */
const EXIT_INVALID = 2;
/** Exit status when no chosen sink took the event. */
const EXIT_SINKS_DOWN = 3;

/** The flag each event field comes from, for error messages. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  query_text: '--query',
  routing_duration_ms: '--duration-ms',
  cache_hit: '--cache-hit',
  candidates_evaluated: '--candidates',
  match_strategy: '--strategy',
  correlation_id: '--correlation-id',
  confidence_components: '--confidence',
  selected_agent: '--agent',
  service_name: '--service-name',
};

interface LogOptions {
  query: string;
  durationMs: string;
  cacheHit: string;
  candidates: string;
  strategy?: string;
  correlationId?: string;
  confidence?: string;
  agent?: string;
  serviceName?: string;
  sink: 'kafka' | 'postgres' | 'auto';
}

/** A JSON number literal becomes a number; anything else stays text for the schema to refuse. */
function numberOrText(raw: string): number | string {
  return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
}

/**
 * `true` / `false` in any case (Python's `str(False)` is `False`) become booleans; anything else
 * stays text, which `logEvent` refuses with CACHE_HIT_REFUSED.
 */
export function booleanOrText(raw: string): boolean | string {
  const word = raw.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : raw;
}

/** The line for a `--cache-hit` that is not a boolean word (the value is not echoed: it is the caller's text). */
export const CACHE_HIT_REFUSED = '--cache-hit: cache_hit is not valid: must be true or false; allowed: true or false in any case (true, True, TRUE, false, False, FALSE)';

function refuse(line: string): void {
  process.stderr.write(`agentmeter: ${line}\n`);
  process.exitCode = EXIT_INVALID;
}

async function logEvent(opts: LogOptions): Promise<void> {
  let confidence: unknown;
  if (opts.confidence !== undefined) {
    try {
      confidence = JSON.parse(opts.confidence);
    } catch (err) {
      refuse(`--confidence: ${JSON.stringify(opts.confidence)} is not valid JSON (${(err as Error).message}); allowed: a JSON object of named scores from 0 to 1, e.g. {"semantic":0.91}`);
      return;
    }
  }
  const cacheHit = booleanOrText(opts.cacheHit);
  if (typeof cacheHit !== 'boolean') {
    refuse(CACHE_HIT_REFUSED);
    return;
  }
  const { createRoutingEvent } = await import('../events/event.js');
  const { EventValidationError } = await import('../errors.js');
  let event;
  try {
    event = createRoutingEvent({
      query: opts.query,
      durationMs: numberOrText(opts.durationMs) as number,
      cacheHit,
      candidates: numberOrText(opts.candidates) as number,
      strategy: opts.strategy,
      correlationId: opts.correlationId,
      confidence: confidence as Record<string, number> | undefined,
      agent: opts.agent,
      serviceName: opts.serviceName,
    });
  } catch (err) {
    if (!(err instanceof EventValidationError)) throw err;
    const flag = FLAG_OF_FIELD[err.field.split('.')[0]!];
    refuse(`${flag === undefined ? '' : `${flag}: `}${err.message.replace(/^AGM_ERR_EVENT_INVALID: /, '')}`);
    return;
  }
  const { writeToSink } = await import('../events/sink.js');
  const result = await writeToSink(event, opts.sink);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.success) process.exitCode = EXIT_SINKS_DOWN;
}

interface ConsumeOptions {
  topic?: string;
  group: string;
  deadLetterTopic?: string;
  batchSize: number;
  metricsPort?: number;
  fromBeginning: boolean;
}

/**
 * A long-running writer reports its troubles (lost connections, retries) on stderr, one line
 * each. Only agentmeter's own diagnostics: the OTel SDK's internal chatter is not the writer's.
 */
async function logDiagnosticsToStderr(): Promise<void> {
  const { diag, DiagLogLevel } = await import('@opentelemetry/api');
  const line = (level: string) => (message: string, ...args: unknown[]): void => {
    if (!message.startsWith('agentmeter: ')) return;
    const detail = args.map((a) => (a instanceof Error ? a.message : String(a)));
    process.stderr.write(`agentmeter: ${level}: ${[message.slice('agentmeter: '.length), ...detail].join(' ')}\n`);
  };
  const quiet = (): void => {};
  diag.setLogger({ error: line('error'), warn: line('warn'), info: line('info'), debug: quiet, verbose: quiet }, DiagLogLevel.INFO);
}

async function consume(opts: ConsumeOptions): Promise<void> {
  await logDiagnosticsToStderr();
  const { start } = await import('../sdk/start.js');
  // Its own metrics on the usual endpoint; the official instrumentations add nothing here.
  const metrics = start({ serviceName: process.env.OTEL_SERVICE_NAME?.trim() || 'agentmeter-db-writer', prometheusPort: opts.metricsPort, instrumentations: [] });
  await metrics.ready();
  const { RoutingEventWriter } = await import('../events/writer.js');
  const writer = new RoutingEventWriter({ topic: opts.topic, groupId: opts.group, deadLetterTopic: opts.deadLetterTopic, batchSize: opts.batchSize, fromBeginning: opts.fromBeginning });
  let signalled: (signal: string) => void = () => {};
  const stopSignal = new Promise<string>((resolve) => (signalled = resolve));
  process.once('SIGTERM', () => signalled('SIGTERM'));
  process.once('SIGINT', () => signalled('SIGINT'));
  const bound = metrics.config.shutdownTimeoutMillis;
  let left = false;
  try {
    // A signal while the broker is still out of reach (down, partitioned, refusing us) stops the start too.
    const starting = writer.start();
    starting.catch(() => undefined);
    if ((await Promise.race([starting, stopSignal])) === undefined) {
      process.stdout.write(`${JSON.stringify({ ready: true, topic: writer.topic, group: writer.groupId, dead_letter_topic: writer.deadLetterTopic, metrics_url: metrics.prometheusUrl ?? null })}\n`);
      const crash = await Promise.race([stopSignal.then(() => undefined), writer.crashed]);
      if (crash !== undefined) throw crash;
    }
  } finally {
    left = await writer.stop(bound);
    await metrics.shutdown();
  }
  if (!left) process.stderr.write(`agentmeter: DB writer: the consumer group was not left within ${bound} ms (AGENTMETER_SHUTDOWN_TIMEOUT); connections closed, the batch in hand stays uncommitted for the next writer\n`);
  const { inserted, duplicates, deadLetters, batches } = writer.stats;
  const stopped = `${JSON.stringify({ stopped: true, rows_inserted: inserted, duplicates, dead_letters: deadLetters, batches })}\n`;
  // The writer's connections are closed; kafkajs's own retry timers outlive its disconnect() by
  // their backoff (up to 10 retries), so the process ends here rather than when they run out.
  await new Promise<void>((resolve) => process.stdout.write(stopped, () => resolve()));
  process.exit(process.exitCode ?? 0);
}

/** The first of `names` set (non-blank) in `env`, as the Kafka settings read it. */
function setting(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * Where `routing log` would send the event, read from `env` when help is printed. Broker and
 * topic are shown; the database URL is not (it may hold a password), only which variable holds it.
 */
export function connectionsHelp(env: NodeJS.ProcessEnv = process.env): string {
  const brokers = setting(env, 'AGENTMETER_KAFKA_BROKERS', 'KAFKA_BROKERS');
  const topic = setting(env, 'AGENTMETER_ROUTING_EVENTS_TOPIC');
  const database = setting(env, 'DATABASE_URL');
  return [
    'Connections, read from the environment now:',
    `  Kafka brokers  ${brokers === undefined ? `${DEFAULT_BROKERS} (default; AGENTMETER_KAFKA_BROKERS, else KAFKA_BROKERS)` : `${brokers.value} (from ${brokers.name})`}`,
    `  Kafka topic    ${topic === undefined ? `${DEFAULT_TOPIC} (default; AGENTMETER_ROUTING_EVENTS_TOPIC)` : `${topic.value} (from ${topic.name})`}`,
    `  PostgreSQL     ${database === undefined ? 'DATABASE_URL is not set: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE\n                 (node-postgres defaults: localhost:5432)' : 'from DATABASE_URL (set; not shown)'}`,
    '  SASL and TLS as for the metric exporter (AGENTMETER_KAFKA_SASL_*, AGENTMETER_KAFKA_TLS*).',
  ].join('\n');
}

function logCommand(): Command {
  return new Command('log')
    .description('record one routing decision: Kafka, or PostgreSQL when Kafka is down; prints the stored event as JSON')
    .requiredOption('--query <text>', '(required) the routed query text, stored verbatim')
    .requiredOption('--duration-ms <n>', '(required) time to decide, integer milliseconds 0-999')
    .requiredOption('--cache-hit <bool>', '(required) true or false, in any case')
    .requiredOption('--candidates <n>', '(required) candidate agents evaluated, integer >= 0')
    .option('--strategy <s>', 'match strategy, e.g. semantic')
    .option('--correlation-id <uuid>', 'UUID of the request (default: a new one)')
    .option('--confidence <json>', 'named scores from 0 to 1 as a JSON object, e.g. \'{"semantic":0.91}\'')
    .option('--agent <name>', 'the selected agent')
    .option('--service-name <name>', 'service_name of the event (default: OTEL_SERVICE_NAME, else unknown_service:node)')
    .addOption(new Option('--sink <sink>', 'kafka, postgres, or auto: Kafka, else PostgreSQL').choices(['kafka', 'postgres', 'auto']).default('auto'))
    .addHelpText('after', () =>
      [
        '',
        connectionsHelp(),
        '',
        'Prints one JSON object: success, published_to ("kafka" or "postgres"), topic, the event\'s fields',
        '(correlation_id, query_text, routing_duration_ms, cache_hit, candidates_evaluated, ...), and from',
        'PostgreSQL also metric_id and created_at.',
        'Exit status: 0 stored, 2 invalid input (nothing written), 3 no sink took the event.',
        '',
        'Example:',
        '  agentmeter routing log --query "refund my order" --duration-ms 12 --cache-hit false --candidates 4 \\',
        '    --strategy semantic --agent billing --confidence \'{"semantic":0.91,"keyword":0.4}\'',
      ].join('\n'),
    )
    .action((opts: LogOptions) => logEvent(opts));
}

function consumeCommand(): Command {
  return new Command('consume')
    .description('the DB writer: read routing events from Kafka and insert them into PostgreSQL, exactly once')
    .option('--topic <name>', 'topic to read (default: AGENTMETER_ROUTING_EVENTS_TOPIC, else agent.routing.performance.v1)')
    .option('--group <id>', 'consumer group', 'agentmeter-db-writer')
    .option('--dead-letter-topic <name>', 'where invalid events go (default: <topic>.dlq)')
    .option('--batch-size <n>', 'most rows per INSERT', positiveInteger, 1000)
    .option('--metrics-port <n>', 'Prometheus endpoint port, 0 picks a free one (default: OTEL_EXPORTER_PROMETHEUS_PORT, else 9464)', port)
    .option('--no-from-beginning', 'a new consumer group reads only new events')
    .addHelpText('after', () =>
      [
        '',
        'Prints {"ready":true,...} once it holds partitions; SIGTERM or Ctrl-C writes and commits the batch in hand,',
        'then prints {"stopped":true,...}. Run `agentmeter db migrate` first.',
        '',
        connectionsHelp(),
      ].join('\n'),
    )
    .action((opts: ConsumeOptions) => consume(opts));
}

/** `agentmeter routing`. */
export function routingCommand(): Command {
  return new Command('routing')
    .description('routing-decision events: log one, or run the DB writer')
    .helpCommand('help [command]', 'print usage of a command')
    .addCommand(logCommand())
    .addCommand(consumeCommand());
}
