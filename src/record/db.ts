/** DB operations for clients without an official instrumentation, and pool gauges. */
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { guarded, recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_DB_COLLECTION, ATTR_DB_CONNECTION_STATE, ATTR_DB_OPERATION, ATTR_DB_POOL_NAME, ATTR_DB_SYSTEM, ATTR_ERROR_TYPE } from '../catalog-vocabulary';

const dbConnections = withKeys(instruments.dbConnections, ATTR_DB_POOL_NAME, ATTR_DB_CONNECTION_STATE);
const dbConnectionsMax = withKeys(instruments.dbConnectionsMax, ATTR_DB_POOL_NAME);
const dbDuration = withKeys(instruments.dbDuration, ATTR_DB_SYSTEM, ATTR_DB_OPERATION, ATTR_DB_COLLECTION, ATTR_ERROR_TYPE);

/** One database operation. Never pass query text: the operation name and table only. */
export interface DbOperation {
  /** Operation, e.g. `SELECT`, `INSERT` (`db.operation.name`). */
  operation: string;
  /** Table or collection (`db.collection.name`). */
  table: string;
  /** Duration in seconds. */
  seconds: number;
  /** Database system (`db.system.name`); default `postgresql`. */
  system?: string;
  /** Set on failure: an Error (its `code`, e.g. a SQLSTATE, becomes `error.type`) or a string. */
  error?: unknown;
}

/** Records one DbOperation; never throws (bad input is dropped and counted). */
export function recordDbOperation(op: DbOperation): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure: a closure shared by every helper makes one
  // megamorphic call site for all of them (bench/overhead: ten helpers per request).
  try {
    dbOperation(op);
  } catch (err) {
    recordingFailed('recordDbOperation', err);
  }
}

function dbOperation(op: DbOperation): void {
  const seconds = guard.measurement(op.seconds, 'db seconds');
  if (seconds < 0) return;
  const system = guard.name(op.system ?? 'postgresql', 'db system');
  const operation = guard.name(op.operation, 'db operation');
  const table = guard.name(op.table, 'db table');
  if (system === undefined || operation === undefined || table === undefined) return;
  const type = failureType(op.error);
  dbDuration.get4(system, operation, table, type).record(seconds);
}

/** The current state of a connection pool. */
export interface DbPoolState {
  /** Pool name (`db.client.connection.pool.name`). */
  pool: string;
  /** Idle connections now. */
  idle: number;
  /** Connections in use now. */
  used: number;
  /** Largest number of connections allowed, when known. */
  max?: number;
}

export const setDbPoolState: (pool: DbPoolState) => void = guarded('setDbPoolState', (state) => {
  const pool = guard.name(state.pool, 'pool');
  if (pool === undefined) return;
  const idle = guard.measurement(state.idle, 'idle connections');
  const used = guard.measurement(state.used, 'used connections');
  if (idle >= 0) dbConnections.get2(pool, 'idle').set(idle);
  if (used >= 0) dbConnections.get2(pool, 'used').set(used);
  if (state.max !== undefined) {
    const max = guard.measurement(state.max, 'max connections');
    if (max >= 0) dbConnectionsMax.get1(pool).set(max);
  }
});
