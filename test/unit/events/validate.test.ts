// The routing event's validator: the schema file's rules, with messages naming field and rule;
// and the precompiled validator matching the schema it was generated from.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routingEventError, routingEventSchema, validateRoutingEvent } from '../../../src/events/validate';
import { EventValidationError } from '../../../src/errors';
import { thrownBy } from '../helpers';
// @ts-expect-error: a plain .mjs script without types
import { validatorSource, VALIDATOR_FILE } from '../../../scripts/gen-event-validator.mjs';

const VALID = {
  schema_version: 1,
  event_id: '0b7d5f4e-2f4b-4b8e-9a53-0d7c9c1d2e3f',
  correlation_id: '123e4567-e89b-12d3-a456-426614174000',
  query_text: 'refund my order',
  routing_duration_ms: 12,
  cache_hit: false,
  candidates_evaluated: 4,
  match_strategy: 'semantic',
  confidence_components: { semantic: 0.91, keyword: 0 },
  selected_agent: 'billing',
  timestamp: '2026-01-31T12:00:00.000Z',
  service_name: 'agent-api',
};

describe('routing-event.validator.ts', () => {
  it('is the Ajv standalone code of routing-event.schema.json (run node scripts/gen-event-validator.mjs)', () => {
    expect(readFileSync(VALIDATOR_FILE as string, 'utf8')).toBe((validatorSource as () => string)());
  });
});

describe('validateRoutingEvent', () => {
  it.each([
    ['all fields', VALID],
    ['only the required fields', { ...VALID, match_strategy: undefined, confidence_components: undefined, selected_agent: undefined }],
    ['the bounds', { ...VALID, routing_duration_ms: 999, candidates_evaluated: 2147483647, confidence_components: { a: 1, b: 0 } }],
    ['duration 0, no candidates', { ...VALID, routing_duration_ms: 0, candidates_evaluated: 0 }],
    ['an offset time zone', { ...VALID, timestamp: '2026-01-31T13:00:00+01:00' }],
    ['emoji, quotes, backslashes and control characters', { ...VALID, query_text: '😀 "x" \\ \'; DROP TABLE t; -- \u0001\u001f\u007f' }],
    ['32768 characters', { ...VALID, query_text: 'q'.repeat(32768) }],
    ['an empty score object', { ...VALID, confidence_components: {} }],
  ])('accepts %s', (_name, event) => {
    const clean = JSON.parse(JSON.stringify(event)) as unknown;
    expect(validateRoutingEvent(clean)).toBe(clean);
  });

  it.each([
    [{ routing_duration_ms: 1000 }, 'routing_duration_ms is not valid: must be <= 999; allowed: an integer number of milliseconds from 0 to 999'],
    [{ routing_duration_ms: -1 }, 'routing_duration_ms is not valid: must be >= 0; allowed: an integer number of milliseconds from 0 to 999'],
    [{ routing_duration_ms: 4.5 }, 'routing_duration_ms is not valid: must be integer; allowed: an integer number of milliseconds from 0 to 999'],
    [{ routing_duration_ms: 'abc' }, 'routing_duration_ms is not valid: must be integer; allowed: an integer number of milliseconds from 0 to 999'],
    [{ candidates_evaluated: -1 }, 'candidates_evaluated is not valid: must be >= 0; allowed: an integer from 0 to 2147483647'],
    [{ candidates_evaluated: 2147483648 }, 'candidates_evaluated is not valid: must be <= 2147483647; allowed: an integer from 0 to 2147483647'],
    [{ cache_hit: 'maybe' }, 'cache_hit is not valid: must be boolean; allowed: true or false'],
    [{ confidence_components: [0.5] }, 'confidence_components is not valid: must be object; allowed: a JSON object of up to 32 named scores, each a number from 0 to 1, e.g. {"semantic":0.91,"keyword":0.4}'],
    [{ confidence_components: { semantic: 1.5 } }, 'confidence_components.semantic is not valid: must be <= 1; allowed: a number from 0 to 1'],
    [{ confidence_components: { semantic: -0.1 } }, 'confidence_components.semantic is not valid: must be >= 0; allowed: a number from 0 to 1'],
    [{ confidence_components: { semantic: '0.5' } }, 'confidence_components.semantic is not valid: must be number; allowed: a number from 0 to 1'],
    [{ confidence_components: { 'bad name': 0.5 } }, 'confidence_components is not valid: has a score name that does not match the required form; allowed: a score name of 1 to 64 of a-z A-Z 0-9 _ . -'],
    [{ correlation_id: 'not-a-uuid' }, 'correlation_id is not valid: does not have the required form; allowed: a UUID in lowercase 8-4-4-4-12 hex form, e.g. 123e4567-e89b-12d3-a456-426614174000'],
    [{ event_id: '123e4567-e89b-12d3-a456-42661417400' }, 'event_id is not valid: does not have the required form; allowed: a UUID in lowercase 8-4-4-4-12 hex form, e.g. 123e4567-e89b-12d3-a456-426614174000'],
    [{ query_text: '' }, 'query_text is not valid: must NOT have fewer than 1 characters; allowed: text of 1 to 32768 characters, without NUL characters or unpaired surrogates'],
    [{ query_text: 'a\u0000b' }, 'query_text is not valid: does not have the required form; allowed: text of 1 to 32768 characters, without NUL characters or unpaired surrogates'],
    [{ query_text: 'a\ud800b' }, 'query_text is not valid: does not have the required form; allowed: text of 1 to 32768 characters, without NUL characters or unpaired surrogates'],
    [{ query_text: undefined }, 'query_text is not valid: is required; allowed: text of 1 to 32768 characters, without NUL characters or unpaired surrogates'],
    [{ schema_version: 2 }, 'schema_version is not valid: must be equal to constant; allowed: the number 1'],
    [{ timestamp: '2026-01-31' }, 'timestamp is not valid: must match format "date-time"; allowed: an RFC 3339 date-time with a time zone, e.g. 2026-01-31T12:00:00.000Z'],
    [{ service_name: 's'.repeat(257) }, `service_name is not valid: must NOT have more than 256 characters; allowed: text of 1 to 256 characters, without NUL characters or unpaired surrogates`],
    [{ extra: 1 }, 'extra is not valid: is not a field of a routing event; allowed: one of schema_version, event_id, correlation_id, query_text, routing_duration_ms, cache_hit, candidates_evaluated, match_strategy, confidence_components, selected_agent, timestamp, service_name'],
  ])('refuses %j: %s', (change, message) => {
    const event: Record<string, unknown> = { ...VALID, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete event[k];
    const error = thrownBy(() => validateRoutingEvent(event)) as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.code).toBe('AGM_ERR_EVENT_INVALID');
    expect(error.message).toBe(`AGM_ERR_EVENT_INVALID: ${message}`);
    expect(routingEventError(event)?.message).toBe(error.message);
  });

  it('refuses what is not an object', () => {
    expect(routingEventError('{}')?.message).toBe('AGM_ERR_EVENT_INVALID: event is not valid: must be object; allowed: a JSON object');
    expect(routingEventError(null)?.field).toBe('event');
  });

  it('names field, value, rule and what is allowed', () => {
    const error = routingEventError({ ...VALID, routing_duration_ms: 1000 })!;
    expect({ field: error.field, value: error.value, rule: error.rule, allowed: error.allowed }).toEqual({
      field: 'routing_duration_ms',
      value: 1000,
      rule: 'must be <= 999',
      allowed: 'an integer number of milliseconds from 0 to 999',
    });
  });

  it('reads its schema from the file that ships in the package', () => {
    const schema = routingEventSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(VALID));
  });
});
