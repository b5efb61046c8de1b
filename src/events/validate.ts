/**
 * The routing event's one validator: routing-event.schema.json (the file that ships in the
 * package) compiled by Ajv ahead of time into routing-event.validator.ts. Nothing else states
 * the rules; error messages quote the validator's verdict and the schema's own description of
 * the field.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { EventValidationError } from '../errors';
import { SCHEMA_PATH } from './assets';
import type { RoutingEvent } from './event';
import { validateSchema } from './routing-event.validator';

interface SchemaNode {
  description?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
}

let schema: SchemaNode | undefined;

/** The JSON Schema of a routing event (parsed once from the shipped file). */
export function routingEventSchema(): Readonly<Record<string, unknown>> {
  schema ??= JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;
  return schema as Readonly<Record<string, unknown>>;
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.$ref === undefined) return node;
  const name = node.$ref.replace('#/$defs/', '');
  return (routingEventSchema() as SchemaNode).$defs?.[name];
}

function propertyDescription(name: string): string {
  return resolve((routingEventSchema() as SchemaNode).properties?.[name])?.description ?? '';
}

/** `/confidence_components/semantic` → `confidence_components.semantic`. */
function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** Turns the validator's first error into an EventValidationError naming field and rule. */
function toError(error: ErrorObject): EventValidationError {
  const at = fieldOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const description = (error.parentSchema as SchemaNode | undefined)?.description ?? '';
  switch (error.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      return new EventValidationError(at ? `${at}.${name}` : name, undefined, 'is required', propertyDescription(name));
    }
    case 'additionalProperties': {
      if (at !== '') break;
      const fields = Object.keys((routingEventSchema() as SchemaNode).properties ?? {});
      return new EventValidationError(String(params.additionalProperty), undefined, 'is not a field of a routing event', `one of ${fields.join(', ')}`);
    }
    case 'propertyNames':
    case 'pattern':
      if (error.propertyName !== undefined) {
        return new EventValidationError(at, error.propertyName, `has a score name that does not match the required form`, description);
      }
      return new EventValidationError(at || 'event', error.data, 'does not have the required form', description);
    default:
      break;
  }
  return new EventValidationError(at || 'event', error.data, error.message ?? error.keyword, at === '' ? 'a JSON object' : description);
}

/** The first rule `value` breaks, or undefined when it is a valid routing event. */
export function routingEventError(value: unknown): EventValidationError | undefined {
  if (validateSchema(value)) return undefined;
  return toError(validateSchema.errors![0]!);
}

/** Returns `value` as a RoutingEvent, or throws EventValidationError naming the first broken rule. */
export function validateRoutingEvent(value: unknown): RoutingEvent {
  const error = routingEventError(value);
  if (error !== undefined) throw error;
  return value as RoutingEvent;
}
