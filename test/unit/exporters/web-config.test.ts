// The exporter-toolkit web config subset: what parses, and one exact ConfigError per bad file,
// naming the key and never showing a secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors';
import { loadWebConfig, parseWebConfig } from '../../../src/exporters/web-config';
import { thrownBy } from '../helpers';

const HASH = '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG';
const SOURCE = 'AGENTMETER_WEB_CONFIG_FILE';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmeter-webcfg-'));
  writeFileSync(join(dir, 'server.crt'), 'CERT PEM');
  writeFileSync(join(dir, 'server.key'), 'KEY PEM');
  writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (text: string) => parseWebConfig(text, dir, SOURCE);

describe('parseWebConfig', () => {
  it('reads TLS files relative to the file, users into a Map and headers in lower case', () => {
    const config = parse(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: server.key',
        '  client_ca_file: ca.crt',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  min_version: TLS13',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        '    Strict-Transport-Security: max-age=31536000',
        '    Content-Security-Policy: ""',
        'basic_auth_users:',
        `  prometheus: ${HASH}`,
        `  __proto__: ${HASH}`,
      ].join('\n'),
    );
    expect(config.tls).toEqual({
      cert: Buffer.from('CERT PEM'),
      key: Buffer.from('KEY PEM'),
      clientCa: Buffer.from('CA PEM'),
      clientAuthType: 'RequireAndVerifyClientCert',
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
    });
    expect([...config.users]).toEqual([['prometheus', HASH], ['__proto__', HASH]]);
    expect(config.headers).toEqual([['x-frame-options', 'deny'], ['strict-transport-security', 'max-age=31536000']]);
  });

  it.each([
    ['an empty file', ''],
    ['empty sections', 'tls_server_config:\nbasic_auth_users:\n'],
  ])('reads %s as plain HTTP without auth', (_, text) => {
    expect(parse(text)).toEqual({ tls: undefined, users: new Map(), headers: [] });
  });

  it('defaults to TLS 1.2 .. 1.3 without client certificates, inline PEM allowed', () => {
    expect(parse('tls_server_config:\n  cert: "C"\n  key: "K"\n').tls).toEqual({
      cert: Buffer.from('C'), key: Buffer.from('K'), clientCa: undefined, clientAuthType: 'NoClientCert', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3',
    });
  });

  it.each([
    ['an unknown top-level key', 'tls_sever_config: {}', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE (top level)="tls_sever_config" is not valid; allowed: the keys tls_server_config, http_server_config, basic_auth_users (tls_sever_config is unknown)'],
    ['an unknown TLS key', 'tls_server_config:\n  cert_fil: server.crt', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config="cert_fil" is not valid; allowed: the keys cert_file, key_file, cert, key, client_ca_file, client_ca, client_auth_type, min_version, max_version (cert_fil is unknown)'],
    ['a toolkit key agentmeter does not implement', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.cipher_suites="" is not valid; allowed: not set: agentmeter does not implement tls_server_config.cipher_suites of the exporter-toolkit format (see docs/security.md)'],
    ['rate_limit', 'rate_limit:\n  interval: 1s', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE rate_limit="" is not valid; allowed: not set: agentmeter does not implement rate_limit of the exporter-toolkit format (see docs/security.md)'],
    ['a certificate without a key', 'tls_server_config:\n  cert_file: server.crt', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.key_file="" is not valid; allowed: a key file (or key) when tls_server_config is set'],
    ['a key without a certificate', 'tls_server_config:\n  key_file: server.key', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.cert_file="" is not valid; allowed: a certificate file (or cert) when tls_server_config is set'],
    ['both cert and cert_file', 'tls_server_config:\n  cert: C\n  cert_file: server.crt\n  key_file: server.key', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.cert="" is not valid; allowed: either cert or cert_file, not both'],
    ['an unknown TLS version', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.min_version="TLS14" is not valid; allowed: TLS10, TLS11, TLS12, TLS13'],
    ['min above max', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n  max_version: TLS12', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.min_version="TLS13" is not valid; allowed: a version not above max_version'],
    ['an unknown client auth type', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Always', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.client_auth_type="Always" is not valid; allowed: NoClientCert, RequestClientCert, RequireAnyClientCert, RequireClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert'],
    ['client CAs without a policy', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE tls_server_config.client_auth_type="NoClientCert" is not valid; allowed: a policy that asks for client certificates (e.g. RequireAndVerifyClientCert) when client_ca_file is set'],
    ['a password in clear', 'basic_auth_users:\n  alice: hunter2', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE basic_auth_users (entry 1)="" is not valid; allowed: a bcrypt hash ($2y$, $2b$ or $2a$, e.g. from htpasswd -nBC 10 "" | tr -d \':\\n\'); the value is not shown'],
    ['a header the toolkit does not allow', 'http_server_config:\n  headers:\n    Server: agentmeter', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE http_server_config.headers="Server" is not valid; allowed: Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, X-XSS-Protection, Strict-Transport-Security'],
    ['a header value the toolkit restricts', 'http_server_config:\n  headers:\n    X-Frame-Options: allow', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE http_server_config.headers.X-Frame-Options="allow" is not valid; allowed: deny or sameorigin'],
    ['broken YAML', 'basic_auth_users: [unclosed', 'AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE (YAML)="" is not valid; allowed: a YAML mapping; the file does not parse (line 1, column 28)'],
  ])('refuses %s with one exact message', (_, text, message) => {
    const err = thrownBy(() => parse(text));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(message);
  });

  it('never shows a secret of the file in its message', () => {
    const err = thrownBy(() => parse('tls_server_config:\n  key: "-----BEGIN PRIVATE KEY----- s3cr3t"\n  kee: "s3cr3t"'));
    expect(err.message).not.toContain('s3cr3t');
    const users = thrownBy(() => parse('basic_auth_users:\n  s3cr3t-user: s3cr3t'));
    expect(users.message).not.toContain('s3cr3t');
  });
});

describe('loadWebConfig', () => {
  it('names the variable and the path of a missing file', () => {
    const err = thrownBy(() => loadWebConfig(join(dir, 'missing.yml'), SOURCE)) as ConfigError;
    expect(err.message).toBe(`AGM_ERR_CONFIG: AGENTMETER_WEB_CONFIG_FILE=${JSON.stringify(join(dir, 'missing.yml'))} is not valid; allowed: a readable web config file (YAML, the Prometheus exporter-toolkit format)`);
  });

  it('names an unreadable certificate file by key and resolved path', () => {
    writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n');
    const err = thrownBy(() => loadWebConfig(join(dir, 'web.yml'), 'webConfigFile'));
    expect(err.message).toBe(`AGM_ERR_CONFIG: webConfigFile tls_server_config.cert_file=${JSON.stringify(join(dir, 'nope.crt'))} is not valid; allowed: a readable PEM file`);
  });
});
