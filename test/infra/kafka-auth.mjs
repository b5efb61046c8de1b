// The broker's authenticated listener: SASL/SCRAM (SHA-512 and SHA-256) over TLS, beside the
// PLAINTEXT one, so the shared broker serves both and costs one JVM. Made fresh for each broker
// directory: a throwaway CA and broker certificate (openssl, into <dir>/tls, never committed) and
// a random password whose SCRAM credentials are written by `StorageTool format --add-scram`.
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { run } from './process.mjs';

/** Listener name on the broker (its properties are `listener.name.sasl_ssl.*`). */
export const AUTH_LISTENER = 'SASL_SSL';
export const SASL_USERNAME = 'agentmeter';
const ITERATIONS = 4096;
const DIGESTS = { 'SCRAM-SHA-512': ['sha512', 64], 'SCRAM-SHA-256': ['sha256', 32] };

/**
 * A CA and a certificate for 127.0.0.1 and localhost signed by it (EC P-256, valid 7 days).
 * The broker's PEM key store is the unencrypted PKCS#8 key plus the certificate: Kafka 3.9 reads
 * a PEM file without `ssl.key.password` when the key is not encrypted.
 */
async function makeCertificates(dir) {
  const tls = join(dir, 'tls');
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const f = (name) => join(tls, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '7'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=agentmeter test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-x509', ...ec, '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-keyout', f('broker.key'), '-out', f('broker.crt'),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'extendedKeyUsage=serverAuth',
    '-addext', 'basicConstraints=critical,CA:FALSE']);
  writeFileSync(f('broker.pem'), readFileSync(f('broker.key'), 'utf8') + readFileSync(f('broker.crt'), 'utf8'), { mode: 0o600 });
  for (const key of ['ca.key', 'broker.key']) chmodSync(f(key), 0o600);
  return { caFile: f('ca.pem'), keyStore: f('broker.pem') };
}

/**
 * `--add-scram` arguments for `password`, as salt and salted password (RFC 5802 Hi(), which is
 * PBKDF2 with the mechanism's HMAC): the password itself never appears on a command line.
 */
function scramArguments(password) {
  return Object.entries(DIGESTS).flatMap(([mechanism, [digest, length]]) => {
    const salt = randomBytes(16);
    const salted = pbkdf2Sync(password, salt, ITERATIONS, length, digest);
    return ['--add-scram', `${mechanism}=[name=${SASL_USERNAME},iterations=${ITERATIONS},salt="${salt.toString('base64')}",saltedpassword="${salted.toString('base64')}"]`];
  });
}

/**
 * Certificates, credentials and the server.properties lines of the authenticated listener on
 * `port`. Returns `{ properties, formatArgs, service }`: `service` is what tests connect with.
 */
export async function authenticatedListener(dir, port) {
  const { caFile, keyStore } = await makeCertificates(dir);
  const password = randomBytes(18).toString('base64url');
  const prefix = `listener.name.${AUTH_LISTENER.toLowerCase()}`;
  const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    listener: `${AUTH_LISTENER}://127.0.0.1:${port}`,
    properties: [
      `${prefix}.sasl.enabled.mechanisms=${Object.keys(DIGESTS).join(',')}`,
      // Server side only: no user or password here (brokers talk to each other over PLAINTEXT).
      ...Object.keys(DIGESTS).map((m) => `${prefix}.${m.toLowerCase()}.sasl.jaas.config=${jaas}`),
      `${prefix}.ssl.keystore.type=PEM`,
      `${prefix}.ssl.keystore.location=${keyStore}`,
    ],
    formatArgs: scramArguments(password),
    service: { brokers: `127.0.0.1:${port}`, username: SASL_USERNAME, password, mechanisms: Object.keys(DIGESTS), caFile },
  };
}
