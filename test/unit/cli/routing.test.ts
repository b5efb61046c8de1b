// `agentmeter routing log` as a user runs it (dist/cli/main.js in a child process): refused input
// exits 2 with one line naming the flag, the field and the rule, and opens no connection at all
// (Kafka and PostgreSQL point at a listener that counts connections); no sink reachable → exit 3.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../infra/cli';
import { freePort } from '../../infra/process.mjs';
import { CACHE_HIT_REFUSED, booleanOrText, connectionsHelp } from '../../../src/cli/routing';

type Run = CliRun;

function agentmeter(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, env, 15000);
}

const VALID = ['--query', 'refund my order', '--duration-ms', '12', '--cache-hit', 'false', '--candidates', '4'];

function withFlag(flag: string, value: string): string[] {
  const args = [...VALID];
  const at = args.indexOf(flag);
  if (at === -1) args.push(flag, value);
  else args[at + 1] = value;
  return ['routing', 'log', ...args];
}

describe('agentmeter routing log refuses bad input before connecting anywhere', () => {
  let listener: Server;
  let connections = 0;
  let env: Record<string, string>;

  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    env = { AGENTMETER_KAFKA_BROKERS: `127.0.0.1:${port}`, DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/none` };
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const usage = '(run "agentmeter routing log --help" for usage)';
  it.each([
    [withFlag('--duration-ms', '1000'), 'agentmeter: --duration-ms: routing_duration_ms is not valid: must be <= 999; allowed: an integer number of milliseconds from 0 to 999\n'],
    [withFlag('--duration-ms', '-1'), 'agentmeter: --duration-ms: routing_duration_ms is not valid: must be >= 0; allowed: an integer number of milliseconds from 0 to 999\n'],
    [withFlag('--duration-ms', '4.5'), 'agentmeter: --duration-ms: routing_duration_ms is not valid: must be integer; allowed: an integer number of milliseconds from 0 to 999\n'],
    [withFlag('--duration-ms', 'abc'), 'agentmeter: --duration-ms: routing_duration_ms is not valid: must be integer; allowed: an integer number of milliseconds from 0 to 999\n'],
    [withFlag('--candidates', '-1'), 'agentmeter: --candidates: candidates_evaluated is not valid: must be >= 0; allowed: an integer from 0 to 2147483647\n'],
    ...['maybe', 'yes', '1', '0', 'truee', 'f', ''].map((raw) => [withFlag('--cache-hit', raw), `agentmeter: ${CACHE_HIT_REFUSED}\n`] as [string[], string]),
    [withFlag('--confidence', '{semantic:0.9}'), 'agentmeter: --confidence: "{semantic:0.9}" is not valid JSON (Expected property name or \'}\' in JSON at position 1 (line 1 column 2)); allowed: a JSON object of named scores from 0 to 1, e.g. {"semantic":0.91}\n'],
    [withFlag('--confidence', '[0.5]'), 'agentmeter: --confidence: confidence_components is not valid: must be object; allowed: a JSON object of up to 32 named scores, each a number from 0 to 1, e.g. {"semantic":0.91,"keyword":0.4}\n'],
    [withFlag('--confidence', '0.5'), 'agentmeter: --confidence: confidence_components is not valid: must be object; allowed: a JSON object of up to 32 named scores, each a number from 0 to 1, e.g. {"semantic":0.91,"keyword":0.4}\n'],
    [withFlag('--confidence', '{"semantic":1.5}'), 'agentmeter: --confidence: confidence_components.semantic is not valid: must be <= 1; allowed: a number from 0 to 1\n'],
    [withFlag('--confidence', '{"semantic":-0.01}'), 'agentmeter: --confidence: confidence_components.semantic is not valid: must be >= 0; allowed: a number from 0 to 1\n'],
    [withFlag('--correlation-id', '123e4567-e89b-12d3-a456-42661417400g'), 'agentmeter: --correlation-id: correlation_id is not valid: does not have the required form; allowed: a UUID in lowercase 8-4-4-4-12 hex form, e.g. 123e4567-e89b-12d3-a456-426614174000\n'],
    [withFlag('--correlation-id', 'not-a-uuid'), 'agentmeter: --correlation-id: correlation_id is not valid: does not have the required form; allowed: a UUID in lowercase 8-4-4-4-12 hex form, e.g. 123e4567-e89b-12d3-a456-426614174000\n'],
    [withFlag('--query', ''), 'agentmeter: --query: query_text is not valid: must NOT have fewer than 1 characters; allowed: text of 1 to 32768 characters, without NUL characters or unpaired surrogates\n'],
    [withFlag('--frob', 'x'), `agentmeter: unknown option '--frob'\n${usage}\n`],
    [withFlag('--sink', 'kafak'), `agentmeter: option '--sink <sink>' argument 'kafak' is invalid. Allowed choices are kafka, postgres, auto.\n${usage}\n`],
    [['routing', 'log', '--duration-ms', '1', '--cache-hit', 'true', '--candidates', '1'], `agentmeter: required option '--query <text>' not specified\n${usage}\n`],
  ])('%j', async (args, stderr) => {
    const before = connections;
    expect(await agentmeter(args, env)).toEqual({ status: 2, stdout: '', stderr });
    expect(connections - before).toBe(0);
  });

  it('reports both sinks down as JSON with the reasons, exit 3', async () => {
    const closed = await freePort();
    const { status, stdout, stderr } = await agentmeter(
      [...withFlag('--correlation-id', '123e4567-e89b-12d3-a456-426614174000')],
      { AGENTMETER_KAFKA_BROKERS: `127.0.0.1:${closed}`, DATABASE_URL: `postgres://nobody@127.0.0.1:${closed}/none` },
    );
    expect({ status, stderr }).toEqual({ status: 3, stderr: '' });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['success', 'correlation_id', 'event_id', 'errors']);
    expect(result.success).toBe(false);
    expect(result.correlation_id).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(result.errors).toEqual({
      kafka: `AGM_ERR_EXPORT: Kafka did not acknowledge the routing event (KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:${closed})`,
      postgres: `AGM_ERR_DATABASE: PostgreSQL did not store the routing event: connect ECONNREFUSED 127.0.0.1:${closed}`,
    });
    expect(stdout.endsWith('}\n') && stdout.split('\n').length).toBe(2);
  });

  it.each([
    [['--sink', 'kafka'], ['kafka']],
    [['--sink', 'postgres'], ['postgres']],
  ])('%j tries only that sink', async (sink, tried) => {
    const closed = await freePort();
    const { status, stdout } = await agentmeter([...withFlag(sink[0]!, sink[1]!)], { AGENTMETER_KAFKA_BROKERS: `127.0.0.1:${closed}`, DATABASE_URL: `postgres://nobody@127.0.0.1:${closed}/none` });
    expect(status).toBe(3);
    expect(Object.keys((JSON.parse(stdout) as { errors: object }).errors)).toEqual(tried);
  });
});

describe('agentmeter routing and db help', () => {
  it('lists the routing commands and every flag of routing log', async () => {
    const routing = await agentmeter(['routing', '--help']);
    expect(routing.status).toBe(0);
    expect(routing.stdout).toMatch(/^Usage: agentmeter routing \[options\] \[command\]\n/);
    expect(routing.stdout).toMatch(/\n {2}log \[options\] +record one routing decision/);
    expect(routing.stdout).toMatch(/\n {2}consume \[options\] +the DB writer/);
    const log = await agentmeter(['routing', 'log', '--help']);
    expect({ status: log.status, stderr: log.stderr }).toEqual({ status: 0, stderr: '' });
    for (const flag of ['--query <text>', '--duration-ms <n>', '--cache-hit <bool>', '--candidates <n>', '--strategy <s>', '--correlation-id <uuid>', '--confidence <json>', '--agent <name>', '--sink <sink>']) {
      expect(log.stdout).toContain(flag);
    }
    const consume = await agentmeter(['help', 'routing']);
    expect(consume.stdout).toBe(routing.stdout);
    const db = await agentmeter(['db', 'migrate', '--help']);
    expect(db.stdout).toMatch(/^Usage: agentmeter db migrate \[options\]\n/);
  });
});

describe('--cache-hit', () => {
  it.each([
    ['true', true], ['True', true], ['TRUE', true], [' true ', true],
    ['false', false], ['False', false], ['FALSE', false],
    ['maybe', 'maybe'], ['1', '1'], ['', ''],
  ])('reads %j as %j', (raw, expected) => {
    expect(booleanOrText(raw)).toBe(expected);
  });

  it('refuses anything else with one line naming the flag and every accepted spelling', () => {
    expect(CACHE_HIT_REFUSED).toBe('--cache-hit: cache_hit is not valid: must be true or false; allowed: true or false in any case (true, True, TRUE, false, False, FALSE)');
  });

  it.each(['True', 'FALSE', 'fAlSe'])('stores --cache-hit %j (reaches the sinks, which are down: exit 3, not 2)', async (raw) => {
    const closed = await freePort();
    const run = await agentmeter(withFlag('--cache-hit', raw), { AGENTMETER_KAFKA_BROKERS: `127.0.0.1:${closed}`, DATABASE_URL: `postgres://nobody@127.0.0.1:${closed}/none` });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 3, stderr: '' });
  });
});

const UNSET = { AGENTMETER_KAFKA_BROKERS: '', KAFKA_BROKERS: '', AGENTMETER_ROUTING_EVENTS_TOPIC: '', DATABASE_URL: '' };

const CONNECTIONS_DEFAULT = [
  'Connections, read from the environment now:',
  '  Kafka brokers  localhost:9092 (default; AGENTMETER_KAFKA_BROKERS, else KAFKA_BROKERS)',
  '  Kafka topic    agent.routing.performance.v1 (default; AGENTMETER_ROUTING_EVENTS_TOPIC)',
  '  PostgreSQL     DATABASE_URL is not set: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE',
  '                 (node-postgres defaults: localhost:5432)',
  '  SASL and TLS as for the metric exporter (AGENTMETER_KAFKA_SASL_*, AGENTMETER_KAFKA_TLS*).',
].join('\n');

describe('routing help: required flags and the connections it will use', () => {
  it('prints routing log --help exactly, with the defaults when nothing is set', async () => {
    const run = await agentmeter(['routing', 'log', '--help'], UNSET);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toBe(
      [
        'Usage: agentmeter routing log [options]',
        '',
        'record one routing decision: Kafka, or PostgreSQL when Kafka is down; prints the',
        'stored event as JSON',
        '',
        'Options:',
        '  --query <text>           (required) the routed query text, stored verbatim',
        '  --duration-ms <n>        (required) time to decide, integer milliseconds 0-999',
        '  --cache-hit <bool>       (required) true or false, in any case',
        '  --candidates <n>         (required) candidate agents evaluated, integer >= 0',
        '  --strategy <s>           match strategy, e.g. semantic',
        '  --correlation-id <uuid>  UUID of the request (default: a new one)',
        '  --confidence <json>      named scores from 0 to 1 as a JSON object, e.g.',
        '                           \'{"semantic":0.91}\'',
        '  --agent <name>           the selected agent',
        '  --service-name <name>    service_name of the event (default:',
        '                           OTEL_SERVICE_NAME, else unknown_service:node)',
        '  --sink <sink>            kafka, postgres, or auto: Kafka, else PostgreSQL',
        '                           (choices: "kafka", "postgres", "auto", default:',
        '                           "auto")',
        '  -h, --help               print usage',
        '',
        CONNECTIONS_DEFAULT,
        '',
        'Prints one JSON object: success, published_to ("kafka" or "postgres"), topic, the event\'s fields',
        '(correlation_id, query_text, routing_duration_ms, cache_hit, candidates_evaluated, ...), and from',
        'PostgreSQL also metric_id and created_at.',
        'Exit status: 0 stored, 2 invalid input (nothing written), 3 no sink took the event.',
        '',
        'Example:',
        '  agentmeter routing log --query "refund my order" --duration-ms 12 --cache-hit false --candidates 4 \\',
        '    --strategy semantic --agent billing --confidence \'{"semantic":0.91,"keyword":0.4}\'',
        '',
      ].join('\n'),
    );
  });

  it('shows the brokers and topic it will use and only the name of the database variable', async () => {
    const env = { AGENTMETER_KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092', AGENTMETER_ROUTING_EVENTS_TOPIC: 'routing.v1', DATABASE_URL: 'postgres://router:s3cret@db:5432/agents' };
    const expected = [
      'Connections, read from the environment now:',
      '  Kafka brokers  kafka-1:9092,kafka-2:9092 (from AGENTMETER_KAFKA_BROKERS)',
      '  Kafka topic    routing.v1 (from AGENTMETER_ROUTING_EVENTS_TOPIC)',
      '  PostgreSQL     from DATABASE_URL (set; not shown)',
      '  SASL and TLS as for the metric exporter (AGENTMETER_KAFKA_SASL_*, AGENTMETER_KAFKA_TLS*).',
    ].join('\n');
    expect(connectionsHelp(env)).toBe(expected);
    expect(connectionsHelp({ KAFKA_BROKERS: ' kafka-3:9092 ', AGENTMETER_KAFKA_BROKERS: ' ' }).split('\n')[1]).toBe('  Kafka brokers  kafka-3:9092 (from KAFKA_BROKERS)');
    expect(connectionsHelp({})).toBe(CONNECTIONS_DEFAULT);
    const run = await agentmeter(['routing', 'log', '--help'], { ...UNSET, ...env });
    expect(run.stdout).toContain(`\n${expected}\n`);
    expect(run.stdout).not.toContain('s3cret');
  });

  it('routing consume --help ends with the same connections', async () => {
    const run = await agentmeter(['routing', 'consume', '--help'], UNSET);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout.endsWith(`Run \`agentmeter db migrate\` first.\n\n${CONNECTIONS_DEFAULT}\n`)).toBe(true);
  });
});
