/**
 * `agentmeter db migrate`: applies the SQL files in migrations/ in name order, each once,
 * recording name and checksum in agentmeter_schema_migrations. One transaction under an
 * advisory lock: two migrators started together apply each file once, and a failing file
 * leaves nothing half-done.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { DatabaseError } from '../errors';
import { MIGRATIONS_DIR } from './assets';
import { toDatabaseError } from './postgres';

export const MIGRATIONS_TABLE = 'agentmeter_schema_migrations';
// Any constant shared by every agentmeter migrator; pg_advisory_xact_lock takes a bigint.
const LOCK_KEY = 7_236_051_943;

export interface Migration {
  /** File name without `.sql`, e.g. `0001_router_performance_metrics`. */
  name: string;
  sql: string;
  /** SHA-256 of the file, hex. */
  checksum: string;
}

export interface MigrationResult {
  /** Migrations this run applied, in order. */
  applied: string[];
  /** Migrations found already applied. */
  alreadyApplied: string[];
}

/** The shipped migrations, in the order they apply. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return { name: file.slice(0, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies what is missing; throws DatabaseError when the database refuses or a file changed after it was applied. */
export async function migrate(pool: Pool, migrations: Migration[] = loadMigrations()): Promise<MigrationResult> {
  let client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toDatabaseError(err, 'cannot connect to PostgreSQL');
  }
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`);
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const checksum = done.get(m.name);
      if (checksum === undefined) {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
        result.applied.push(m.name);
      } else if (checksum !== m.checksum) {
        throw new DatabaseError(`migration ${m.name} was changed after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${m.checksum.slice(0, 12)} in the file); add a new migration instead`, false);
      } else {
        result.alreadyApplied.push(m.name);
      }
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err instanceof DatabaseError ? err : toDatabaseError(err, 'migration failed');
  } finally {
    client.release();
  }
}
