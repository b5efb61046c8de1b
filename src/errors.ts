/**
 * Every error agentmeter throws, with a stable `code`. Only explicit set-up calls throw
 * (`start()`, exporter constructors); recording never does.
 */

/** Stable error codes; the README's error table lists each one (a test checks it). */
export const ERROR_CODES = {
  config: 'AGM_ERR_CONFIG',
  incompatibleDependency: 'AGM_ERR_INCOMPATIBLE_DEPENDENCY',
  export: 'AGM_ERR_EXPORT',
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
