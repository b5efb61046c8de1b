// Helpers for tests against the PostgreSQL the infra scripts start: each test file works in a
// database of its own, so files never see each other's rows.
import { inject } from 'vitest';
import pg from 'pg';

export interface PostgresService {
  pid: number;
  port: number;
  url: string;
  logPath: string;
  infraDir: string;
}

export function postgresService(): PostgresService {
  const services = inject('services') as { postgres?: PostgresService };
  if (!services.postgres) throw new Error('PostgreSQL was not started by test/infra/global-setup.mjs (AGENTMETER_INFRA_SERVICES must include postgres)');
  return services.postgres;
}

/** Runs one statement on `url` with a short-lived client. */
export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A new, empty database named `<prefix>_<pid>_<time>`; returns its URL. */
export async function createDatabase(prefix: string): Promise<string> {
  const service = postgresService();
  const name = `${prefix}_${process.pid}_${Date.now()}`.toLowerCase();
  try {
    await query(service.url, `CREATE DATABASE ${name}`);
  } catch (err) {
    throw new Error(`cannot create a test database on ${service.url} (log: ${service.logPath}): ${(err as Error).message}`);
  }
  return service.url.replace(/\/[^/]*$/, `/${name}`);
}
