/**
 * SASL credentials that never show their password: it lives in a `#private` field, which no
 * property listing, `util.inspect` (even with `showHidden`), `JSON.stringify` or spread reaches.
 * Only this package's Kafka client reads it (`kafkajsSasl`, not exported from the public entry
 * points), and hands kafkajs an object whose `password` is a non-enumerable getter.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import type { SASLOptions } from 'kafkajs';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** What `util.inspect`, `JSON.stringify` and `toString()` show in place of the password. */
export const REDACTED = '[redacted]';

let readPassword: (credentials: KafkaSaslCredentials) => string;

/** The resolved SASL settings: mechanism and user name readable, the password not. */
export class KafkaSaslCredentials {
  readonly mechanism: KafkaSaslMechanism;
  readonly username: string;
  readonly #password: string;

  static {
    readPassword = (credentials) => credentials.#password;
  }

  constructor(mechanism: KafkaSaslMechanism, username: string, password: string) {
    this.mechanism = mechanism;
    this.username = username;
    this.#password = password;
  }

  /** `JSON.stringify` view: the password replaced by `[redacted]`. */
  toJSON(): { mechanism: KafkaSaslMechanism; username: string; password: string } {
    return { mechanism: this.mechanism, username: this.username, password: REDACTED };
  }

  toString(): string {
    return `KafkaSaslCredentials(${this.mechanism}, ${this.username}, password ${REDACTED})`;
  }

  [inspect.custom](depth: number | null, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    return inspectView('KafkaSaslCredentials', this.toJSON(), depth, options, inspectFn);
  }
}

/**
 * A `[util.inspect.custom]` body that shows `view` (a plain object) in place of the instance,
 * under its class name: at the instance's own level, so `depth` (what is left of the caller's
 * depth here; null for no limit) applies to the view as it would to the instance.
 */
export function inspectView(name: string, view: object, depth: number | null, options: InspectOptionsStylized, inspectFn: typeof inspect = inspect): string {
  if (depth !== null && depth < 0) return options.stylize(`[${name}]`, 'special');
  return `${name} ${inspectFn(view, { ...options, depth })}`;
}

/**
 * The `sasl` option of kafkajs. kafkajs keeps this object on every connection; its password is
 * a non-enumerable getter, so even an inspection of kafkajs internals does not print it.
 */
export function kafkajsSasl(credentials: KafkaSaslCredentials): SASLOptions {
  const sasl = { mechanism: credentials.mechanism, username: credentials.username };
  Object.defineProperty(sasl, 'password', { get: () => readPassword(credentials), enumerable: false });
  return sasl as SASLOptions;
}
