/**
 * Files the event path reads at run time (the JSON Schema, the SQL migrations). They live in
 * src/events/ and ship in the package as they are ("files" in package.json): resolved from the
 * package root, the same path works from dist/events/*.js and from src/events/*.ts under vitest.
 */
import { join } from 'node:path';

export const EVENTS_ASSET_DIR = join(__dirname, '..', '..', 'src', 'events');

export const SCHEMA_PATH = join(EVENTS_ASSET_DIR, 'routing-event.schema.json');
export const MIGRATIONS_DIR = join(EVENTS_ASSET_DIR, 'migrations');
