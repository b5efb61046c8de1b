/**
 * Every error agentmeter throws, with a stable `code`. Only explicit set-up calls throw
 * (`start()`, exporter constructors); recording never does.
 */

/** Stable error codes; docs/errors.md lists each one (a test checks it). */
export const ERROR_CODES = {
  config: 'AGM_ERR_CONFIG',
  incompatibleDependency: 'AGM_ERR_INCOMPATIBLE_DEPENDENCY',
  export: 'AGM_ERR_EXPORT',
  eventInvalid: 'AGM_ERR_EVENT_INVALID',
  database: 'AGM_ERR_DATABASE',
  jobsDir: 'AGM_ERR_JOBS_DIR',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base class: `code` is stable across releases, `message` is for people. */
export class AgentmeterError extends Error {
  override name = 'AgentmeterError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

/** A configuration value (option or environment variable) is not allowed. */
export class ConfigError extends AgentmeterError {
  override name = 'ConfigError';
  /** The option or environment variable, e.g. `OTEL_METRICS_EXPORTER`. */
  readonly option: string;
  /** The rejected value, as given. */
  readonly value: unknown;
  /** What is allowed, in words, e.g. `one of prometheus, otlp, console, none`. */
  readonly allowed: string;

  constructor(option: string, value: unknown, allowed: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.config, `${option}=${JSON.stringify(value)} is not valid; allowed: ${allowed}`, options);
    this.option = option;
    this.value = value;
    this.allowed = allowed;
  }
}

/** A dependency's internals changed shape (an upgrade outside the tested range). */
export class IncompatibleDependencyError extends AgentmeterError {
  override name = 'IncompatibleDependencyError';

  constructor(message: string) {
    super(ERROR_CODES.incompatibleDependency, message);
  }
}

/** An exporter could not deliver; `retriable` says whether trying again can help. */
export class ExportError extends AgentmeterError {
  override name = 'ExportError';
  readonly retriable: boolean;

  constructor(message: string, retriable: boolean, options?: { cause?: unknown }) {
    super(ERROR_CODES.export, message, options);
    this.retriable = retriable;
  }
}

/**
 * A routing event breaks a rule of its JSON Schema; `field`, `rule` and `allowed` say which.
 * The message names the field and the rule, never the value: it may be a user's query text or a
 * correlation id, and such messages get logged. The value is on `value`, left out of
 * `util.inspect` and `JSON.stringify`.
 */
export class EventValidationError extends AgentmeterError {
  override name = 'EventValidationError';
  /** The event field, dotted for nested values, e.g. `routing_duration_ms`, `confidence_components.semantic`. */
  readonly field: string;
  /** The rejected value, as given (undefined when the field is missing); not enumerable. */
  declare readonly value: unknown;
  /** The rule it breaks, in the validator's words, e.g. `must be <= 999`. */
  readonly rule: string;
  /** What is allowed, from the schema's description of the field. */
  readonly allowed: string;

  constructor(field: string, value: unknown, rule: string, allowed: string) {
    super(ERROR_CODES.eventInvalid, `${field} is not valid: ${rule}${allowed ? `; allowed: ${allowed}` : ''}`);
    this.field = field;
    Object.defineProperty(this, 'value', { value, enumerable: false });
    this.rule = rule;
    this.allowed = allowed;
  }
}

/** PostgreSQL refused or could not be reached; `sqlState` is its SQLSTATE code when it answered. */
export class DatabaseError extends AgentmeterError {
  override name = 'DatabaseError';
  readonly retriable: boolean;
  /** The server's SQLSTATE, e.g. `23514` for a CHECK violation; undefined for connection failures. */
  readonly sqlState: string | undefined;

  constructor(message: string, retriable: boolean, sqlState?: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.database, message, options);
    this.retriable = retriable;
    this.sqlState = sqlState;
  }
}

/** `agentmeter jobs` cannot read its directory, or it holds no job folder; `reason` is the errno code or `ENOJOBS`. */
export class JobsDirError extends AgentmeterError {
  override name = 'JobsDirError';
  /** Why, e.g. `ENOENT`, `ENOTDIR`, `EACCES`, or `ENOJOBS` for a directory without job folders. */
  readonly reason: string;

  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(ERROR_CODES.jobsDir, message, options);
    this.reason = reason;
  }
}
