import { describe, expect, it } from 'vitest';
import { INSERT_EVENTS_SQL, isDataError, postgresErrorType, toDatabaseError } from '../../../src/events/postgres';
import { loadMigrations } from '../../../src/events/migrate';
import { DatabaseError } from '../../../src/errors';

describe('INSERT_EVENTS_SQL', () => {
  it('is one parameterised, idempotent statement over the event\'s fields', () => {
    expect(INSERT_EVENTS_SQL).toBe(
      'INSERT INTO router_performance_metrics (event_id, schema_version, correlation_id, query_text, routing_duration_ms, cache_hit, candidates_evaluated, match_strategy, confidence_components, selected_agent, "timestamp", service_name) ' +
        'SELECT event_id, schema_version, correlation_id, query_text, routing_duration_ms, cache_hit, candidates_evaluated, match_strategy, confidence_components, selected_agent, "timestamp", service_name ' +
        'FROM json_to_recordset($1::json) AS e(event_id uuid, schema_version smallint, correlation_id uuid, query_text text, routing_duration_ms smallint, cache_hit boolean, candidates_evaluated integer, match_strategy text, confidence_components jsonb, selected_agent text, "timestamp" timestamptz, service_name text) ' +
        'ON CONFLICT (event_id) DO NOTHING',
    );
  });
});

describe('PostgreSQL errors', () => {
  it.each([
    [{ code: '23514' }, true],
    [{ code: '22P02' }, true],
    [{ code: '23505' }, true],
    [{ code: '57P01' }, false],
    [{ code: '42P01' }, false],
    [{ code: 'ECONNREFUSED' }, false],
    [new Error('Connection terminated unexpectedly'), false],
  ])('%j is a data error: %s', (error, expected) => {
    expect(isDataError(error)).toBe(expected);
  });

  it('wraps failures as DatabaseError: data errors final, the rest retriable', () => {
    const check = toDatabaseError(Object.assign(new Error('new row violates check constraint'), { code: '23514' }), 'insert failed');
    expect(check).toBeInstanceOf(DatabaseError);
    expect([check.message, check.retriable, check.sqlState]).toEqual(['AGM_ERR_DATABASE: insert failed: new row violates check constraint (SQLSTATE 23514)', false, '23514']);
    const refused = toDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'insert failed');
    expect([refused.message, refused.retriable, refused.sqlState]).toEqual(['AGM_ERR_DATABASE: insert failed: connect ECONNREFUSED 127.0.0.1:1', true, undefined]);
    expect(postgresErrorType(Object.assign(new Error('x'), { code: '57P01' }))).toBe('57P01');
    expect(postgresErrorType(new Error('Connection terminated unexpectedly'))).toBe('Error');
  });
});

describe('loadMigrations', () => {
  it('finds the shipped migrations in order, with their checksums', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.name)).toEqual(['0001_router_performance_metrics']);
    expect(migrations[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(migrations[0]!.sql).toContain('CREATE TABLE router_performance_metrics');
  });
});
