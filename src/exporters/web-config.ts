/**
 * The web config file of the Prometheus exporter-toolkit (`--web.config.file`), the subset
 * agentmeter's endpoints use: `tls_server_config` (cert and key, client certificates, TLS
 * versions), `basic_auth_users` (user → bcrypt hash) and `http_server_config.headers`.
 * Keys the toolkit knows but agentmeter does not implement, and unknown keys, are ConfigErrors
 * naming the key; no message shows a secret (keys, hashes) or a line of the file.
 * Relative paths are read from the file's directory, as the toolkit does. Read once, at start.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { yaml } from '../optional-modules';
import { ConfigError } from '../errors';

/** How a TLS server treats client certificates (the toolkit's `client_auth_type`, after Go's tls.ClientAuthType). */
export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

/** `tls_server_config`, read into what node:tls takes. */
export interface TlsServerSettings {
  cert: Buffer;
  key: Buffer;
  /** CAs that sign accepted client certificates (`client_ca_file` / `client_ca`). */
  clientCa: Buffer | undefined;
  clientAuthType: ClientAuthType;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
}

/** A parsed web config file. */
export interface WebConfig {
  /** Serve HTTPS with these settings; undefined for plain HTTP. */
  tls: TlsServerSettings | undefined;
  /** User → bcrypt hash; empty when basic auth is off. */
  users: ReadonlyMap<string, string>;
  /** Headers added to every response (`http_server_config.headers`), lower-case names. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/** No file: plain HTTP, no auth, no extra headers. */
export const NO_WEB_CONFIG: WebConfig = { tls: undefined, users: new Map(), headers: [] };

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const VERSION_ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const CLIENT_AUTH_TYPES: Record<string, ClientAuthType> = {
  NoClientCert: 'NoClientCert',
  RequestClientCert: 'RequestClientCert',
  RequireAnyClientCert: 'RequireAnyClientCert',
  // The toolkit keeps this older name for RequireAnyClientCert.
  RequireClientCert: 'RequireAnyClientCert',
  VerifyClientCertIfGiven: 'VerifyClientCertIfGiven',
  RequireAndVerifyClientCert: 'RequireAndVerifyClientCert',
};
/** Headers the toolkit lets a web config set, with the values allowed where it restricts them. */
const EXTRA_HEADERS: ReadonlyMap<string, readonly string[] | undefined> = new Map([
  ['strict-transport-security', undefined],
  ['x-content-type-options', ['nosniff']],
  ['x-frame-options', ['deny', 'sameorigin']],
  ['x-xss-protection', undefined],
  ['content-security-policy', undefined],
]);

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'basic_auth_users'];
const TLS_KEYS = ['cert_file', 'key_file', 'cert', 'key', 'client_ca_file', 'client_ca', 'client_auth_type', 'min_version', 'max_version'];
const HTTP_KEYS = ['headers', 'http2'];
/** Keys of the toolkit's format that agentmeter does not implement: named as such, not as typos. */
const NOT_IMPLEMENTED = new Set([
  'rate_limit',
  'tls_server_config.cipher_suites',
  'tls_server_config.curve_preferences',
  'tls_server_config.prefer_server_cipher_suites',
  'tls_server_config.client_allowed_sans',
]);

/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 22 characters of salt and 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** Builds ConfigErrors that name the variable, the key and the rule. */
class Reader {
  constructor(
    private readonly source: string,
    private readonly dir: string,
  ) {}

  fail(key: string, value: unknown, allowed: string, cause?: unknown): never {
    throw new ConfigError(`${this.source} ${key}`, value, allowed, cause === undefined ? undefined : { cause });
  }

  /** A mapping whose keys are all in `known`; yaml's mapAsMap gives Maps, so `__proto__` is just a key. */
  section(value: unknown, path: string, known: readonly string[]): Map<string, unknown> {
    if (value === null || value === undefined) return new Map();
    if (!(value instanceof Map)) this.fail(path, '', 'a mapping of keys to values');
    for (const key of value.keys()) {
      const name = String(key);
      const full = path === '' ? name : `${path}.${name}`;
      if (NOT_IMPLEMENTED.has(full)) this.fail(full, '', `not set: agentmeter does not implement ${full} of the exporter-toolkit format (see docs/security.md)`);
      if (!known.includes(name)) this.fail(path === '' ? '(top level)' : path, name, `the keys ${known.join(', ')} (${name} is unknown)`);
    }
    return value as Map<string, unknown>;
  }

  text(section: Map<string, unknown>, path: string, key: string): string | undefined {
    const value = section.get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') this.fail(`${path}.${key}`, '', 'a string');
    return value;
  }

  /** A PEM value given inline or as a file; both at once is an error, as the toolkit documents. */
  pem(section: Map<string, unknown>, inlineKey: string, fileKey: string): Buffer | undefined {
    const inline = this.text(section, 'tls_server_config', inlineKey);
    const file = this.text(section, 'tls_server_config', fileKey);
    if (inline !== undefined && file !== undefined) this.fail(`tls_server_config.${inlineKey}`, '', `either ${inlineKey} or ${fileKey}, not both`);
    if (inline !== undefined) return Buffer.from(inline);
    if (file === undefined) return undefined;
    const path = resolve(this.dir, file);
    try {
      return readFileSync(path);
    } catch (err) {
      this.fail(`tls_server_config.${fileKey}`, path, 'a readable PEM file', err);
    }
  }

  version(section: Map<string, unknown>, key: string, fallback: SecureVersion): SecureVersion {
    const value = this.text(section, 'tls_server_config', key);
    if (value === undefined) return fallback;
    const version = TLS_VERSIONS[value];
    if (version === undefined) this.fail(`tls_server_config.${key}`, value, Object.keys(TLS_VERSIONS).join(', '));
    return version;
  }
}

function tlsSettings(reader: Reader, raw: unknown): TlsServerSettings | undefined {
  const section = reader.section(raw, 'tls_server_config', TLS_KEYS);
  if (section.size === 0) return undefined;
  const cert = reader.pem(section, 'cert', 'cert_file');
  const key = reader.pem(section, 'key', 'key_file');
  if (cert === undefined) reader.fail('tls_server_config.cert_file', '', 'a certificate file (or cert) when tls_server_config is set');
  if (key === undefined) reader.fail('tls_server_config.key_file', '', 'a key file (or key) when tls_server_config is set');
  const clientCa = reader.pem(section, 'client_ca', 'client_ca_file');
  const authRaw = reader.text(section, 'tls_server_config', 'client_auth_type') ?? 'NoClientCert';
  const clientAuthType = CLIENT_AUTH_TYPES[authRaw];
  if (clientAuthType === undefined) reader.fail('tls_server_config.client_auth_type', authRaw, Object.keys(CLIENT_AUTH_TYPES).join(', '));
  // As the toolkit: CAs without a policy that asks for certificates would be silently unused.
  if (clientCa !== undefined && clientAuthType === 'NoClientCert') {
    reader.fail('tls_server_config.client_auth_type', authRaw, 'a policy that asks for client certificates (e.g. RequireAndVerifyClientCert) when client_ca_file is set');
  }
  const minVersion = reader.version(section, 'min_version', 'TLSv1.2');
  const maxVersion = reader.version(section, 'max_version', 'TLSv1.3');
  if (VERSION_ORDER.indexOf(minVersion) > VERSION_ORDER.indexOf(maxVersion)) {
    reader.fail('tls_server_config.min_version', section.get('min_version'), 'a version not above max_version');
  }
  return { cert, key, clientCa, clientAuthType, minVersion, maxVersion };
}

function users(reader: Reader, raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === null || raw === undefined) return out;
  if (!(raw instanceof Map)) reader.fail('basic_auth_users', '', 'a mapping of user names to bcrypt hashes');
  let entry = 0;
  for (const [user, hash] of raw as Map<unknown, unknown>) {
    entry += 1;
    // Neither the user name nor the hash goes into the message: the entry number is enough.
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      reader.fail(`basic_auth_users (entry ${entry})`, '', 'a bcrypt hash ($2y$, $2b$ or $2a$, e.g. from htpasswd -nBC 10 "" | tr -d \':\\n\'); the value is not shown');
    }
    const name = String(user);
    if (name === '' || name.includes(':')) reader.fail(`basic_auth_users (entry ${entry})`, '', 'a user name that is not empty and has no colon (basic auth splits at the first one)');
    out.set(name, hash);
  }
  return out;
}

function headers(reader: Reader, raw: unknown): Array<[string, string]> {
  const section = reader.section(raw, 'http_server_config', HTTP_KEYS);
  const http2 = section.get('http2');
  if (http2 !== undefined && typeof http2 !== 'boolean') reader.fail('http_server_config.http2', http2, 'true or false');
  const given = section.get('headers');
  if (given === undefined || given === null) return [];
  if (!(given instanceof Map)) reader.fail('http_server_config.headers', '', 'a mapping of header names to values');
  const out: Array<[string, string]> = [];
  for (const [rawName, rawValue] of given as Map<unknown, unknown>) {
    const name = String(rawName).toLowerCase();
    const allowedValues = EXTRA_HEADERS.get(name);
    if (!EXTRA_HEADERS.has(name)) reader.fail('http_server_config.headers', String(rawName), 'Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, X-XSS-Protection, Strict-Transport-Security');
    const value = rawValue === null || rawValue === undefined ? '' : String(rawValue);
    if (/[\r\n]/.test(value)) reader.fail(`http_server_config.headers.${String(rawName)}`, '', 'a single-line value');
    // Blank means unset, as in the toolkit.
    if (value === '') continue;
    if (allowedValues !== undefined && !allowedValues.includes(value)) reader.fail(`http_server_config.headers.${String(rawName)}`, value, allowedValues.join(' or '));
    out.push([name, value]);
  }
  return out;
}

/** `line L, column C` (1-based) of an offset in `text`. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Parses a web config file's text; `dir` resolves relative paths, `source` names the file's variable in errors. */
export function parseWebConfig(text: string, dir: string, source: string): WebConfig {
  const reader = new Reader(source, dir);
  const { parse, YAMLParseError } = yaml();
  let document: unknown;
  try {
    // prettyErrors off: a pretty error quotes the offending line, which may hold an inline key.
    document = parse(text, { mapAsMap: true, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError ? ` (${position(text, err.pos[0])})` : '';
    reader.fail('(YAML)', '', `a YAML mapping; the file does not parse${where}`);
  }
  const top = reader.section(document, '', TOP_KEYS);
  return {
    tls: tlsSettings(reader, top.get('tls_server_config')),
    users: users(reader, top.get('basic_auth_users')),
    headers: headers(reader, top.get('http_server_config')),
  };
}

/** Reads and parses the web config file at `path`; `source` is the option or variable that named it. */
export function loadWebConfig(path: string, source: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(source, path, 'a readable web config file (YAML, the Prometheus exporter-toolkit format)', { cause: err });
  }
  return parseWebConfig(text, dirname(resolve(path)), source);
}
