/**
 * The PostgreSQL side of routing events: the connection pool (DATABASE_URL or the PG*
 * variables), and the one parameterised INSERT both sinks use. The whole batch travels as one
 * JSON parameter that `json_to_recordset` turns into rows by field name, so no value is ever
 * spliced into SQL and the column list is the event's field list.
 */
import { diag } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import { DatabaseError } from '../errors';
import type { RoutingEvent } from './event';
import type { PostgresOptions } from './options';

export type { PostgresOptions };

export const ROUTING_TABLE = 'router_performance_metrics';

// Columns in the event's field names; "timestamp" is quoted as it is also a type name.
const RECORD_COLUMNS = [
  'event_id uuid',
  'schema_version smallint',
  'correlation_id uuid',
  'query_text text',
  'routing_duration_ms smallint',
  'cache_hit boolean',
  'candidates_evaluated integer',
  'match_strategy text',
  'confidence_components jsonb',
  'selected_agent text',
  '"timestamp" timestamptz',
  'service_name text',
];
const COLUMN_NAMES = RECORD_COLUMNS.map((c) => c.slice(0, c.lastIndexOf(' ')));

/** Inserts every event of the JSON array in $1; an event already stored (same event_id) is skipped. */
export const INSERT_EVENTS_SQL =
  `INSERT INTO ${ROUTING_TABLE} (${COLUMN_NAMES.join(', ')}) ` +
  `SELECT ${COLUMN_NAMES.join(', ')} FROM json_to_recordset($1::json) AS e(${RECORD_COLUMNS.join(', ')}) ` +
  'ON CONFLICT (event_id) DO NOTHING';

/** Creates a pool; `pg` is loaded here so commands that never touch PostgreSQL do not load it. */
export function createPool(options: PostgresOptions = {}): Pool {
  const { Pool: PgPool } = require('pg') as typeof import('pg');
  const connectionString = options.connectionString ?? (process.env.DATABASE_URL?.trim() || undefined);
  const pool = new PgPool({
    connectionString,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMillis ?? 5000,
    application_name: 'agentmeter',
  });
  // An idle connection dropped by the server (restart, failover) must not crash the host.
  pool.on('error', (err) => diag.warn(`agentmeter: PostgreSQL connection lost: ${err.message}`));
  return pool;
}

/** SQLSTATE classes that say the data itself is refused (22 data exception, 23 integrity). */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** The SQLSTATE, else the Node error code (`ECONNREFUSED`), else the class name. */
export function postgresErrorType(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | undefined;
  if (typeof e?.code === 'string' && e.code !== '') return e.code;
  if (typeof e?.name === 'string' && e.name !== '') return e.name;
  return '_OTHER';
}

/** Wraps a pg failure: data errors are final, connection and server-state errors retriable. */
export function toDatabaseError(error: unknown, what: string): DatabaseError {
  const code = (error as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const message = error instanceof Error ? error.message || error.name : String(error);
  return new DatabaseError(`${what}: ${message}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`, !isDataError(error), sqlState, { cause: error });
}

/** Inserts events, skipping those already stored; resolves with how many rows were new. */
export async function insertEvents(db: Pool | PoolClient, events: readonly RoutingEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.query(INSERT_EVENTS_SQL, [JSON.stringify(events)]);
  return result.rowCount ?? 0;
}

/** The row a direct insert created. */
export interface StoredRow {
  /** The table's `id`. */
  id: number;
  /** The table's `created_at`, ISO 8601. */
  createdAt: string;
}

/** Inserts one event and returns its row; throws DatabaseError (with `retriable`) on failure. */
export async function insertEventReturning(db: Pool | PoolClient, event: RoutingEvent): Promise<StoredRow> {
  let rows: { id: string; created_at: Date }[];
  try {
    ({ rows } = await db.query<{ id: string; created_at: Date }>(`${INSERT_EVENTS_SQL} RETURNING id, created_at`, [JSON.stringify([event])]));
  } catch (err) {
    throw toDatabaseError(err, 'PostgreSQL did not store the routing event');
  }
  if (rows.length === 0) throw new DatabaseError(`event ${event.event_id} is already stored`, false, '23505');
  return { id: Number(rows[0]!.id), createdAt: rows[0]!.created_at.toISOString() };
}
